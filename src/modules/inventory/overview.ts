import { AppError } from '../../lib/errors'
import { decodeCursor, encodeCursor } from '../../lib/pagination'
import { getDb } from '../../lib/db'
import type { InventoryQuery } from './schema'
import { inventorySettings } from './settings'

interface Row {
  product_id: string
  product_name: string
  product_status: 'draft' | 'active' | 'archived'
  seller_id: string
  seller_name: string | null
  variant_id: string
  variant_name: string
  sku: string
  stock: number
}

/**
 * Variants of products that are not archived with stock at or below the threshold (or sold out),
 * lowest stock first, keyset-paginated on (stock, variant id); with the counts for the page's header.
 */
export async function lowStock(env: Pick<Env, 'DB'>, q: InventoryQuery) {
  const threshold = q.threshold ?? (await inventorySettings(getDb(env))).low_stock_threshold
  const max = q.sold_out ? 0 : threshold
  let after: [number, string] | null = null
  if (q.cursor) {
    const [stock, id] = decodeCursor(q.cursor, 2)
    if (typeof stock !== 'number' || typeof id !== 'string') throw new AppError('invalid_cursor', 'The cursor is not valid for this list')
    after = [stock, id]
  }
  const [rows, counts] = await env.DB.batch([
    env.DB.prepare(
      `SELECT p.id AS product_id, p.name AS product_name, p.status AS product_status, p.seller_id, u.name AS seller_name,
              v.id AS variant_id, v.name AS variant_name, v.sku, v.stock
         FROM product_variants v JOIN products p ON p.id = v.product_id LEFT JOIN users u ON u.id = p.seller_id
        WHERE p.status != 'archived' AND v.stock <= ?1 AND (?2 IS NULL OR (v.stock, v.id) > (?2, ?3))
        ORDER BY v.stock, v.id LIMIT ?4`,
    ).bind(max, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1),
    env.DB.prepare(
      `SELECT SUM(CASE WHEN v.stock <= 0 THEN 1 ELSE 0 END) AS sold_out, SUM(CASE WHEN v.stock <= ?1 THEN 1 ELSE 0 END) AS low
         FROM product_variants v JOIN products p ON p.id = v.product_id WHERE p.status != 'archived'`,
    ).bind(threshold),
  ])
  const list = rows!.results as Row[]
  const more = list.length > q.limit
  const data = more ? list.slice(0, q.limit) : list
  const last = data.at(-1)
  const c = counts!.results[0] as { sold_out: number | null; low: number | null }
  return {
    data,
    next_cursor: more && last ? encodeCursor([last.stock, last.variant_id]) : null,
    sold_out_count: c.sold_out ?? 0,
    low_count: c.low ?? 0,
    threshold,
  }
}
