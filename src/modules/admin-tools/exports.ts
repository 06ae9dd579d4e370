/**
 * CSV exports for staff: products (one row per variant, with stock) and orders. Each export is a
 * ReadableStream that reads D1 one keyset page at a time when the client asks for more (pull), so
 * a 50,000-row export holds one page in memory, never the whole file.
 */
import { type SQL, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { badRequest } from '../../lib/errors'
import { resolveCategoryId } from '../catalog/categories'
import { ftsQuery } from '../catalog/fts'
import { csvLine, majorUnits } from './exports-csv'

/** Rows read per D1 query while streaming. */
export const EXPORT_PAGE = 1000

/** The product export's columns that the product import reads. */
export const PRODUCT_IMPORT_COLUMNS = [
  'product_id',
  'product_slug',
  'product_name',
  'status',
  'category',
  'seller_id',
  'description',
  'sku',
  'variant_name',
  'currency',
  'price',
  'compare_at_price',
  'stock',
  'weight_grams',
  'attributes',
] as const

/** The header row of the product export: the import's columns, then ids and times it ignores. */
export const PRODUCT_COLUMNS = [...PRODUCT_IMPORT_COLUMNS, 'variant_id', 'created_at', 'updated_at'] as const

export const ORDER_COLUMNS = [
  'order_id',
  'created_at',
  'status',
  'email',
  'customer_name',
  'currency',
  'subtotal',
  'discount',
  'tax',
  'shipping',
  'total',
  'refunded',
  'tax_inclusive',
  'payment_provider',
  'shipping_method',
  'discount_code',
  'line_count',
  'item_count',
  'updated_at',
] as const

export interface ProductExportFilter {
  status?: 'draft' | 'active' | 'archived'
  seller_id?: string
  category?: string
  q?: string
  /** Products with a variant whose SKU contains this text (the product list's `sku`). */
  sku?: string
  /** The product list's price range on `price_min`, minor units of each product's currency. */
  min_price?: number
  max_price?: number
}

export interface OrderExportFilter {
  status?: string
  user_id?: string
  /** The order's email or its account's email, case-insensitive. */
  email?: string
  from?: string
  to?: string
}

/** Excel opens a file with a UTF-8 byte-order mark as UTF-8 (Cyrillic names stay readable). */
const BOM = '\uFEFF'

/**
 * A stream of CSV text: the header, then `page(after)` called for each next page until it returns
 * fewer than EXPORT_PAGE rows. Each page is one chunk, enqueued only when the consumer pulls.
 */
function csvStream<Row, Key>(
  header: readonly string[],
  page: (after: Key | undefined) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  line: (row: Row) => string,
) {
  const encoder = new TextEncoder()
  let after: Key | undefined
  let done = false
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(BOM + csvLine(header)))
      },
      async pull(controller) {
        if (done) return
        const rows = await page(after)
        if (rows.length) {
          controller.enqueue(encoder.encode(rows.map(line).join('')))
          after = keyOf(rows[rows.length - 1]!)
        }
        if (rows.length < EXPORT_PAGE) {
          done = true
          controller.close()
        }
      },
    },
    { highWaterMark: 0 },
  )
}

interface ProductExportRow {
  product_id: string
  product_slug: string
  product_name: string
  status: string
  category_slug: string | null
  seller_id: string
  description: string
  currency: string
  variant_id: string
  sku: string
  variant_name: string
  price: number
  compare_at_price: number | null
  stock: number
  weight_grams: number
  attributes: string
  position: number
  created_at: string
  updated_at: string
}

/** Validate the filter before the response starts: a bad category is a 4xx, not a broken download. */
async function productWhere(db: DB, f: ProductExportFilter): Promise<SQL[] | null> {
  if (f.min_price !== undefined && f.max_price !== undefined && f.min_price > f.max_price)
    throw badRequest('min_price must not exceed max_price', [{ path: 'min_price', message: 'greater than max_price' }])
  const where: SQL[] = []
  if (f.status) where.push(sql`p.status = ${f.status}`)
  if (f.seller_id) where.push(sql`p.seller_id = ${f.seller_id}`)
  if (f.sku) {
    // As the product list: a product matches when one of its variants does; all its variants are exported.
    const like = `%${f.sku.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    where.push(sql`EXISTS (SELECT 1 FROM product_variants sv WHERE sv.product_id = p.id AND sv.sku LIKE ${like} ESCAPE '\\')`)
  }
  if (f.min_price !== undefined) where.push(sql`p.price_min >= ${f.min_price}`)
  if (f.max_price !== undefined) where.push(sql`p.price_min <= ${f.max_price}`)
  if (f.category) {
    const categoryId = await resolveCategoryId(db, f.category)
    where.push(sql`p.category_id IN (
      WITH RECURSIVE sub(id) AS (SELECT ${categoryId} UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
      SELECT id FROM sub)`)
  }
  const q = f.q?.trim()
  if (q) {
    const match = ftsQuery(q)
    if (!match) return null
    where.push(sql`p.id IN (SELECT product_id FROM products_fts WHERE products_fts MATCH ${match})`)
  }
  return where
}

/** Products and their variants (one CSV row per variant), ordered by product id then variant position. */
export async function productExport(env: Pick<Env, 'DB'>, filter: ProductExportFilter): Promise<ReadableStream<Uint8Array>> {
  const db = getDb(env)
  const where = await productWhere(db, filter)
  type Key = [string, number, string]
  const page = async (after: Key | undefined): Promise<ProductExportRow[]> => {
    if (where === null) return []
    const conditions = [...where]
    if (after) conditions.push(sql`(p.id, v.position, v.id) > (${after[0]}, ${after[1]}, ${after[2]})`)
    return db.all<ProductExportRow>(sql`
      SELECT p.id AS product_id, p.slug AS product_slug, p.name AS product_name, p.status, c.slug AS category_slug,
        p.seller_id, p.description, p.currency, v.id AS variant_id, v.sku, v.name AS variant_name, v.price,
        v.compare_at_price, v.stock, v.weight_grams, v.attributes, v.position, v.created_at, v.updated_at
      FROM products p
      JOIN product_variants v ON v.product_id = p.id
      LEFT JOIN categories c ON c.id = p.category_id
      ${conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
      ORDER BY p.id, v.position, v.id
      LIMIT ${EXPORT_PAGE}`)
  }
  return csvStream<ProductExportRow, Key>(
    PRODUCT_COLUMNS,
    page,
    (r) => [r.product_id, r.position, r.variant_id],
    (r) =>
      csvLine([
        r.product_id,
        r.product_slug,
        r.product_name,
        r.status,
        r.category_slug,
        r.seller_id,
        r.description,
        r.sku,
        r.variant_name,
        r.currency,
        majorUnits(r.price, r.currency),
        r.compare_at_price === null ? null : majorUnits(r.compare_at_price, r.currency),
        r.stock,
        r.weight_grams,
        r.attributes === '{}' ? '' : r.attributes,
        r.variant_id,
        r.created_at,
        r.updated_at,
      ]),
  )
}

interface OrderExportRow {
  id: string
  created_at: string
  updated_at: string
  status: string
  email: string | null
  shipping_address: string
  currency: string
  subtotal: number
  discount: number
  tax: number
  shipping: number
  total: number
  refunded_amount: number
  tax_inclusive: number
  payment_provider: string
  shipping_method_name: string | null
  discount_code: string | null
  line_count: number
  item_count: number
}

function isoOrThrow(name: string, value: string): string {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw badRequest(`${name} must be an ISO 8601 time`, [{ path: name, message: 'invalid time' }])
  return new Date(t).toISOString()
}

function customerName(shippingAddress: string): string | null {
  try {
    const a = JSON.parse(shippingAddress) as { name?: unknown }
    return typeof a.name === 'string' ? a.name : null
  } catch {
    return null
  }
}

/** Orders newest first (the order of the admin list), with the list's filters. */
export function orderExport(env: Pick<Env, 'DB'>, filter: OrderExportFilter): ReadableStream<Uint8Array> {
  const db = getDb(env)
  const where: SQL[] = []
  if (filter.status) where.push(sql`o.status = ${filter.status}`)
  if (filter.user_id) where.push(sql`o.user_id = ${filter.user_id}`)
  if (filter.email) {
    const email = filter.email.trim().toLowerCase()
    where.push(sql`(lower(o.email) = ${email} OR o.user_id IN (SELECT u.id FROM users u WHERE lower(u.email) = ${email}))`)
  }
  if (filter.from) where.push(sql`o.created_at >= ${isoOrThrow('from', filter.from)}`)
  if (filter.to) where.push(sql`o.created_at < ${isoOrThrow('to', filter.to)}`)
  type Key = [string, string]
  const page = (after: Key | undefined) => {
    const conditions = [...where]
    if (after) conditions.push(sql`(o.created_at, o.id) < (${after[0]}, ${after[1]})`)
    return db.all<OrderExportRow>(sql`
      SELECT o.id, o.created_at, o.updated_at, o.status, o.email, o.shipping_address, o.currency, o.subtotal, o.discount,
        o.tax, o.shipping, o.total, o.refunded_amount, o.tax_inclusive, o.payment_provider, o.shipping_method_name,
        o.discount_code, o.line_count, o.item_count
      FROM orders o
      ${conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
      ORDER BY o.created_at DESC, o.id DESC
      LIMIT ${EXPORT_PAGE}`)
  }
  return csvStream<OrderExportRow, Key>(
    ORDER_COLUMNS,
    page,
    (r) => [r.created_at, r.id],
    (r) =>
      csvLine([
        r.id,
        r.created_at,
        r.status,
        r.email,
        customerName(r.shipping_address),
        r.currency,
        majorUnits(r.subtotal, r.currency),
        majorUnits(r.discount, r.currency),
        majorUnits(r.tax, r.currency),
        majorUnits(r.shipping, r.currency),
        majorUnits(r.total, r.currency),
        majorUnits(r.refunded_amount, r.currency),
        r.tax_inclusive ? 'true' : 'false',
        r.payment_provider,
        r.shipping_method_name,
        r.discount_code,
        r.line_count,
        r.item_count,
        r.updated_at,
      ]),
  )
}
