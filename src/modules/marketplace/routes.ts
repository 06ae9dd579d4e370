import { createRoute, z } from '@hono/zod-openapi'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { pageOf } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import {
  ImportRequestSchema,
  ImportResultSchema,
  MarketplaceStatusSchema,
  SyncAcceptedSchema,
  SyncRequestSchema,
  SyncRowQuerySchema,
  SyncRowSchema,
} from './schema'
import { importOrdersNow } from '../../workflows/order-import'
import { kaspiPriceList, listSyncRows, marketplaceStatus, requestSync } from './service'

const tags = ['marketplace sync (admin)']

/** Mounted at /api/v1: admin view and control of Kaspi/Ozon sync, and the price list Kaspi downloads. */
export const marketplaceRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/marketplace/status',
      tags,
      summary: 'Per marketplace: enabled (credentials set), sync rows by state, imported orders, last push and import',
      ...authRoute({ roles: ['staff', 'admin'] }),
      responses: {
        200: jsonContent(z.object({ data: z.array(MarketplaceStatusSchema) }), 'Status of each marketplace'),
        ...errors(401, 403),
      },
    }),
    async (c) => c.json({ data: await marketplaceStatus(c.env) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/marketplace/products',
      tags,
      summary: 'Per-product sync rows (state, attempts, last error, last success, offers pushed), filterable by state',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { query: SyncRowQuerySchema },
      responses: { 200: jsonContent(pageOf(SyncRowSchema), 'A page of sync rows'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listSyncRows(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin/marketplace/sync',
      tags,
      summary: 'Queue a full re-push (content, prices, stock) of some or all products to one or every enabled marketplace',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: jsonBody(SyncRequestSchema),
      responses: { 202: jsonContent(SyncAcceptedSchema, 'Queued'), ...errors(400, 401, 403, 409) },
    }),
    async (c) => c.json(await requestSync(c.env, c.req.valid('json'), currentUser(c).id), 202),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin/marketplace/import-orders',
      tags,
      summary: 'Import new orders from a marketplace now (idempotent: an order already imported is not created again)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: jsonBody(ImportRequestSchema),
      responses: {
        200: jsonContent(ImportResultSchema, 'What the import did'),
        ...errors(400, 401, 403, 409),
        502: jsonContent(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'The marketplace failed'),
      },
    }),
    async (c) => c.json(await importOrdersNow(c.env, c.req.valid('json').marketplace), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/marketplace/kaspi/price-list/{file}',
      tags: ['marketplace sync'],
      summary: 'The XML price list Kaspi downloads (prices and stock); the file name is KASPI_PRICE_LIST_TOKEN + ".xml"',
      request: { params: z.object({ file: z.string().min(1).max(200) }) },
      responses: {
        200: { content: { 'application/xml': { schema: z.string() } }, description: 'kaspi_catalog XML' },
        ...errors(404),
      },
    }),
    async (c) => {
      const file = c.req.valid('param').file
      const xml = await kaspiPriceList(c.env, file.endsWith('.xml') ? file.slice(0, -4) : '')
      return c.body(xml, 200, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' })
    },
  )
