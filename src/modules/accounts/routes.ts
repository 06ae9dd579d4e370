import { createRouter } from '../../lib/router'

export const accountRoutes = createRouter()
