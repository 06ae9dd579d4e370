import { createRouter } from '../../lib/router'

export const catalogRoutes = createRouter()
