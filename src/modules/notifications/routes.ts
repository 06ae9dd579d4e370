import { createRouter } from '../../lib/router'

export const notificationRoutes = createRouter()
