import { createRouter } from '../../lib/router'
import { webhookRoutes } from './webhook-routes'

/** Mounted at /api/v1: /admin/webhooks (outgoing webhook endpoints and deliveries). */
export const integrationRoutes = createRouter().route('/', webhookRoutes)
