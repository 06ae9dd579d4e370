/**
 * Returns (RMA): the flows around the OrderDO, which alone decides each step (returnAction).
 * D1's `returns` / `return_lines` are the read model: they find a return's order and list
 * returns, never decide. Receiving a return and refunding it spans payments too: that flow is
 * src/workflows/returns.ts, built on the helpers exported here.
 */
import { and, asc, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import { getDb } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId, sha256Hex } from '../../lib/ids'
import { money } from '../../lib/money'
import { olderThanCursor, paginate } from '../../lib/pagination'
import type { OrderState, ReturnAction, ReturnActionResult, ReturnState } from '../orders/model'
import { orderState, orderStub } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { orderLines, orders } from '../orders/tables'
import { returnWindowDays, shipFrom } from '../shipping/config'
import { returnableUnits, returnDeadline, RETURNABLE_ORDER_STATUSES } from '../orders/return-state'
import { buyReturnLabel, returnLabelFile } from './labels'
import { latestAttempt, refundAttempts, type RefundAttempt } from './refunds'
import type { ReturnQuery, ReturnRequestBody } from './schema'
import { returnLines, returns } from '../orders/return-tables'
import { deliveredAtFromHistory, returnFromRows } from '../orders/return-write-through'

type LineInfo = Map<string, { product_name: string; variant_name: string; sku: string }>

/**
 * The API shape of a return. `labelUrl` overrides where the label is downloaded (guests' signed
 * link); `attempts` are the return's refunds (the latest is shown as refund_attempt).
 */
export function returnView(orderId: string, userId: string, r: ReturnState, info: LineInfo, labelUrl?: string, attempts?: RefundAttempt[]) {
  return {
    id: r.id,
    order_id: orderId,
    user_id: userId,
    status: r.status,
    reason: r.reason,
    comment: r.comment,
    note: r.note,
    refund: money(r.refund_amount, r.currency),
    method: r.method,
    instructions: r.instructions,
    label: r.label ? { ...r.label, label_url: labelUrl ?? `/api/v1/returns/${r.id}/label` } : null,
    refund_id: r.refund_id,
    refund_attempt: latestAttempt(attempts),
    lines: r.lines.map((l) => ({
      line_id: l.line_id,
      seller_id: l.seller_id,
      product_name: info.get(l.line_id)?.product_name ?? null,
      variant_name: info.get(l.line_id)?.variant_name ?? null,
      sku: info.get(l.line_id)?.sku ?? null,
      quantity: l.quantity,
      amount: money(l.amount, r.currency),
      restock: l.restock,
    })),
    history: r.history.map((h) => ({ status: h.status, at: h.at, actor: { type: h.actor.type, id: h.actor.id ?? null }, note: h.note })),
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}
export type ReturnView = ReturnType<typeof returnView>

async function lineInfo(env: Pick<Env, 'DB'>, lineIds: string[]): Promise<LineInfo> {
  if (!lineIds.length) return new Map()
  const rows = await getDb(env)
    .select({ id: orderLines.id, p: orderLines.productName, v: orderLines.variantName, sku: orderLines.sku })
    .from(orderLines)
    .where(inArray(orderLines.id, [...new Set(lineIds)]))
  return new Map(rows.map((r) => [r.id, { product_name: r.p, variant_name: r.v, sku: r.sku }]))
}

const fromResult = (result: ReturnActionResult) => {
  if (!result.ok) throw new AppError(result.code, result.message, result.details)
  return result
}

export async function act(env: Env, orderId: string, action: ReturnAction) {
  return fromResult(await orderStub(env, orderId).returnAction(orderId, action))
}

/** The order a return belongs to (D1 finds it; the OrderDO holds the return itself). */
export async function returnLocation(env: Pick<Env, 'DB'>, returnId: string): Promise<{ orderId: string; ownerId: string }> {
  const [row] = await getDb(env)
    .select({ orderId: returns.orderId, ownerId: orders.userId })
    .from(returns)
    .innerJoin(orders, eq(orders.id, returns.orderId))
    .where(eq(returns.id, returnId))
    .limit(1)
  if (!row) throw notFound('Return')
  return row
}

export async function liveReturn(env: Env, orderId: string, returnId: string): Promise<{ state: OrderState; ret: ReturnState }> {
  const state = await orderState(env, orderId)
  const ret = state?.returns?.find((r) => r.id === returnId)
  if (!state || !ret) throw notFound('Return')
  return { state, ret }
}

export async function viewOf(env: Env, state: OrderState, ret: ReturnState, labelUrl?: string) {
  return returnView(
    state.id,
    state.user_id,
    ret,
    await lineInfo(
      env,
      ret.lines.map((l) => l.line_id),
    ),
    labelUrl,
    (await refundAttempts(env, [ret.id])).get(ret.id),
  )
}

// ---- customers and guests ------------------------------------------------------------------

/** An order's returns and what is still returnable (for the order page's form). */
export async function orderReturns(env: Env, orderId: string, labelUrl?: (returnId: string) => string) {
  const state = await orderState(env, orderId)
  if (!state) throw notFound('Order')
  const windowDays = returnWindowDays(env)
  const deliveredAt =
    state.delivered_at ?? (RETURNABLE_ORDER_STATUSES.includes(state.status) ? await deliveredAtFromHistory(getDb(env), orderId) : null)
  const deadline = RETURNABLE_ORDER_STATUSES.includes(state.status) ? returnDeadline(deliveredAt, windowDays) : null
  const open = deadline !== null && Date.now() <= Date.parse(deadline)
  const units = returnableUnits(state)
  const info = await lineInfo(
    env,
    state.lines.map((l) => l.id),
  )
  const list = state.returns ?? []
  const attempts = await refundAttempts(
    env,
    list.map((r) => r.id),
  )
  return {
    data: [...list].reverse().map((r) => returnView(state.id, state.user_id, r, info, labelUrl?.(r.id), attempts.get(r.id))),
    window_days: windowDays,
    deadline,
    returnable: state.lines.map((l) => ({
      line_id: l.id,
      product_name: l.product_name,
      sku: l.sku,
      quantity: l.quantity,
      returnable_quantity: open ? (units.get(l.id) ?? 0) : 0,
      unit_refund: money(Math.floor(l.total / l.quantity), state.currency),
    })),
  }
}

/** Customer's own order (404 for anyone else's, like a missing one). */
export async function assertOwnOrder(env: Pick<Env, 'DB'>, user: AuthUser, orderId: string) {
  const [row] = await getDb(env).select({ userId: orders.userId }).from(orders).where(eq(orders.id, orderId)).limit(1)
  if (!row || row.userId !== user.id) throw notFound('Order')
}

/**
 * Ask to return lines of a delivered order. With an Idempotency-Key the return's id is derived
 * from (order, key), so a repeated request answers the same return (changed: false).
 */
export async function requestReturn(
  env: Env,
  orderId: string,
  actor: Actor,
  body: ReturnRequestBody,
  idempotencyKey?: string,
  labelUrl?: (id: string) => string,
) {
  const id = idempotencyKey ? `ret_${(await sha256Hex(`${orderId}:${idempotencyKey}`)).slice(0, 26)}` : newId('ret')
  const out = await act(env, orderId, {
    kind: 'request',
    return_id: id,
    lines: body.lines,
    reason: body.reason,
    comment: body.comment ?? null,
    actor,
  })
  return { return: await viewOf(env, out.order, out.ret, labelUrl?.(id)), changed: out.changed }
}

/** The customer withdraws a return before staff decided. */
export async function cancelReturn(env: Env, orderId: string, returnId: string, actor: Actor, labelUrl?: string) {
  const out = await act(env, orderId, { kind: 'cancel', return_id: returnId, actor })
  return { return: await viewOf(env, out.order, out.ret, labelUrl), changed: out.changed }
}

/** A customer's own return (404 otherwise). */
export async function getOwnReturn(env: Env, user: AuthUser, returnId: string) {
  const at = await returnLocation(env, returnId)
  if (at.ownerId !== user.id) throw notFound('Return')
  const { state, ret } = await liveReturn(env, at.orderId, returnId)
  return viewOf(env, state, ret)
}

export async function cancelOwnReturn(env: Env, user: AuthUser, returnId: string) {
  const at = await returnLocation(env, returnId)
  if (at.ownerId !== user.id) throw notFound('Return')
  return cancelReturn(env, at.orderId, returnId, { type: 'customer', id: user.id })
}

/** The return label file, for its customer, staff, or a seller of its lines. */
export async function returnLabelFor(env: Env, user: AuthUser | null, returnId: string, orderId?: string) {
  const at = await returnLocation(env, returnId)
  if (orderId && at.orderId !== orderId) throw notFound('Return')
  const { ret } = await liveReturn(env, at.orderId, returnId)
  const staff = user?.role === 'staff' || user?.role === 'admin'
  const allowed =
    orderId !== undefined || staff || user?.id === at.ownerId || (user?.role === 'seller' && ret.lines.some((l) => l.seller_id === user.id))
  if (!allowed || !ret.label) throw notFound('Return label')
  const file = await returnLabelFile(env, ret.label.shipment_id)
  if (!file) throw notFound('Return label')
  return file
}

// ---- lists ---------------------------------------------------------------------------------

function isoOrThrow(name: string, value: string): string {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw badRequest(`${name} must be an ISO 8601 time`, [{ path: name, message: 'invalid time' }])
  return new Date(t).toISOString()
}

/**
 * Returns newest first, keyset-paginated on (created_at, id). `owner`: a customer's own; `seller`:
 * returns with that seller's lines, showing only those lines.
 */
export async function listReturns(env: Env, query: ReturnQuery, scope: { owner?: string; seller?: string } = {}) {
  const db = getDb(env)
  const where: SQL[] = []
  if (query.status) where.push(eq(returns.status, query.status))
  if (query.order_id) where.push(eq(returns.orderId, query.order_id))
  if (query.from) where.push(gte(returns.createdAt, isoOrThrow('from', query.from)))
  if (query.to) where.push(lt(returns.createdAt, isoOrThrow('to', query.to)))
  if (query.cursor) where.push(olderThanCursor(query.cursor, returns.createdAt, returns.id))
  if (scope.owner) where.push(eq(orders.userId, scope.owner))
  if (scope.seller) {
    const mine = db.select({ id: returnLines.returnId }).from(returnLines).where(eq(returnLines.sellerId, scope.seller))
    where.push(inArray(returns.id, mine))
  }
  const rows = await db
    .select({ r: returns, ownerId: orders.userId })
    .from(returns)
    .innerJoin(orders, eq(orders.id, returns.orderId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(returns.createdAt), desc(returns.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (x) => [x.r.createdAt, x.r.id])
  const ids = page.data.map((x) => x.r.id)
  const lines = ids.length
    ? await db.select().from(returnLines).where(inArray(returnLines.returnId, ids)).orderBy(asc(returnLines.lineId))
    : []
  const info = await lineInfo(
    env,
    lines.map((l) => l.lineId),
  )
  const attempts = await refundAttempts(env, ids)
  return {
    data: page.data.map((x) => {
      const state = returnFromRows(x.r, lines)
      const visible = scope.seller ? { ...state, lines: state.lines.filter((l) => l.seller_id === scope.seller) } : state
      return returnView(x.r.orderId, x.ownerId, visible, info, undefined, attempts.get(x.r.id))
    }),
    next_cursor: page.next_cursor,
  }
}

/** One return for staff (from the OrderDO, the source of truth). */
export async function getReturn(env: Env, returnId: string) {
  const at = await returnLocation(env, returnId)
  const { state, ret } = await liveReturn(env, at.orderId, returnId)
  return viewOf(env, state, ret)
}

// ---- staff ---------------------------------------------------------------------------------

export const staffActor = (u: AuthUser): Actor => ({ type: 'staff', id: u.id })

const defaultInstructions = (env: Env, returnId: string) => {
  const a = shipFrom(env)
  const address = [a.name, a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(' '), a.region, a.country]
    .filter(Boolean)
    .join(', ')
  return `Pack the items, write the return number ${returnId} on the parcel and send it to: ${address}.`
}

/**
 * Approve a requested return. When the order went out with a carrier label, a return label of the
 * same carrier is bought first (once per return) and handed to the customer; otherwise written
 * instructions. Approving an approved return answers it unchanged.
 */
export async function approveReturn(env: Env, staff: AuthUser, returnId: string, body: { note?: string; instructions?: string }) {
  const at = await returnLocation(env, returnId)
  const { state, ret } = await liveReturn(env, at.orderId, returnId)
  if (ret.status === 'approved') return { return: await viewOf(env, state, ret), changed: false }
  if (ret.status !== 'requested') throw new AppError('invalid_transition', `A ${ret.status} return cannot become approved`)
  const label = await buyReturnLabel(env, staffActor(staff), state, ret)
  const out = await act(env, at.orderId, {
    kind: 'approve',
    return_id: returnId,
    actor: staffActor(staff),
    label,
    instructions:
      body.instructions ??
      (label
        ? `Print the ${label.carrier} return label, stick it on the parcel and drop it off with ${label.carrier}.`
        : defaultInstructions(env, returnId)),
    note: body.note ?? null,
  })
  return { return: await viewOf(env, out.order, out.ret), changed: out.changed }
}

export async function refuseReturn(env: Env, staff: AuthUser, returnId: string, note: string) {
  const at = await returnLocation(env, returnId)
  const out = await act(env, at.orderId, { kind: 'refuse', return_id: returnId, actor: staffActor(staff), note })
  return { return: await viewOf(env, out.order, out.ret), changed: out.changed }
}
