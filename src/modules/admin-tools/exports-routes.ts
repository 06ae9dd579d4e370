import { createRoute, z } from '@hono/zod-openapi'
import { errors } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'
import { nowIso } from '../../lib/time'
import { OrderStatusSchema } from '../orders/schema'
import { ORDER_COLUMNS, orderExport, PRODUCT_COLUMNS, productExport } from './exports'

// Staff sign-ins, or API keys with the read scope of what is exported.
const staff = (scope: 'products:read' | 'orders:read') => ({
  tags: ['admin exports'],
  ...authRoute({ roles: ['staff', 'admin'], scopes: [scope] }),
})

export const ProductExportQuerySchema = z.object({
  status: z.enum(['draft', 'active', 'archived']).optional(),
  seller_id: z.string().max(64).optional(),
  category: z.string().max(120).optional().openapi({ description: 'Category id or slug; includes all subcategories' }),
  q: z.string().max(200).optional().openapi({ description: 'Full-text search over name and description, as in the product list' }),
  sku: z.string().trim().min(1).max(64).optional().openapi({
    description: 'Products with a variant whose SKU contains this text, as in the product list (all their variants are exported)',
  }),
  min_price: z.coerce.number().int().min(0).optional().openapi({ description: 'Lowest price_min, minor units of each product’s currency' }),
  max_price: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: 'Highest price_min, minor units of each product’s currency' }),
})

export const OrderExportQuerySchema = z.object({
  status: OrderStatusSchema.optional(),
  user_id: z.string().max(64).optional(),
  email: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .openapi({ description: 'The order’s email or its account’s email, case-insensitive' }),
  from: z.string().datetime({ offset: true }).optional().openapi({ description: 'created_at >= this ISO time' }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: 'created_at < this ISO time' }),
})

const csv = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } })

function download(body: ReadableStream<Uint8Array>, name: string) {
  const day = nowIso().slice(0, 10)
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}-${day}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

const moneyNote =
  'Money columns are decimals in the currency’s major unit (19.99 USD, 1999 JPY) beside a `currency` column. ' +
  'Cells starting with = + - @ are written with a leading apostrophe so spreadsheets do not run them as formulas. ' +
  'UTF-8 with a byte-order mark, CRLF line ends (RFC 4180). Streamed page by page, so any size downloads in constant memory.'

/** CSV downloads for staff. Mounted at /api/v1. */
export const exportRoutes = createRouter()
  .openapi(
    createRoute({
      ...staff('products:read'),
      method: 'get',
      path: '/admin/exports/products',
      summary: 'Products, variants and stock as CSV (one row per variant; the same columns the product import reads)',
      description: `Columns: ${PRODUCT_COLUMNS.join(', ')}. The filters are the product list's. ${moneyNote}`,
      request: { query: ProductExportQuerySchema },
      responses: { 200: csv('The CSV file'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => download(await productExport(c.env, c.req.valid('query')), 'products'),
  )
  .openapi(
    createRoute({
      ...staff('orders:read'),
      method: 'get',
      path: '/admin/exports/orders',
      summary: 'Orders as CSV, newest first, with the order list’s filters',
      description: `Columns: ${ORDER_COLUMNS.join(', ')}. ${moneyNote}`,
      request: { query: OrderExportQuerySchema },
      responses: { 200: csv('The CSV file'), ...errors(400, 401, 403) },
    }),
    (c) => download(orderExport(c.env, c.req.valid('query')), 'orders'),
  )
