/**
 * Stock reservation and release for orders.
 *
 * Besides the catalog's own stock endpoints, this module is the ONLY place allowed to change
 * product_variants.stock. It never runs a statement itself: it builds drizzle statements that the
 * caller puts into one `db.batch()` with the rest of its write (the order rows, the history), so
 * stock and orders change together or not at all. Overselling is prevented by the variant's
 * CHECK(stock >= 0): a reservation that would go below zero aborts the whole batch.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { isCheckViolation } from '../../lib/d1'
import type { DB } from '../../lib/db'
import { refreshProductAggregates } from '../catalog/service'
import { productVariants } from '../catalog/tables'

export interface StockLine {
  variant_id: string
  product_id: string
  quantity: number
}

export type Statement = BatchItem<'sqlite'>

/** Merge lines of the same variant so each variant is updated once (and products once each). */
function grouped(lines: readonly StockLine[]) {
  const variants = new Map<string, number>()
  const productIds = new Set<string>()
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new Error(`bad stock quantity ${line.quantity}`)
    variants.set(line.variant_id, (variants.get(line.variant_id) ?? 0) + line.quantity)
    productIds.add(line.product_id)
  }
  return { variants, productIds }
}

/**
 * Take stock for every line. If any variant has fewer units than asked, its CHECK(stock >= 0)
 * fails and D1 rolls back the whole batch; detect that with `isOutOfStockError`. The product's
 * stock_total (the catalog's sum of variant stock) is recomputed in the same batch. After the
 * commit, the caller invalidates the cached pages with `invalidateAfterStockChange` (catalog/cache).
 */
export function reserveStockStatements(db: DB, lines: readonly StockLine[]): Statement[] {
  const { variants, productIds } = grouped(lines)
  // Query builders, not db.run(sql``): drizzle's D1 batch cannot bind parameters of raw statements.
  const out: Statement[] = []
  for (const [id, qty] of variants) {
    out.push(
      db
        .update(productVariants)
        .set({ stock: sql`${productVariants.stock} - ${qty}` })
        .where(eq(productVariants.id, id)),
    )
  }
  out.push(refreshProductAggregates(db, [...productIds]))
  return out
}

/**
 * Put stock back. `onlyIf` is an SQL boolean evaluated inside each statement (e.g. "this order's
 * stock has not been released yet"), which is how a caller makes a release happen exactly once
 * even when its batch is retried: the batch's last statement flips the flag the guard reads.
 */
export function releaseStockStatements(db: DB, lines: readonly StockLine[], onlyIf?: SQL): Statement[] {
  const { variants, productIds } = grouped(lines)
  const out: Statement[] = []
  for (const [id, qty] of variants) {
    out.push(
      db
        .update(productVariants)
        .set({ stock: sql`${productVariants.stock} + ${qty}` })
        .where(onlyIf ? and(eq(productVariants.id, id), onlyIf) : eq(productVariants.id, id)),
    )
  }
  // A recompute, not an increment, so running it again (guard already flipped) changes nothing.
  out.push(refreshProductAggregates(db, [...productIds]))
  return out
}

/** True when a batch failed because a reservation would have taken a variant's stock below zero. */
export function isOutOfStockError(err: unknown): boolean {
  return isCheckViolation(err, 'product_variants_stock_nonnegative')
}
