/**
 * How the OrderDO keeps D1's read model in step. Every statement here is safe to run twice: the
 * history insert is keyed by the DO's id, the status update only moves forward (version < seq),
 * and the stock release is guarded by orders.stock_released_at, which the same batch sets last.
 * So the DO can retry a write-through after any failure without double effects.
 */
import { and, asc, eq, lt, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { getDb, type DB } from '../../lib/db'
import { domainEvent, publishCatalogChange, publishOrderStatusChange, type DomainEvent } from '../../lib/events'
import { log } from '../../lib/observability'
import { invalidateAfterStockChange } from '../catalog/service'
import { releaseStockStatements } from '../inventory/service'
import { convergeReturnStatements, loadReturnsFromD1, returnStatements } from './return-write-through'
import { externalRefOf } from './import'
import type { OrderState, TransitionRecord } from './model'
import { RELEASES_STOCK, eventFor } from './state-machine'
import { orderHistory, orderLines, orders } from './tables'

/**
 * Test seam for the write-through's failure handling: when set, the OrderDO asks it before each
 * journal entry's D1 batch and throws instead of writing when it answers true (a D1 outage or
 * SQLITE_BUSY, without having to break D1). Never set outside tests.
 */
export const writeThroughFaults: { inject: ((orderId: string, seq: number | 'converge') => boolean) | null } = { inject: null }

/**
 * Put the order's lines back in stock unless orders.stock_released_at says it was done, then set
 * it (`at`) in the same batch: a retried or converging batch releases nothing twice.
 */
function releaseStockOnce(db: DB, state: OrderState, at: string): BatchItem<'sqlite'>[] {
  const notYetReleased = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${state.id} AND ${orders.stockReleasedAt} IS NULL)`
  return [
    ...releaseStockStatements(db, state.lines, notYetReleased),
    db
      .update(orders)
      .set({ stockReleasedAt: at })
      .where(and(eq(orders.id, state.id), sql`${orders.stockReleasedAt} IS NULL`)),
  ]
}

export function writeThroughStatements(db: DB, state: OrderState, t: TransitionRecord): BatchItem<'sqlite'>[] {
  if (t.kind === 'line' && t.line) {
    const l = t.line
    return [
      db
        .update(orderLines)
        .set({
          fulfilmentStatus: l.fulfilment_status,
          carrier: l.carrier,
          trackingNumber: l.tracking_number,
          shippedAt: l.shipped_at,
          updatedAt: t.at,
        })
        .where(eq(orderLines.id, l.id)),
      db
        .update(orders)
        .set({ version: t.seq, updatedAt: t.at })
        .where(and(eq(orders.id, state.id), lt(orders.version, t.seq))),
    ]
  }
  const out: BatchItem<'sqlite'>[] = [
    db
      .insert(orderHistory)
      .values({
        id: t.history_id,
        orderId: state.id,
        seq: t.seq,
        fromStatus: t.from_status,
        toStatus: t.to_status,
        actorType: t.actor_type,
        actorId: t.actor_id,
        reason: t.reason,
        meta: t.meta ? JSON.stringify(t.meta) : null,
        at: t.at,
        visibility: t.visibility ?? 'public',
      })
      .onConflictDoNothing(),
  ]
  if (t.kind === 'return' && t.return) out.push(...returnStatements(db, state, t.return))
  if (t.kind === 'note' || t.kind === 'return') {
    out.push(
      db
        .update(orders)
        .set({ version: t.seq, updatedAt: t.at })
        .where(and(eq(orders.id, state.id), lt(orders.version, t.seq))),
    )
    return out
  }
  if (RELEASES_STOCK.includes(t.to_status)) out.push(...releaseStockOnce(db, state, t.at))
  if (t.to_status === 'shipped' && t.meta?.carrier && t.meta.tracking_number) {
    // Staff shipping the whole order: lines a seller has not shipped yet take this tracking.
    out.push(
      db
        .update(orderLines)
        .set({
          fulfilmentStatus: 'shipped',
          carrier: t.meta.carrier,
          trackingNumber: t.meta.tracking_number,
          shippedAt: t.at,
          updatedAt: t.at,
        })
        .where(and(eq(orderLines.orderId, state.id), eq(orderLines.fulfilmentStatus, 'unfulfilled'))),
    )
  }
  if (t.to_status === 'delivered') {
    out.push(db.update(orderLines).set({ fulfilmentStatus: 'delivered', updatedAt: t.at }).where(eq(orderLines.orderId, state.id)))
  }
  out.push(
    db
      .update(orders)
      .set({ status: t.to_status, version: t.seq, refundedAmount: t.refunded_amount, updatedAt: t.at })
      .where(and(eq(orders.id, state.id), lt(orders.version, t.seq))),
  )
  return out
}

/**
 * Bring D1's copy of the order to the DO's latest state in one batch, whatever journal entries
 * are still failing: the status, version and refunded amount (only forward, version < seq) and
 * each line's fulfilment. Used when an entry keeps failing, so one poisoned entry never holds
 * the read model back; the entry's own history row follows when it finally goes through.
 */
export function convergeStatements(db: DB, state: OrderState): BatchItem<'sqlite'>[] {
  const newer = and(eq(orders.id, state.id), lt(orders.version, state.seq))
  const out: BatchItem<'sqlite'>[] = []
  for (const l of state.lines) {
    if (!l.fulfilment_status || l.fulfilment_status === 'unfulfilled') continue
    out.push(
      db
        .update(orderLines)
        .set({
          fulfilmentStatus: l.fulfilment_status,
          carrier: l.carrier ?? null,
          trackingNumber: l.tracking_number ?? null,
          shippedAt: l.shipped_at ?? null,
          updatedAt: state.updated_at,
        })
        .where(and(eq(orderLines.id, l.id), sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${newer})`)),
    )
  }
  if (RELEASES_STOCK.includes(state.status)) out.push(...releaseStockOnce(db, state, state.updated_at))
  out.push(...convergeReturnStatements(db, state))
  out.push(
    db
      .update(orders)
      .set({ status: state.status, version: state.seq, refundedAmount: state.refunded_amount, updatedAt: state.updated_at })
      .where(newer),
  )
  return out
}

/** Rebuild the DO's state from D1 (the DO was never created, or lost nothing but needs a reload). */
export async function loadStateFromD1(db: DB, orderId: string): Promise<OrderState | null> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId)).limit(1)
  if (!order) return null
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.position))
  const shipped = lines.find((l) => l.carrier && l.trackingNumber)
  const orderReturns = await loadReturnsFromD1(db, orderId)
  return {
    ...(orderReturns.length ? { returns: orderReturns } : {}),
    id: order.id,
    user_id: order.userId,
    status: order.status,
    seq: order.version,
    currency: order.currency,
    total: order.total,
    refunded_amount: order.refundedAmount,
    email: order.email,
    payment_provider: order.paymentProvider,
    payment_due_at: order.paymentDueAt,
    tracking: shipped ? { carrier: shipped.carrier!, tracking_number: shipped.trackingNumber! } : null,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    lines: lines.map((l) => ({
      id: l.id,
      variant_id: l.variantId,
      product_id: l.productId,
      seller_id: l.sellerId,
      product_name: l.productName,
      sku: l.sku,
      quantity: l.quantity,
      total: l.total,
      fulfilment_status: l.fulfilmentStatus,
      carrier: l.carrier,
      tracking_number: l.trackingNumber,
      shipped_at: l.shippedAt,
    })),
  }
}

/**
 * The event id is derived from the order and the transition sequence, so if the DO ever has to
 * publish the same transition twice (crash after send, re-initialised from D1) the copies share an
 * id and a consumer that dedupes on id acts once.
 */
export const eventIdFor = (orderId: string, seq: number) => `evt_${orderId.replace(/^ord_/, '')}_${seq}`

/** The domain event for entering `state.status` at transition `seq`, or null for statuses without one. */
export function orderEvent(state: OrderState, seq: number, at: string, extra: { refund_amount?: number } = {}): DomainEvent | null {
  const type = seq === 0 ? 'order.created' : eventFor(state.status)
  if (!type) return null
  const event = domainEvent(type, {
    order_id: state.id,
    user_id: state.user_id,
    email: state.email,
    status: state.status,
    total: { amount: state.total, currency: state.currency },
    line_count: state.lines.length,
    item_count: state.lines.reduce((n, l) => n + l.quantity, 0),
    lines: state.lines.map((l) => ({ product_name: l.product_name, sku: l.sku, quantity: l.quantity, seller_id: l.seller_id })),
    ...(type === 'order.shipped' && state.tracking ? { tracking: state.tracking } : {}),
    ...(type === 'order.refunded'
      ? {
          refund: { amount: extra.refund_amount ?? 0, currency: state.currency },
          refunded_total: { amount: state.refunded_amount, currency: state.currency },
        }
      : {}),
  })
  return { ...event, id: eventIdFor(state.id, seq), occurred_at: at }
}

/** Stock went back on sale: tell the marketplace sync (best effort; the D1 change is already in). */
export async function afterStockReleased(env: Env, state: OrderState): Promise<void> {
  try {
    await publishCatalogChange(
      env,
      state.lines.map((l) => l.product_id),
      'order_stock_released',
    )
  } catch (err) {
    // Not worth failing the transition for: the stock is back in D1 either way.
    log('warn', 'catalog change publish failed', { order_id: state.id, error: String(err) })
  }
  await invalidateAfterStockChange(env, getDb(env), state.lines, 'released').catch((err: unknown) =>
    log('warn', 'catalog cache invalidation failed', { order_id: state.id, error: String(err) }),
  )
}

/**
 * The transition is in D1: if the order was imported from a marketplace, ask the marketplace-sync
 * queue to push the new status there (issue 5, statuses both ways). Best effort: a failed lookup
 * or send is logged and never fails or retries the transition. The message id is derived from
 * (order, seq), so the consumer recognises a second copy.
 */
export async function afterStatusChanged(env: Env, state: OrderState, t: TransitionRecord): Promise<void> {
  try {
    if (!(await externalRefOf(env, state.id))) return
    await publishOrderStatusChange(env, {
      id: `mos_${state.id.replace(/^ord_/, '')}_${t.seq}`,
      type: 'marketplace.order_status_changed',
      order_id: state.id,
      status: t.to_status,
      occurred_at: t.at,
    })
  } catch (err) {
    log('warn', 'marketplace order status publish failed', { order_id: state.id, seq: t.seq, error: String(err) })
  }
}
