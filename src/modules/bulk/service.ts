/**
 * Bulk actions on selected products (the dashboard's checkbox column): archive, change every
 * variant's price by an amount or a percentage, set every variant's stock. One call, one result per
 * product; a product that fails (not found, another seller's, wrong currency) does not stop the rest.
 *
 * Price rule: a percentage change is `price × basis_points / 10000` rounded half away from zero to
 * whole minor units (the shop-till rule of src/lib/money.ts divRound), then added; a result below
 * zero becomes 0. The arithmetic runs inside the UPDATE, so a concurrent edit of a price is never
 * overwritten with a value computed from a stale read.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import { productForWrite, updateProduct, type WriteScope } from '../catalog/products'
import { refreshProductAggregates, stockAdjustmentInsert } from '../catalog/statements'
import { products, productVariants } from '../catalog/tables'
import { runBatch } from '../../lib/d1'
import type { BulkAction, BulkResult } from './schema'

type Item = BulkResult['results'][number]

/** The price after a change, in minor units: the same rule the SQL below applies (for tests and the dashboard's preview). */
export function changedPrice(
  price: number,
  change: { kind: 'amount'; amount: number } | { kind: 'percent'; basis_points: number },
): number {
  if (change.kind === 'amount') return Math.max(0, price + change.amount)
  const product = price * change.basis_points
  const delta = Math.trunc((product + (product >= 0 ? 5000 : -5000)) / 10_000)
  return Math.max(0, price + delta)
}

async function applyOne(db: DB, scope: WriteScope, id: string, action: BulkAction): Promise<void> {
  const product = await productForWrite(db, id, scope)
  const now = nowIso()
  switch (action.action) {
    case 'archive':
      await updateProduct(db, product.id, scope, { status: 'archived' })
      return
    case 'change_price': {
      const c = action.change
      if (c.kind === 'amount' && c.currency !== product.currency) {
        throw new AppError('unprocessable', `Priced in ${product.currency}, not ${c.currency}; change it by a percentage or on its own`)
      }
      // Half away from zero: SQLite's integer division truncates toward zero, so add ±half first.
      // D1 binds JS numbers as REAL: the CASTs keep the arithmetic (and the stored price) integer.
      const price =
        c.kind === 'amount'
          ? sql`MAX(0, ${productVariants.price} + CAST(${c.amount} AS INTEGER))`
          : sql`MAX(0, ${productVariants.price} + ((${productVariants.price} * CAST(${c.basis_points} AS INTEGER) + CASE WHEN ${productVariants.price} * CAST(${c.basis_points} AS INTEGER) >= 0 THEN 5000 ELSE -5000 END) / 10000))`
      await runBatch(db, [
        db.update(productVariants).set({ price, updatedAt: now }).where(eq(productVariants.productId, product.id)),
        refreshProductAggregates(db, product.id),
      ])
      return
    }
    case 'set_stock': {
      const variants = await db.select({ id: productVariants.id }).from(productVariants).where(eq(productVariants.productId, product.id))
      await runBatch(db, [
        db.update(productVariants).set({ stock: action.stock, updatedAt: now }).where(eq(productVariants.productId, product.id)),
        // One stock-history row per variant, as a manual stock change through the API writes.
        ...variants.map((v) => stockAdjustmentInsert(db, product.id, v.id, scope.actorId, { stock: action.stock })),
        refreshProductAggregates(db, product.id),
      ])
      return
    }
  }
}

/** Run a bulk action over the products; each product is one D1 batch (all or nothing for that product). */
export async function runBulkAction(db: DB, scope: WriteScope, action: BulkAction): Promise<BulkResult> {
  const results: Item[] = []
  for (const id of action.product_ids) {
    try {
      await applyOne(db, scope, id, action)
      const p = await db
        .select({
          id: products.id,
          name: products.name,
          status: products.status,
          currency: products.currency,
          price_min: products.priceMin,
          price_max: products.priceMax,
          stock_total: products.stockTotal,
        })
        .from(products)
        .where(and(eq(products.id, id)))
        .get()
      results.push({ product_id: id, ok: true, product: p })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      results.push({ product_id: id, ok: false, error: { code: err.code, message: err.message } })
    }
  }
  const succeeded = results.filter((r) => r.ok).length
  return { succeeded, failed: results.length - succeeded, results }
}
