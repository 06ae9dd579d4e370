import { and, desc, eq, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { olderThanCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation, runBatch } from '../../lib/d1'
import { assertVariantOf, mustGet, productForWrite, variantOf, type WriteScope } from './products'
import type { Product, StockChange } from './schema'
import { refreshProductAggregates, stockAdjustmentInsert } from './statements'
import { users } from '../accounts/tables'
import { productVariants, stockAdjustments } from './tables'

type AdjustmentRow = typeof stockAdjustments.$inferSelect

/** A retry with the same key must be the same request; anything else is a client bug (409). */
function assertSameRequest(row: AdjustmentRow, variantId: string, change: StockChange) {
  const kind = 'stock' in change ? 'set' : 'delta'
  const quantity = 'stock' in change ? change.stock : change.delta
  if (
    row.variantId !== variantId ||
    row.kind !== kind ||
    row.quantity !== quantity ||
    row.reason !== (change.reason ?? null) ||
    row.note !== (change.note ?? null)
  ) {
    throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used for a different stock change')
  }
}

const findByKey = (db: DB, userId: string, key: string) =>
  db
    .select()
    .from(stockAdjustments)
    .where(and(eq(stockAdjustments.userId, userId), eq(stockAdjustments.idempotencyKey, key)))
    .get()

/**
 * Set a variant's stock or adjust it by a delta, recording the change. One batch: history row,
 * stock UPDATE, product aggregates, cache version. Going below zero trips the variant's
 * CHECK(stock >= 0) and rolls everything back (409 out_of_stock). With an Idempotency-Key, a
 * retry of the same change is applied once and answers `replayed: true` with the current product.
 */
export async function changeStock(
  db: DB,
  productId: string,
  variantId: string,
  scope: WriteScope,
  change: StockChange,
  idempotencyKey?: string,
): Promise<{ product: Product; replayed: boolean }> {
  const product = await productForWrite(db, productId, scope)
  const replay = async (row: AdjustmentRow) => {
    assertSameRequest(row, variantId, change)
    return { product: await mustGet(db, product.id), replayed: true }
  }
  if (idempotencyKey) {
    const earlier = await findByKey(db, scope.actorId, idempotencyKey)
    if (earlier) return replay(earlier)
  }
  await assertVariantOf(db, product.id, variantId)
  const stock = 'stock' in change ? change.stock : sql`${productVariants.stock} + ${change.delta}`
  try {
    await runBatch(db, [
      stockAdjustmentInsert(db, product.id, variantId, scope.actorId, change, idempotencyKey),
      db.update(productVariants).set({ stock, updatedAt: nowIso() }).where(variantOf(product.id, variantId)),
      refreshProductAggregates(db, product.id),
    ])
  } catch (err) {
    if (isCheckViolation(err, 'product_variants_stock_nonnegative'))
      throw new AppError('out_of_stock', 'Not enough stock for that adjustment')
    if (isForeignKeyViolation(err)) throw notFound('Variant')
    if (idempotencyKey && isUniqueViolation(err, 'stock_adjustments')) {
      // A concurrent request with the same key won.
      const winner = await findByKey(db, scope.actorId, idempotencyKey)
      if (winner) return replay(winner)
    }
    throw err
  }
  return { product: await mustGet(db, product.id), replayed: false }
}

export interface StockAdjustment {
  id: string
  variant_id: string
  user_id: string
  user_name: string | null
  kind: 'set' | 'delta'
  quantity: number
  reason: AdjustmentRow['reason']
  note: string | null
  idempotency_key: string | null
  created_at: string
}

/** A variant's stock history, newest first, keyset-paginated on (created_at, id). */
export async function listStockAdjustments(
  db: DB,
  productId: string,
  variantId: string,
  scope: WriteScope,
  limit: number,
  cursor?: string,
): Promise<{ data: StockAdjustment[]; next_cursor: string | null }> {
  const product = await productForWrite(db, productId, scope)
  await assertVariantOf(db, product.id, variantId)
  const rows = await db
    .select({ a: stockAdjustments, userName: users.name })
    .from(stockAdjustments)
    .leftJoin(users, eq(users.id, stockAdjustments.userId))
    .where(
      and(
        eq(stockAdjustments.variantId, variantId),
        cursor ? olderThanCursor(cursor, stockAdjustments.createdAt, stockAdjustments.id) : undefined,
      ),
    )
    .orderBy(desc(stockAdjustments.createdAt), desc(stockAdjustments.id))
    .limit(limit + 1)
  const page = paginate(rows, limit, (r) => [r.a.createdAt, r.a.id])
  return {
    data: page.data.map(({ a: r, userName }) => ({
      id: r.id,
      variant_id: r.variantId,
      user_id: r.userId,
      user_name: userName ?? null,
      kind: r.kind,
      quantity: r.quantity,
      reason: r.reason,
      note: r.note,
      idempotency_key: r.idempotencyKey,
      created_at: r.createdAt,
    })),
    next_cursor: page.next_cursor,
  }
}
