import { createRouter } from '../../lib/router'

export const marketplaceRoutes = createRouter()
