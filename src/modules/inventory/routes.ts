import { createRoute } from '@hono/zod-openapi'
import { bearerSecurity, errors, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { requireAuth } from '../accounts/middleware'
import { lowStock } from './overview'
import { InventoryPageSchema, InventoryQuerySchema } from './schema'

/** The dashboard's inventory page. Mounted at /api/v1. */
export const inventoryRoutes = createRouter().openapi(
  createRoute({
    tags: ['admin'],
    security: bearerSecurity,
    middleware: requireAuth('staff', 'admin'),
    method: 'get',
    path: '/admin/inventory',
    summary: 'Low-stock and sold-out variants, lowest stock first',
    description:
      'Variants of draft and active products with stock at or below `threshold` (`sold_out=true`: exactly none left), ' +
      'with the counts of sold-out and low variants. Stock is changed through POST /admin/products/{id}/variants/{variantId}/stock.',
    request: { query: InventoryQuerySchema },
    responses: { 200: jsonContent(InventoryPageSchema, 'A page of variants'), ...errors(400, 401, 403) },
  }),
  async (c) => c.json(await lowStock(c.env, c.req.valid('query')), 200),
)
