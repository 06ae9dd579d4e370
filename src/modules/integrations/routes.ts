import { createRouter } from '../../lib/router'
import { apiKeyRoutes } from './api-key-routes'
import { webhookRoutes } from './webhook-routes'

/** Mounted at /api/v1: /admin/api-keys and /admin/webhooks (outgoing webhook endpoints and deliveries). */
export const integrationRoutes = createRouter().route('/', apiKeyRoutes).route('/', webhookRoutes)
