import { createRoute } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'
import { customerProfile } from './customers'
import { exportRoutes } from './exports-routes'
import { importRoutes } from './imports-routes'
import { CustomerProfileSchema, SearchQuerySchema, SearchResultSchema } from './schema'
import { searchEverything } from './service'

const staff = { tags: ['admin'], ...authRoute({ roles: ['staff', 'admin'] }) }

/** Staff tools behind the dashboard: global search, the customer page, CSV exports and imports. Mounted at /api/v1. */
export const adminToolRoutes = createRouter()
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/search',
      summary: 'Search orders, customers and products at once (the dashboard’s Ctrl/Cmd-K)',
      description:
        'Orders by number, order email, account email or customer name; accounts by email or name; products by name or a ' +
        'variant SKU. Every match is "contains", case-insensitive for ASCII; newest first, `limit` per kind.',
      request: { query: SearchQuerySchema },
      responses: { 200: jsonContent(SearchResultSchema, 'Matches per kind'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await searchEverything(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/customers/{id}',
      summary: 'One account for the customer page: profile, saved addresses and order totals per currency',
      description:
        'Lifetime value counts the orders whose money was captured (paid, shipped, delivered, partially refunded, refunded) ' +
        'net of refunds, per currency. The orders themselves: GET /admin/orders?user_id=….',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(CustomerProfileSchema, 'The customer'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await customerProfile(c.env, c.get('db'), c.req.valid('param').id), 200),
  )
  .route('/', exportRoutes)
  .route('/', importRoutes)
