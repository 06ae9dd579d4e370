/**
 * Receiving a return and refunding it: returns, orders and payments in one flow. The OrderDO alone
 * decides each step of the return (returnAction); the money goes back through the staff refund path
 * (./refunds.ts), keyed by the return ("return:<id>"), so however many receive/refund requests race,
 * one refund exists and the provider is asked with one idempotency key.
 */
import type { AuthUser } from '../lib/context'
import { getDb } from '../lib/db'
import { AppError } from '../lib/errors'
import { money } from '../lib/money'
import type { OrderState, ReturnState } from '../modules/orders/model'
import { findPaymentForOrder } from '../modules/payments/store'
import { refunds } from '../modules/payments/tables'
import { refundAttempts, refundKeyFor } from '../modules/returns/refunds'
import { act, liveReturn, returnLocation, staffActor, viewOf } from '../modules/returns/service'
import { refundOrder, syncRefundsFromProvider } from './refunds'
import { eq } from 'drizzle-orm'

/**
 * The parcel arrived: the OrderDO marks the return received once (restocking the lines staff
 * chose, in the same write-through), then the refund goes out (settleRefund). A duplicate or
 * concurrent request finds it received and only finishes the refund, which is keyed by the return.
 */
export async function receiveReturn(
  env: Env,
  staff: AuthUser,
  returnId: string,
  body: { lines: { line_id: string; restock: boolean }[]; note?: string },
) {
  const at = await returnLocation(env, returnId)
  const restock: Record<string, boolean> = {}
  for (const l of body.lines) restock[l.line_id] = l.restock
  const out = await act(env, at.orderId, {
    kind: 'receive',
    return_id: returnId,
    actor: staffActor(staff),
    restock,
    note: body.note ?? null,
  })
  const settled = await settleRefund(env, staff, at.orderId, out.ret, false)
  return { ...settled, changed: out.changed }
}

/** Retry the refund of a received return (the provider was unreachable, or the refund was pending). */
export async function refundReturn(env: Env, staff: AuthUser, returnId: string) {
  const at = await returnLocation(env, returnId)
  const { ret } = await liveReturn(env, at.orderId, returnId)
  if (ret.status !== 'received' && ret.status !== 'refunded')
    throw new AppError('invalid_transition', `A ${ret.status} return cannot be refunded`)
  const settled = await settleRefund(env, staff, at.orderId, ret, true)
  return { ...settled, changed: settled.return.status !== ret.status }
}

/**
 * Refund exactly the return's amount through the payments refund path with the key
 * "return:<id>" ("return:<id>:<n>" after n-1 failed attempts; one live refund per return, enforced
 * by the refunds' UNIQUE (order, key) index; the provider gets that row's idempotency key), then
 * tell the OrderDO (received → refunded, once). A refund pending at the provider completes the
 * return later (completeReturnRefunds, when its webhook arrives). `strict` throws the refund's
 * error; otherwise it is reported beside the received return.
 */
async function settleRefund(env: Env, staff: AuthUser, orderId: string, ret: ReturnState, strict: boolean) {
  const db = getDb(env)
  const refundOf = async (id: string | null) => {
    if (!id) return null
    const [r] = await db.select().from(refunds).where(eq(refunds.id, id)).limit(1)
    return r ? { id: r.id, status: r.status, amount: money(r.amount, r.currency), provider: r.provider } : null
  }
  if (ret.status === 'refunded') {
    const { state } = await liveReturn(env, orderId, ret.id)
    return { return: await viewOf(env, state, ret), refund: await refundOf(ret.refund_id), refund_error: null }
  }
  let refundId: string | null = null
  let refundError: string | null = null
  let succeeded = ret.refund_amount === 0
  if (!succeeded) {
    let attempts = (await refundAttempts(env, [ret.id])).get(ret.id) ?? []
    const last = attempts.at(-1)
    if (strict && last?.status === 'pending' && last.provider_ref) {
      // Staff retry a refund still pending at the provider: ask the provider where it stands (this
      // completes the return if it succeeded meanwhile, or frees a new attempt if it failed).
      const payment = await findPaymentForOrder(env, orderId)
      if (payment) await syncRefundsFromProvider(env, payment, staffActor(staff))
      attempts = (await refundAttempts(env, [ret.id])).get(ret.id) ?? []
    }
    try {
      const out = await refundOrder(
        env,
        staff,
        orderId,
        { amount: ret.refund_amount, reason: `Return ${ret.id}` },
        refundKeyFor(ret.id, attempts),
      )
      refundId = out.refund.id
      succeeded = out.refund.status === 'succeeded'
      if (out.refund.status === 'pending')
        refundError = 'The refund is pending at the provider; the return becomes refunded when the provider confirms it'
      else if (out.refund.status === 'failed')
        refundError = `The refund failed at the provider${out.refund.failure_reason ? ` (${out.refund.failure_reason})` : ''}; retry the refund`
    } catch (err) {
      if (strict || !(err instanceof AppError)) throw err
      refundError = err.message
    }
  }
  let current = ret
  let state: OrderState | null = null
  if (succeeded) {
    const out = await act(env, orderId, { kind: 'refunded', return_id: ret.id, actor: staffActor(staff), refund_id: refundId })
    current = out.ret
    state = out.order
  }
  if (!state) state = (await liveReturn(env, orderId, ret.id)).state
  return { return: await viewOf(env, state, current), refund: await refundOf(refundId ?? current.refund_id), refund_error: refundError }
}
