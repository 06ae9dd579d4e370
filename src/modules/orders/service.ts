/**
 * Orders: the read side (views over D1's read model) and the write side (every status change goes
 * through the order's OrderDO). Other modules use these functions, never the tables.
 */
import { and, asc, desc, eq, gte, lt, type SQL } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import { getDb, type DB } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { money } from '../../lib/money'
import { olderThanCursor, paginate, sortedKeyset, type KeysetOrder } from '../../lib/pagination'
import { userNames } from '../accounts/service'
import type { OrderState, PaymentSignal, RefundsSignal, TransitionInput, TransitionMeta } from './model'
import type { ADMIN_ORDER_SORTS, ShippingAddress } from './schema'
import type { Actor } from './state-machine'
import { orderHistory, orderLines, orders, type FulfilmentStatus, type OrderStatus } from './tables'

export type OrderRow = typeof orders.$inferSelect
export type OrderLineRow = typeof orderLines.$inferSelect
type HistoryRow = typeof orderHistory.$inferSelect

/** A line of a new order, priced by whoever creates it (checkout's quote, a marketplace import). */
export interface NewOrderLine {
  product_id: string
  variant_id: string
  seller_id: string
  product_name: string
  variant_name: string
  sku: string
  /** Minor units, like every amount below. */
  unit_price: number
  quantity: number
  subtotal: number
  discount: number
  tax: number
  total: number
}

/** The order_lines rows of a new order, in the given order; lines already shipped get `now` as shipped_at. */
export function newOrderLineRows(
  orderId: string,
  lines: readonly NewOrderLine[],
  now: string,
  fulfilment: FulfilmentStatus = 'unfulfilled',
): OrderLineRow[] {
  return lines.map((l, position) => ({
    id: newId('oli'),
    orderId,
    position,
    productId: l.product_id,
    variantId: l.variant_id,
    sellerId: l.seller_id,
    productName: l.product_name,
    variantName: l.variant_name,
    sku: l.sku,
    unitPrice: l.unit_price,
    quantity: l.quantity,
    subtotal: l.subtotal,
    discount: l.discount,
    tax: l.tax,
    total: l.total,
    fulfilmentStatus: fulfilment,
    carrier: null,
    trackingNumber: null,
    shippedAt: fulfilment === 'unfulfilled' ? null : now,
    createdAt: now,
    updatedAt: now,
  }))
}

export function orderSummary(o: OrderRow) {
  return {
    id: o.id,
    user_id: o.userId,
    status: o.status,
    currency: o.currency,
    subtotal: money(o.subtotal, o.currency),
    discount: money(o.discount, o.currency),
    tax: money(o.tax, o.currency),
    shipping: money(o.shipping, o.currency),
    total: money(o.total, o.currency),
    refunded: money(o.refundedAmount, o.currency),
    tax_inclusive: o.taxInclusive,
    email: o.email,
    shipping_address: JSON.parse(o.shippingAddress) as ShippingAddress,
    shipping_method: o.shippingMethodId ? { id: o.shippingMethodId, name: o.shippingMethodName ?? '' } : null,
    discount_code: o.discountCode,
    payment_provider: o.paymentProvider,
    payment_due_at: o.paymentDueAt,
    line_count: o.lineCount,
    item_count: o.itemCount,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  }
}
export type OrderSummary = ReturnType<typeof orderSummary>

export function orderLineView(l: OrderLineRow, currency: string) {
  return {
    id: l.id,
    product_id: l.productId,
    variant_id: l.variantId,
    seller_id: l.sellerId,
    product_name: l.productName,
    variant_name: l.variantName,
    sku: l.sku,
    unit_price: money(l.unitPrice, currency),
    quantity: l.quantity,
    subtotal: money(l.subtotal, currency),
    discount: money(l.discount, currency),
    tax: money(l.tax, currency),
    total: money(l.total, currency),
    fulfilment_status: l.fulfilmentStatus,
    carrier: l.carrier,
    tracking_number: l.trackingNumber,
    shipped_at: l.shippedAt,
  }
}

const timelineEntry = (h: HistoryRow) => ({
  kind: h.visibility === 'staff' ? ('note' as const) : ('status' as const),
  from: h.fromStatus as OrderStatus | null,
  to: h.toStatus as OrderStatus,
  actor: { type: h.actorType as Actor['type'], id: h.actorId },
  reason: h.reason,
  meta: h.meta ? (JSON.parse(h.meta) as Record<string, unknown>) : null,
  at: h.at,
})

export function orderDetail(o: OrderRow, lines: OrderLineRow[], history: HistoryRow[]) {
  return { ...orderSummary(o), lines: lines.map((l) => orderLineView(l, o.currency)), timeline: history.map(timelineEntry) }
}

/** The timeline as a customer, guest or any non-staff caller sees it: no staff notes. */
const publicView = (detail: OrderDetail): OrderDetail => ({ ...detail, timeline: detail.timeline.filter((t) => t.kind !== 'note') })
export type OrderDetail = ReturnType<typeof orderDetail>

async function loadDetail(db: DB, orderId: string): Promise<OrderDetail | null> {
  const [[order], lines, history] = await db.batch([
    db.select().from(orders).where(eq(orders.id, orderId)).limit(1),
    db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.position)),
    db.select().from(orderHistory).where(eq(orderHistory.orderId, orderId)).orderBy(asc(orderHistory.seq)),
  ])
  return order ? orderDetail(order, lines, history) : null
}

/**
 * One order with lines and status timeline, from the D1 read model. Throws AppError not_found.
 * Staff notes are left out unless `staffNotes` (the admin order page only).
 */
export async function getOrder(env: Pick<Env, 'DB'>, orderId: string, opts: { staffNotes?: boolean } = {}): Promise<OrderDetail> {
  const detail = await loadDetail(getDb(env), orderId)
  if (!detail) throw notFound('Order')
  return opts.staffNotes ? detail : publicView(detail)
}

/** A customer's own order; someone else's answers 404, exactly like a missing one. */
export async function getOwnOrder(env: Pick<Env, 'DB'>, user: AuthUser, orderId: string): Promise<OrderDetail> {
  const detail = await loadDetail(getDb(env), orderId)
  if (!detail || detail.user_id !== user.id) throw notFound('Order')
  return publicView(detail)
}

export interface ListOrdersQuery {
  limit: number
  cursor?: string
  user_id?: string
  status?: OrderStatus
  /** created_at >= from (ISO) */
  from?: string
  /** created_at < to (ISO) */
  to?: string
  /** Staff's list only; absent is newest first. */
  sort?: AdminOrderSort
}

/** Stored timestamps are UTC ISO strings, so a filter bound is normalised to the same shape. */
function isoOrThrow(name: string, value: string): string {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw badRequest(`${name} must be an ISO 8601 time`, [{ path: name, message: 'invalid time' }])
  return new Date(t).toISOString()
}

/** Orders newest first, keyset-paginated on (created_at, id), optionally filtered. */
export async function listOrders(env: Pick<Env, 'DB'>, query: ListOrdersQuery) {
  const db = getDb(env)
  const where: SQL[] = []
  if (query.user_id) where.push(eq(orders.userId, query.user_id))
  if (query.status) where.push(eq(orders.status, query.status))
  if (query.from) where.push(gte(orders.createdAt, isoOrThrow('from', query.from)))
  if (query.to) where.push(lt(orders.createdAt, isoOrThrow('to', query.to)))
  if (query.sort && query.sort !== 'newest') {
    const keyset = sortedKeyset(query.sort, ORDER_SORTS[query.sort], orders.id, query.cursor)
    if (keyset.after) where.push(keyset.after)
    const key = query.sort === 'oldest' ? (o: typeof orders.$inferSelect) => o.createdAt : (o: typeof orders.$inferSelect) => o.total
    const rows = await db
      .select()
      .from(orders)
      .where(where.length ? and(...where) : undefined)
      .orderBy(...keyset.orderBy)
      .limit(query.limit + 1)
    const page = paginate(rows, query.limit, (o) => keyset.position(key(o), o.id))
    return { data: page.data.map(orderSummary), next_cursor: page.next_cursor }
  }
  if (query.cursor) where.push(olderThanCursor(query.cursor, orders.createdAt, orders.id))
  const rows = await db
    .select()
    .from(orders)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (o) => [o.createdAt, o.id])
  return { data: page.data.map(orderSummary), next_cursor: page.next_cursor }
}

type AdminOrderSort = (typeof ADMIN_ORDER_SORTS)[number]

/** The staff list's sort orders other than the default newest first (which keeps its older cursor shape). */
const ORDER_SORTS: Record<Exclude<AdminOrderSort, 'newest'>, KeysetOrder> = {
  oldest: { key: orders.createdAt, desc: false, type: 'string' },
  total_asc: { key: orders.total, desc: false, type: 'number' },
  total_desc: { key: orders.total, desc: true, type: 'number' },
}

/**
 * Staff's view of an order: the display names of the customer, each line's seller and each
 * timeline actor, looked up in one query (the customer's own view carries no staff names).
 */
export async function withNames(env: Pick<Env, 'DB'>, detail: OrderDetail) {
  const names = await userNames(getDb(env), [
    detail.user_id,
    ...detail.lines.map((l) => l.seller_id),
    ...detail.timeline.map((t) => t.actor.id),
  ])
  return {
    ...detail,
    customer_name: names.get(detail.user_id) ?? null,
    lines: detail.lines.map((l) => ({ ...l, seller_name: names.get(l.seller_id) ?? null })),
    timeline: detail.timeline.map((t) => ({ ...t, actor: { ...t.actor, name: t.actor.id ? (names.get(t.actor.id) ?? null) : null } })),
  }
}

/** A page of orders (listOrders) with each customer's display name, for staff. */
export async function listOrdersWithNames(env: Pick<Env, 'DB'>, query: ListOrdersQuery) {
  const page = await listOrders(env, query)
  const names = await userNames(
    getDb(env),
    page.data.map((o) => o.user_id),
  )
  return { ...page, data: page.data.map((o) => ({ ...o, customer_name: names.get(o.user_id) ?? null })) }
}

export const orderStub = (env: Pick<Env, 'ORDER'>, orderId: string) => env.ORDER.get(env.ORDER.idFromName(orderId))

/**
 * Move an order through its state machine (via its OrderDO, which serializes, records history,
 * writes through to D1, releases stock on failed/cancelled and publishes the domain event).
 * Throws AppError not_found / invalid_transition (409) / validation_error (400).
 * `meta.refund_amount` (minor units) is the amount of a refund; omitted on `refunded` it means
 * "the rest". Shipping needs `meta.carrier` and `meta.tracking_number`.
 */
export async function transitionOrder(env: Pick<Env, 'DB' | 'ORDER'>, orderId: string, input: TransitionInput): Promise<OrderDetail> {
  const result = await orderStub(env, orderId).transition(orderId, input)
  if (!result.ok) throw new AppError(result.code, result.message)
  return getOrder(env, orderId)
}

/** Customer cancel: own order only, pending/processing only (the state machine refuses the rest). */
export async function cancelOwnOrder(env: Pick<Env, 'DB' | 'ORDER'>, user: AuthUser, orderId: string, reason?: string) {
  const [order] = await getDb(env).select({ userId: orders.userId }).from(orders).where(eq(orders.id, orderId)).limit(1)
  if (!order || order.userId !== user.id) throw notFound('Order')
  return transitionOrder(env, orderId, {
    to: 'cancelled',
    actor: { type: 'customer', id: user.id },
    reason: reason ?? 'cancelled by customer',
  })
}

/** Staff/admin transition from the dashboard. */
export async function adminTransition(
  env: Pick<Env, 'DB' | 'ORDER'>,
  user: AuthUser,
  orderId: string,
  body: { to: OrderStatus; reason?: string; carrier?: string; tracking_number?: string; refund_amount?: number },
) {
  const meta: TransitionInput['meta'] = {}
  if (body.carrier) meta.carrier = body.carrier
  if (body.tracking_number) meta.tracking_number = body.tracking_number
  if (body.refund_amount !== undefined) meta.refund_amount = body.refund_amount
  return transitionOrder(env, orderId, { to: body.to, actor: { type: 'staff', id: user.id }, reason: body.reason, meta })
}

/** The OrderDO's own view of the order (initialising it from D1 if it never got created). */
export async function orderState(env: Pick<Env, 'ORDER'>, orderId: string): Promise<OrderState | null> {
  return orderStub(env, orderId).get(orderId)
}

// ---- sellers -------------------------------------------------------------------------------

function sellerLineView(l: OrderLineRow, o: Pick<OrderRow, 'status' | 'currency' | 'shippingAddress'>) {
  return {
    ...orderLineView(l, o.currency),
    order_id: l.orderId,
    order_status: o.status,
    shipping_address: JSON.parse(o.shippingAddress) as ShippingAddress,
    created_at: l.createdAt,
  }
}

/** A seller's own order lines, newest first; only lines of orders that still matter to them. */
export async function listSellerLines(
  env: Pick<Env, 'DB'>,
  sellerId: string,
  query: { limit: number; cursor?: string; fulfilment_status?: FulfilmentStatus },
) {
  const db = getDb(env)
  const where: SQL[] = [eq(orderLines.sellerId, sellerId)]
  if (query.fulfilment_status) where.push(eq(orderLines.fulfilmentStatus, query.fulfilment_status))
  if (query.cursor) where.push(olderThanCursor(query.cursor, orderLines.createdAt, orderLines.id))
  const rows = await db
    .select({ line: orderLines, status: orders.status, currency: orders.currency, shippingAddress: orders.shippingAddress })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(and(...where))
    .orderBy(desc(orderLines.createdAt), desc(orderLines.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (r) => [r.line.createdAt, r.line.id])
  return { data: page.data.map((r) => sellerLineView(r.line, r)), next_cursor: page.next_cursor }
}

/**
 * A seller marks one of their lines shipped. The OrderDO decides (the order paid or partially
 * refunded, the line theirs and unfulfilled) and records it, so a refund racing the shipment is
 * ordered against it there; when the last unfulfilled line ships, the DO moves the order to
 * `shipped` (with that line's tracking), by the seller as actor.
 */
export async function shipSellerLine(
  env: Pick<Env, 'DB' | 'ORDER'>,
  seller: AuthUser,
  lineId: string,
  body: { carrier: string; tracking_number: string },
) {
  const db = getDb(env)
  // Which order the line belongs to never changes, so the read model may answer that.
  const [line] = await db
    .select({ orderId: orderLines.orderId, sellerId: orderLines.sellerId })
    .from(orderLines)
    .where(eq(orderLines.id, lineId))
    .limit(1)
  if (!line || line.sellerId !== seller.id) throw notFound('Order line')
  const result = await orderStub(env, line.orderId).shipLine(line.orderId, {
    line_id: lineId,
    seller_id: seller.id,
    carrier: body.carrier,
    tracking_number: body.tracking_number,
    actor: { type: 'seller', id: seller.id },
  })
  if (!result.ok) throw result.code === 'not_found' ? notFound('Order line') : new AppError(result.code, result.message)
  const [fresh] = await db
    .select({ line: orderLines, status: orders.status, currency: orders.currency, shippingAddress: orders.shippingAddress })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(eq(orderLines.id, lineId))
    .limit(1)
  // Answer with the DO's view of the line and order (D1 may still be catching up).
  const mine = result.order.lines.find((l) => l.id === lineId)!
  const view = sellerLineView(fresh!.line, fresh!)
  return {
    ...view,
    order_status: result.order.status,
    fulfilment_status: mine.fulfilment_status ?? view.fulfilment_status,
    carrier: mine.carrier ?? view.carrier,
    tracking_number: mine.tracking_number ?? view.tracking_number,
    shipped_at: mine.shipped_at ?? view.shipped_at,
  }
}

/** Tell the OrderDO what a payment did (see PaymentSignal); throws not_found for an unknown order. */
export async function signalPayment(env: Pick<Env, 'ORDER'>, orderId: string, signal: PaymentSignal) {
  const result = await orderStub(env, orderId).paymentSignal(orderId, signal)
  if (!result.ok) throw notFound('Order')
  return { outcome: result.outcome, order: result.order as OrderState }
}

/** Tell the OrderDO the order's succeeded refunds now total `refunded_total` (the only way to refunded). */
export async function recordOrderRefunds(env: Pick<Env, 'ORDER'>, orderId: string, signal: RefundsSignal): Promise<OrderState> {
  const result = await orderStub(env, orderId).recordRefunds(orderId, signal)
  if (!result.ok) throw new AppError(result.code, result.message)
  return result.order as OrderState
}

/** Add a history entry to the order that does not change its status. */
export async function noteOnOrder(
  env: Pick<Env, 'ORDER'>,
  orderId: string,
  input: { actor: Actor; reason: string; meta?: TransitionMeta },
) {
  const result = await orderStub(env, orderId).note(orderId, input)
  if (!result.ok) throw new AppError(result.code, result.message)
}

/**
 * A staff-only order note: a timestamped timeline entry by the staff member, written through the
 * order's OrderDO like every other entry, and never shown to the customer, a guest or a seller.
 */
export async function addStaffNote(env: Pick<Env, 'DB' | 'ORDER'>, user: AuthUser, orderId: string, text: string) {
  const [exists] = await getDb(env).select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)).limit(1)
  if (!exists) throw notFound('Order')
  const result = await orderStub(env, orderId).note(orderId, { actor: { type: 'staff', id: user.id }, reason: text, visibility: 'staff' })
  if (!result.ok) throw result.code === 'not_found' ? notFound('Order') : new AppError(result.code, result.message)
  return getOrder(env, orderId, { staffNotes: true })
}
