import { inArray, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { nowIso } from '../../lib/time'
import { newId } from '../../lib/ids'
import { products, stockAdjustments } from './tables'

type StockReason = NonNullable<(typeof stockAdjustments.$inferInsert)['reason']>

/**
 * Recompute products.price_min / price_max / stock_total from the variants, in SQL, for one or
 * more products. Put it in the same batch as (after) any product_variants write so the product
 * row never disagrees with its variants.
 */
export function refreshProductAggregates(db: DB, productIds: string | string[]) {
  const ids = Array.isArray(productIds) ? productIds : [productIds]
  return db
    .update(products)
    .set({
      priceMin: sql`COALESCE((SELECT MIN(v.price) FROM product_variants v WHERE v.product_id = ${products.id}), 0)`,
      priceMax: sql`COALESCE((SELECT MAX(v.price) FROM product_variants v WHERE v.product_id = ${products.id}), 0)`,
      stockTotal: sql`COALESCE((SELECT SUM(v.stock) FROM product_variants v WHERE v.product_id = ${products.id}), 0)`,
      updatedAt: nowIso(),
    })
    .where(inArray(products.id, ids))
}

/** The stock-history row for a manual change; batch it with the stock UPDATE it describes. */
export function stockAdjustmentInsert(
  db: DB,
  productId: string,
  variantId: string,
  userId: string,
  change: ({ stock: number } | { delta: number }) & { reason?: StockReason; note?: string },
  idempotencyKey?: string,
) {
  return db.insert(stockAdjustments).values({
    id: newId('stk'),
    variantId,
    productId,
    userId,
    kind: 'stock' in change ? 'set' : 'delta',
    quantity: 'stock' in change ? change.stock : change.delta,
    reason: change.reason ?? null,
    note: change.note ?? null,
    idempotencyKey: idempotencyKey ?? null,
    createdAt: nowIso(),
  })
}
