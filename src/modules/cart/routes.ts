import { createRouter } from '../../lib/router'

export const cartRoutes = createRouter()
