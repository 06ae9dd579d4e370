import { createRoute } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonContent } from '../../lib/openapi-schemas'
import { pageOf, PageQuerySchema } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'
import { DeadLetterSchema, DeliveryDetailSchema, DeliveryQuerySchema, DeliverySchema } from './schema'
import { getDelivery, listDeadLetters, listDeliveries } from './service'

const common = { tags: ['admin: notifications'], ...authRoute({ roles: ['staff', 'admin'] }) }

/** Mounted at /api/v1: what the notifications consumer sent, failed to send, or gave up on. */
export const notificationRoutes = createRouter()
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/admin/notifications',
      summary: 'Notification deliveries, newest first',
      description: 'One row per event and channel, with status, attempts, provider message id and last error.',
      request: { query: DeliveryQuerySchema },
      responses: { 200: jsonContent(pageOf(DeliverySchema), 'A page of deliveries'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listDeliveries(c.get('db'), c.req.valid('query')), 200),
  )
  // Registered before /:id so "dead-letters" is not taken for an id.
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/admin/notifications/dead-letters',
      summary: 'Events the queue gave up on (moved to notifications-dlq)',
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(pageOf(DeadLetterSchema), 'A page of dead letters'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listDeadLetters(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/admin/notifications/{id}',
      summary: 'One delivery',
      description: 'For the log provider (local development) the rendered subject and text are included, one-time links redacted.',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(DeliveryDetailSchema, 'The delivery'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getDelivery(c.get('db'), c.req.valid('param').id), 200),
  )
