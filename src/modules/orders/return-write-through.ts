/**
 * How the OrderDO writes a return through to D1 (called from orders/write-through.ts). Every
 * statement is safe to run twice: the return row only moves forward (version < the entry's seq),
 * the lines are upserts, and the restock is guarded by returns.restocked_at, which the same batch
 * sets last (the pattern of the order's own stock release).
 */
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { DB } from '../../lib/db'
import { releaseStockStatements } from '../inventory/service'
import type { Actor } from './state-machine'
import type { OrderState, ReturnState } from './model'
import { orderHistory } from './tables'
import { returnLines, returns } from './return-tables'

/** The return's row and lines (upserted, never backwards), then its restock once received. */
export function returnStatements(db: DB, state: OrderState, ret: ReturnState): BatchItem<'sqlite'>[] {
  const row = {
    id: ret.id,
    orderId: state.id,
    userId: state.user_id,
    status: ret.status,
    reason: ret.reason,
    comment: ret.comment,
    note: ret.note,
    refundAmount: ret.refund_amount,
    currency: ret.currency,
    method: ret.method,
    instructions: ret.instructions,
    labelShipmentId: ret.label?.shipment_id ?? null,
    labelCarrier: ret.label?.carrier ?? null,
    labelTrackingNumber: ret.label?.tracking_number ?? null,
    refundId: ret.refund_id,
    requestedByType: ret.requested_by.type,
    requestedById: ret.requested_by.id ?? null,
    history: JSON.stringify(ret.history),
    version: ret.version,
    createdAt: ret.created_at,
    updatedAt: ret.updated_at,
  }
  const { id: _id, orderId: _o, userId: _u, createdAt: _c, requestedByType: _t, requestedById: _r, ...changes } = row
  const out: BatchItem<'sqlite'>[] = [
    db
      .insert(returns)
      .values(row)
      .onConflictDoUpdate({ target: returns.id, set: changes, setWhere: lt(returns.version, ret.version) }),
    ...ret.lines.map((l) =>
      db
        .insert(returnLines)
        .values({
          returnId: ret.id,
          lineId: l.line_id,
          orderId: state.id,
          sellerId: l.seller_id,
          quantity: l.quantity,
          amount: l.amount,
          restock: l.restock,
        })
        .onConflictDoUpdate({
          target: [returnLines.returnId, returnLines.lineId],
          set: { restock: l.restock },
          // An older entry written late must not undo a newer restock decision.
          setWhere: sql`EXISTS (SELECT 1 FROM ${returns} WHERE ${returns.id} = ${ret.id} AND ${returns.version} <= ${ret.version})`,
        }),
    ),
  ]
  const restocked = ret.status === 'received' || ret.status === 'refunded' ? ret.lines.filter((l) => l.restock) : []
  if (restocked.length) {
    const stock = restocked.map((l) => {
      const line = state.lines.find((x) => x.id === l.line_id)!
      return { variant_id: line.variant_id, product_id: line.product_id, quantity: l.quantity }
    })
    const notYet = sql`EXISTS (SELECT 1 FROM ${returns} WHERE ${returns.id} = ${ret.id} AND ${returns.restockedAt} IS NULL)`
    out.push(...releaseStockStatements(db, stock, notYet))
    out.push(
      db
        .update(returns)
        .set({ restockedAt: ret.updated_at })
        .where(and(eq(returns.id, ret.id), sql`${returns.restockedAt} IS NULL`)),
    )
  }
  return out
}

/** Every return of the order, for the converging batch (D1 brought to the DO's latest state). */
export function convergeReturnStatements(db: DB, state: OrderState): BatchItem<'sqlite'>[] {
  return (state.returns ?? []).flatMap((r) => returnStatements(db, state, r))
}

/**
 * When an order was delivered, for OrderDO states saved before `delivered_at` was kept: the
 * history row of its `delivered` transition (written once and never changed).
 */
export async function deliveredAtFromHistory(db: DB, orderId: string): Promise<string | null> {
  const [row] = await db
    .select({ at: orderHistory.at })
    .from(orderHistory)
    .where(and(eq(orderHistory.orderId, orderId), eq(orderHistory.toStatus, 'delivered')))
    .orderBy(desc(orderHistory.seq))
    .limit(1)
  return row?.at ?? null
}

/** The order's returns as the OrderDO keeps them, rebuilt from D1 (a DO initialised from the read model). */
export async function loadReturnsFromD1(db: DB, orderId: string): Promise<ReturnState[]> {
  const rows = await db.select().from(returns).where(eq(returns.orderId, orderId)).orderBy(asc(returns.createdAt))
  if (!rows.length) return []
  const lines = await db
    .select()
    .from(returnLines)
    .where(
      inArray(
        returnLines.returnId,
        rows.map((r) => r.id),
      ),
    )
  return rows.map((r) => returnFromRows(r, lines))
}

/** One return row (and any lines, filtered to it) in the OrderDO's shape. */
export function returnFromRows(r: typeof returns.$inferSelect, lines: (typeof returnLines.$inferSelect)[]): ReturnState {
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    comment: r.comment,
    note: r.note,
    lines: lines
      .filter((l) => l.returnId === r.id)
      .map((l) => ({ line_id: l.lineId, seller_id: l.sellerId, quantity: l.quantity, amount: l.amount, restock: l.restock })),
    refund_amount: r.refundAmount,
    currency: r.currency,
    method: r.method,
    instructions: r.instructions,
    label:
      r.labelShipmentId && r.labelCarrier && r.labelTrackingNumber
        ? { shipment_id: r.labelShipmentId, carrier: r.labelCarrier, tracking_number: r.labelTrackingNumber }
        : null,
    refund_id: r.refundId,
    requested_by: { type: r.requestedByType as Actor['type'], ...(r.requestedById ? { id: r.requestedById } : {}) },
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    history: JSON.parse(r.history) as ReturnState['history'],
  }
}
