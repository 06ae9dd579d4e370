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
import { and, eq } from 'drizzle-orm'
import { isUniqueViolation } from '../lib/d1'
import { getDb } from '../lib/db'
import { AppError } from '../lib/errors'
import { newId } from '../lib/ids'
import { log } from '../lib/observability'
import { nowIso } from '../lib/time'
import { noteOnOrder, signalPayment } from '../modules/orders/service'
import type { Actor } from '../modules/orders/state-machine'
import { getProvider } from '../modules/payments/providers'
import { ProviderError, type ProviderPayment, type ProviderRefund } from '../modules/payments/providers/types'
import { recordProviderRefund, releaseRefund, reserveRefund } from '../modules/payments/refunds'
import {
  getPayment,
  markPaymentSucceeded,
  markPaymentUnsuccessful,
  raiseAlert,
  type PaymentRow,
  type PaymentsEnv,
} from '../modules/payments/store'
import { refunds } from '../modules/payments/tables'

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

/**
 * A payment that succeeded for an order already failed or cancelled (it expired, or was cancelled
 * while the shopper was paying): give the money back through the provider at once and record it,
 * as a refund row and an entry in the order's history. Idempotent per payment (the refund's key is
 * derived from it). Returns false when the provider refused, after raising an alert so a human
 * refunds by hand; throws when the provider could not be reached (the caller's retry resumes).
 */
export async function refundLatePayment(env: PaymentsEnv, payment: PaymentRow, ctx: ApplyContext, orderStatus: string): Promise<boolean> {
  const db = getDb(env)
  const key = `late-payment:${payment.id}`
  const [existing] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, payment.orderId), eq(refunds.idempotencyKey, key)))
    .limit(1)
  if (existing?.status === 'succeeded' || (existing?.status === 'pending' && existing.providerRef)) return true
  // The provider refused it for good and staff were alerted then; a duplicate delivery or a later
  // poll of the same payment must not refund-attempt and alert again.
  if (existing?.status === 'failed') return false
  let row = existing
  if (!row) {
    const fresh = await getPayment(env, payment.id)
    const amount = fresh.amountReceived - fresh.amountRefunded
    if (amount <= 0) return true // refunded already (e.g. by hand at the provider)
    const now = nowIso()
    row = {
      id: newId('ref'),
      paymentId: payment.id,
      orderId: payment.orderId,
      provider: payment.provider,
      providerRef: null,
      amount,
      currency: payment.currency,
      reason: `late payment: the order was ${orderStatus}`,
      status: 'pending',
      restock: false,
      idempotencyKey: key,
      requestedBy: null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    }
    try {
      await reserveRefund(env, row)
    } catch (err) {
      if (!isUniqueViolation(err, 'refunds')) throw err
      return refundLatePayment(env, payment, ctx, orderStatus) // a concurrent delivery reserved it
    }
  }
  let result: ProviderRefund
  try {
    result = await getProvider(row.provider).refund(
      env,
      { ref: payment.providerRef, currency: payment.currency },
      {
        amount: row.amount,
        reason: 'duplicate',
        idempotencyKey: `ec-refund-${row.id}`,
        metadata: { order_id: row.orderId, refund_id: row.id },
      },
    )
  } catch (err) {
    const pe = err instanceof ProviderError ? err : new ProviderError(String(err), true)
    if (pe.retryable) throw pe
    await releaseRefund(env, row, pe.message)
    // A provider with no refund API (Kaspi Pay) says so with `unsupported`: only a person can
    // give the money back, in the provider's own cabinet.
    const manual = pe.providerCode === 'unsupported'
    await raiseAlert(env, 'paid_after_terminal', {
      orderId: payment.orderId,
      paymentId: payment.id,
      eventId: ctx.eventId,
      details: {
        order_status: orderStatus,
        amount: row.amount,
        currency: row.currency,
        provider: payment.provider,
        provider_ref: payment.providerRef,
        refund_error: pe.message,
        manual_refund_needed: manual,
        action: manual
          ? `manual refund needed: ${payment.provider} cannot refund through its API; refund the customer in the ${payment.provider} merchant cabinet and record it`
          : 'refund the customer',
      },
    })
    return false
  }
  const recorded = await recordProviderRefund(env, row, result)
  if (recorded.status === 'failed') {
    await raiseAlert(env, 'paid_after_terminal', {
      orderId: payment.orderId,
      paymentId: payment.id,
      eventId: ctx.eventId,
      details: { order_status: orderStatus, amount: row.amount, currency: row.currency, refund_id: row.id, action: 'refund the customer' },
    })
    return false
  }
  await noteOnOrder(env, payment.orderId, {
    actor: ctx.actor,
    reason: 'late payment refunded automatically',
    meta: {
      payment_id: payment.id,
      refund_id: row.id,
      refund_amount: row.amount,
      provider_ref: payment.providerRef,
      refund_status: recorded.status,
    },
  })
  log('warn', 'late payment refunded automatically', {
    order_id: payment.orderId,
    payment_id: payment.id,
    refund_id: row.id,
    amount: row.amount,
  })
  return true
}
