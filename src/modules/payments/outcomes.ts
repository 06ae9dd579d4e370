/**
 * Applying what a provider says happened (from a webhook event or from asking it directly) to the
 * order. Shared by every provider's webhook and by reconciliation, so all follow one set of rules:
 *   - money that does not match the payment (amount or currency) never pays the order: alert instead;
 *   - the order's OrderDO decides what the payment means for the order, from its own state (never
 *     from D1's copy): pending/processing -> paid, a late "failed" after "paid" is ignored;
 *   - a payment that succeeds for an order already failed/cancelled (expired, or cancelled while
 *     the shopper was paying) is refunded automatically through the provider and recorded;
 *   - everything here is safe to run twice.
 */
import { AppError } from '../../lib/errors'
import { log } from '../../lib/observability'
import { signalPayment } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { getProvider } from './providers'
import type { ProviderEnv, ProviderPayment } from './providers/types'
import { refundLatePayment } from './refunds'
import { markPaymentSucceeded, markPaymentUnsuccessful, raiseAlert, type PaymentRow } from './store'

export type PaymentsEnv = Pick<Env, 'DB' | 'ORDER'> & ProviderEnv

/** What applying something did; stored on the webhook event row and returned by reconciliation. */
export type Outcome =
  | 'order_paid'
  | 'already_paid'
  | 'order_failed'
  | 'already_failed'
  | 'still_pending'
  /** A card was declined on an intent the shopper can retry: the order stays payable. */
  | 'payment_declined'
  | 'ignored_out_of_order'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'paid_after_terminal'
  | 'late_payment_refunded'
  | 'unknown_order'
  | 'refunds_synced'
  | 'ignored_type'

export interface ApplyContext {
  /** Who is applying it, for the order history: the provider (webhook) or the system (cron). */
  actor: Actor
  eventId?: string | null
}

/**
 * Apply the provider's view of a payment: succeeded -> paid, failed/cancelled -> failed, else
 * nothing. The shared path every provider's webhook and reconciliation call (signature stable).
 */
export async function applyProviderState(
  env: PaymentsEnv,
  payment: PaymentRow,
  truth: ProviderPayment,
  ctx: ApplyContext,
): Promise<Outcome> {
  if (truth.status === 'succeeded') return applySucceeded(env, payment, truth, ctx)
  if (truth.status === 'failed' || truth.status === 'cancelled') return applyFailed(env, payment, truth, ctx)
  return 'still_pending'
}

/** Ask the OrderDO; an order that does not exist is an alert, not an error. */
async function signal(env: PaymentsEnv, payment: PaymentRow, ctx: ApplyContext, input: Parameters<typeof signalPayment>[2]) {
  try {
    return await signalPayment(env, payment.orderId, input)
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
  const received = truth.amount_received || truth.amount
  const base = { orderId: payment.orderId, paymentId: payment.id, eventId: ctx.eventId }
  if (truth.order_id && truth.order_id !== payment.orderId) {
    await raiseAlert(env, 'amount_mismatch', {
      ...base,
      details: { reason: 'metadata.order_id differs', provider_order_id: truth.order_id },
    })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', 'order id mismatch')
    return 'amount_mismatch'
  }
  // The payment row carries the order's total and currency (fixed at checkout).
  if (truth.currency !== payment.currency) {
    await raiseAlert(env, 'currency_mismatch', {
      ...base,
      details: { expected: payment.currency, received: truth.currency, amount: received, provider_ref: truth.ref },
    })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', `currency ${truth.currency}, order in ${payment.currency}`)
    return 'currency_mismatch'
  }
  if (received !== payment.amount) {
    await raiseAlert(env, 'amount_mismatch', {
      ...base,
      details: { expected: payment.amount, received, currency: payment.currency, provider_ref: truth.ref },
    })
    await markPaymentUnsuccessful(env, payment.id, 'requires_review', `received ${received}, order total ${payment.amount}`)
    return 'amount_mismatch'
  }
  // The money is real whatever the order's state: record it first, then tell the order.
  await markPaymentSucceeded(env, payment.id, received)
  const meta = {
    payment_id: payment.id,
    provider: payment.provider,
    provider_ref: truth.ref,
    ...(ctx.eventId ? { event_id: ctx.eventId } : {}),
  }
  const result = await signal(env, payment, ctx, { kind: 'succeeded', amount: received, currency: truth.currency, actor: ctx.actor, meta })
  if (!result) return 'unknown_order'
  switch (result.outcome) {
    case 'order_paid':
    case 'already_paid':
      return result.outcome
    case 'paid_after_terminal':
      return (await refundLatePayment(env, { ...payment, status: 'succeeded', amountReceived: received }, ctx, result.order.status))
        ? 'late_payment_refunded'
        : 'paid_after_terminal'
    default:
      // The DO's own total differs from the payment row's: a human must look.
      await raiseAlert(env, 'amount_mismatch', {
        ...base,
        details: {
          reason: `order refused the payment: ${result.outcome}`,
          received,
          currency: truth.currency,
          order_total: result.order.total,
        },
      })
      return 'amount_mismatch'
  }
}

async function applyFailed(env: PaymentsEnv, payment: PaymentRow, truth: ProviderPayment, ctx: ApplyContext): Promise<Outcome> {
  const status = truth.status === 'cancelled' ? 'cancelled' : 'failed'
  const reason = `payment ${truth.status}${truth.failure_reason ? `: ${truth.failure_reason}` : ''}`
  const meta = { payment_id: payment.id, provider_ref: truth.ref, ...(ctx.eventId ? { event_id: ctx.eventId } : {}) }
  // The provider says this payment did not take money (now): record that first (a succeeded row
  // is never touched), then let the order decide; the OrderDO releases the stock on entering failed.
  await markPaymentUnsuccessful(env, payment.id, status, truth.failure_reason)
  const result = await signal(env, payment, ctx, { kind: 'failed', actor: ctx.actor, reason, meta })
  if (!result) return 'unknown_order'
  if (result.outcome === 'ignored_out_of_order') {
    log('warn', 'payment failure ignored: order already moved on', {
      order_id: payment.orderId,
      order_status: result.order.status,
      event_id: ctx.eventId,
    })
    return 'ignored_out_of_order'
  }
  // A declined intent can still be retried by the client; cancel it so a dead order cannot be paid.
  if (truth.status === 'failed') {
    try {
      await getProvider(payment.provider).cancel(env, truth.ref, `ec-cancel-${payment.id}`)
    } catch (err) {
      log('warn', 'could not cancel the provider payment of a failed order', { payment_id: payment.id, error: String(err) })
    }
  }
  return result.outcome === 'order_failed' ? 'order_failed' : 'already_failed'
}
