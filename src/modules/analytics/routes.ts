import { createRoute } from '@hono/zod-openapi'
import { errors, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { RangeQuerySchema, SalesReportSchema } from './schema'
import { salesReport } from './service'

export const analyticsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/analytics/sales',
      tags: ['admin'],
      summary: 'Revenue per day, orders per status, top products and sellers for a date range',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { query: RangeQuerySchema },
      responses: { 200: jsonContent(SalesReportSchema, 'The report'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await salesReport(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/seller/sales',
      tags: ['seller'],
      summary: "The signed-in seller's own sales for a date range",
      ...authRoute({ roles: ['seller'] }),
      request: { query: RangeQuerySchema },
      responses: { 200: jsonContent(SalesReportSchema, 'The report'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await salesReport(c.env, c.req.valid('query'), currentUser(c).id), 200),
  )
