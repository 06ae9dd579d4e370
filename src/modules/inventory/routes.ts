import { createRoute } from '@hono/zod-openapi'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { lowStock } from './overview'
import { InventoryPageSchema, InventoryQuerySchema, InventorySettingsBodySchema, InventorySettingsSchema } from './schema'
import { inventorySettings, saveInventorySettings } from './settings'

/** The dashboard's inventory page and its store setting. Mounted at /api/v1. */
export const inventoryRoutes = createRouter()
  .openapi(
    createRoute({
      tags: ['admin'],
      ...authRoute({ roles: ['staff', 'admin'] }),
      method: 'get',
      path: '/admin/inventory',
      summary: 'Low-stock and sold-out variants, lowest stock first',
      description:
        'Variants of draft and active products with stock at or below `threshold` (left out: the store’s low-stock ' +
        'setting), `sold_out=true`: exactly none left; with the counts of sold-out and low variants. Stock is changed ' +
        'through POST /admin/products/{id}/variants/{variantId}/stock.',
      request: { query: InventoryQuerySchema },
      responses: { 200: jsonContent(InventoryPageSchema, 'A page of variants'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await lowStock(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      tags: ['admin'],
      ...authRoute({ roles: ['staff', 'admin'] }),
      method: 'get',
      path: '/admin/inventory/settings',
      summary: 'The store’s low-stock threshold',
      responses: {
        200: jsonContent(InventorySettingsSchema, 'The setting (the default, 5, until an admin saves one)'),
        ...errors(401, 403),
      },
    }),
    async (c) => c.json(await inventorySettings(c.get('db')), 200),
  )
  .openapi(
    createRoute({
      tags: ['admin'],
      ...authRoute({ roles: ['admin'] }),
      method: 'put',
      path: '/admin/inventory/settings',
      summary: 'Set the store’s low-stock threshold (admin)',
      request: jsonBody(InventorySettingsBodySchema),
      responses: { 200: jsonContent(InventorySettingsSchema, 'The saved setting'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await saveInventorySettings(c.get('db'), currentUser(c).id, c.req.valid('json')), 200),
  )
