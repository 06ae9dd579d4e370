import { createRouter } from '../../lib/router'

export const orderRoutes = createRouter()
