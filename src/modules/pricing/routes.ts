import { createRouter } from '../../lib/router'

export const pricingRoutes = createRouter()
