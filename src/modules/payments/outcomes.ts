/**
 * Applying what a provider says happened (from a webhook event or from asking it directly) to the
 * order. Shared by the Stripe webhook Worker and the reconciliation cron, so both follow one set
 * of rules:
 *   - money that does not match the order (amount or currency) never pays it: alert instead;
 *   - an order only moves forward: a late "failed" after "paid" is ignored (and recorded);
 *   - a payment for an order that already failed/cancelled is an alert (a human refunds it);
 *   - everything here is safe to run twice.
 */
import { AppError } from '../../lib/errors'
import { log } from '../../lib/observability'
import { getOrder, transitionOrder, type OrderDetail } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { getProvider } from './providers'
import type { ProviderEnv, ProviderPayment } from './providers/types'
import { markPaymentSucceeded, markPaymentUnsuccessful, raiseAlert, type PaymentRow } from './store'

export type PaymentsEnv = Pick<Env, 'DB' | 'ORDER'> & ProviderEnv

/** What applying something did; stored on the webhook event row and returned by reconciliation. */
export type Outcome =
  | 'order_paid'
  | 'already_paid'
  | 'order_failed'
  | 'already_failed'
  | 'still_pending'
  | 'ignored_out_of_order'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'paid_after_terminal'
  | 'unknown_order'
  | 'refunds_synced'
  | 'ignored_type'

const PAID_OR_LATER = ['paid', 'shipped', 'delivered', 'partially_refunded', 'refunded']
const UNPAID = ['pending', 'processing']

export interface ApplyContext {
  /** Who is applying it, for the order history: the provider (webhook) or the system (cron). */
  actor: Actor
  eventId?: string | null
}

/** Move the order forward, tolerating that someone else already moved it there. */
async function moveOrder(env: PaymentsEnv, order: OrderDetail, to: 'processing' | 'paid' | 'failed', actor: Actor, reason: string, meta: Record<string, unknown>) {
  try {
    return await transitionOrder(env, order.id, { to, actor, reason, meta })
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_transition') {
      const fresh = await getOrder(env, order.id)
      if (fresh.status === to) return fresh
    }
    throw err
  }
}

/** Apply the provider's view of a payment: succeeded → paid, failed/cancelled → failed, else nothing. */
export async function applyProviderState(env: PaymentsEnv, payment: PaymentRow, truth: ProviderPayment, ctx: ApplyContext): Promise<Outcome> {
  if (truth.status === 'succeeded') return applySucceeded(env, payment, truth, ctx)
  if (truth.status === 'failed' || truth.status === 'cancelled') return applyFailed(env, payment, truth, ctx)
  return 'still_pending'
}

async function loadOrder(env: PaymentsEnv, payment: PaymentRow, ctx: ApplyContext): Promise<OrderDetail | null> {
  try {
    return await getOrder(env, payment.orderId)
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') {
      await raiseAlert(env, 'unknown_order', {
        orderId: payment.orderId,
        paymentId: payment.id,
        eventId: ctx.eventId,
        details: { reason: 'payment references an order that does not exist' },
      })
      return null
    }
    throw err
  }
}

async function applySucceeded(env: PaymentsEnv, payment: PaymentRow, truth: ProviderPayment, ctx: ApplyContext): Promise<Outcome> {
  const order = await loadOrder(env, payment, ctx)
  if (!order) return 'unknown_order'
  const received = truth.amount_received || truth.amount
  const base = { orderId: order.id, paymentId: payment.id, eventId: ctx.eventId }
  if (truth.order_id && truth.order_id !== order.id) {
    await raiseAlert(env, 'amount_mismatch', { ...base, details: { reason: 'metadata.order_id differs', provider_order_id: truth.order_id } })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', 'order id mismatch')
    return 'amount_mismatch'
  }
  if (truth.currency !== order.currency) {
    await raiseAlert(env, 'currency_mismatch', {
      ...base,
      details: { expected: order.currency, received: truth.currency, amount: received, provider_ref: truth.ref },
    })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', `currency ${truth.currency}, order in ${order.currency}`)
    return 'currency_mismatch'
  }
  if (received !== order.total.amount) {
    await raiseAlert(env, 'amount_mismatch', {
      ...base,
      details: { expected: order.total.amount, received, currency: order.currency, provider_ref: truth.ref },
    })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', `received ${received}, order total ${order.total.amount}`)
    return 'amount_mismatch'
  }
  // The money is real whatever the order's state: record it first, then move the order.
  await markPaymentSucceeded(env, payment.id, received)
  if (PAID_OR_LATER.includes(order.status)) return 'already_paid'
  if (!UNPAID.includes(order.status)) {
    await raiseAlert(env, 'paid_after_terminal', {
      ...base,
      details: { order_status: order.status, amount: received, currency: order.currency, provider_ref: truth.ref, action: 'refund the customer' },
    })
    return 'paid_after_terminal'
  }
  const meta = { payment_id: payment.id, provider: payment.provider, provider_ref: truth.ref, ...(ctx.eventId ? { event_id: ctx.eventId } : {}) }
  let current = order
  if (current.status === 'pending') current = await moveOrder(env, current, 'processing', ctx.actor, 'payment initiated', meta)
  try {
    await moveOrder(env, current, 'paid', ctx.actor, 'payment succeeded', meta)
  } catch (err) {
    // The payment-timeout alarm may have failed the order in the meantime.
    if (err instanceof AppError && err.code === 'invalid_transition') {
      const fresh = await getOrder(env, order.id)
      if (PAID_OR_LATER.includes(fresh.status)) return 'already_paid'
      await raiseAlert(env, 'paid_after_terminal', {
        ...base,
        details: { order_status: fresh.status, amount: received, currency: order.currency, provider_ref: truth.ref, action: 'refund the customer' },
      })
      return 'paid_after_terminal'
    }
    throw err
  }
  return 'order_paid'
}

async function applyFailed(env: PaymentsEnv, payment: PaymentRow, truth: ProviderPayment, ctx: ApplyContext): Promise<Outcome> {
  const order = await loadOrder(env, payment, ctx)
  if (!order) return 'unknown_order'
  if (order.status === 'failed' || order.status === 'cancelled') {
    await markPaymentUnsuccessful(env, payment.id, truth.status === 'cancelled' ? 'cancelled' : 'failed', truth.failure_reason)
    return 'already_failed'
  }
  if (!UNPAID.includes(order.status)) {
    log('warn', 'payment failure ignored: order already moved on', { order_id: order.id, order_status: order.status, event_id: ctx.eventId })
    return 'ignored_out_of_order'
  }
  await markPaymentUnsuccessful(env, payment.id, truth.status === 'cancelled' ? 'cancelled' : 'failed', truth.failure_reason)
  try {
    // The OrderDO releases the reserved stock on entering failed.
    await moveOrder(env, order, 'failed', ctx.actor, `payment ${truth.status}${truth.failure_reason ? `: ${truth.failure_reason}` : ''}`, {
      payment_id: payment.id,
      provider_ref: truth.ref,
      ...(ctx.eventId ? { event_id: ctx.eventId } : {}),
    })
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_transition') return 'ignored_out_of_order'
    throw err
  }
  // A declined intent can still be retried by the client; cancel it so a dead order cannot be paid.
  if (truth.status === 'failed') {
    try {
      await getProvider(payment.provider).cancel(env, truth.ref, `ec-cancel-${payment.id}`)
    } catch (err) {
      log('warn', 'could not cancel the provider payment of a failed order', { payment_id: payment.id, error: String(err) })
    }
  }
  return 'order_failed'
}
