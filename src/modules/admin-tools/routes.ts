import { createRoute } from '@hono/zod-openapi'
import { bearerSecurity, errors, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { requireAuth } from '../accounts/middleware'
import { SearchQuerySchema, SearchResultSchema } from './schema'
import { searchEverything } from './service'

const staff = { tags: ['admin'], security: bearerSecurity, middleware: requireAuth('staff', 'admin') }

/** Staff tools behind the dashboard: global search. Mounted at /api/v1. */
export const adminToolRoutes = createRouter().openapi(
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
