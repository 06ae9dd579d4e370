/**
 * Stripe webhook handling, importable so the webhook Worker (workers/payment-webhooks) serves it and
 * the vitest suite runs it against the real D1 + OrderDO bindings.
 *
 * 1. Verify Stripe-Signature with the SDK's async verifier (WebCrypto): missing, wrong or older than
 *    the tolerance (5 minutes) → 400, nothing stored.
 * 2. Store the event by id (primary key) and claim it with a short lease. An event already
 *    processed → 200, no effect (Stripe redelivers; we act once).
 * 3. Apply it. Only after success is it marked processed; a transient failure (D1, the OrderDO,
 *    Stripe unreachable) answers 500 so Stripe retries, and the retry processes it again.
 */
import { eq } from 'drizzle-orm'
import Stripe from 'stripe'
import { getDb } from '../../lib/db'
import { recordEvent } from '../../lib/metrics'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { getOrder } from '../../modules/orders/service'
import { AppError } from '../../lib/errors'
import { applyProviderState, type Outcome } from '../payment-outcomes'
import { fromPaymentIntent, stripeProvider } from '../../modules/payments/providers/stripe'
import { syncRefundsFromProvider } from '../refunds'
import {
  ensurePaymentRow,
  findPaymentByRef,
  raiseAlert,
  releaseLease,
  type PaymentRow,
  type PaymentsEnv,
} from '../../modules/payments/store'
import { paymentEvents } from '../../modules/payments/tables'
import { eventResponse, refuse, storeAndClaim } from './events'

export type WebhookEnv = PaymentsEnv & Pick<Env, 'STRIPE_WEBHOOK_SECRET'>

const cryptoProvider = Stripe.createSubtleCryptoProvider()

/** Verify the signature and return the event, or null if it is not a genuine, fresh Stripe event. */
export async function verifyStripeEvent(
  env: Pick<Env, 'STRIPE_WEBHOOK_SECRET'>,
  body: string,
  signature: string | null,
): Promise<Stripe.Event | null> {
  if (!signature || !env.STRIPE_WEBHOOK_SECRET) return null
  try {
    return await Stripe.webhooks.constructEventAsync(body, signature, env.STRIPE_WEBHOOK_SECRET, undefined, cryptoProvider)
  } catch (err) {
    log('warn', 'stripe webhook: signature rejected', { error: err instanceof Error ? err.message : String(err) })
    return null
  }
}

/** POST /webhooks/stripe */
export async function handleStripeWebhook(env: WebhookEnv, request: Request): Promise<Response> {
  const body = await request.text()
  const event = await verifyStripeEvent(env, body, request.headers.get('Stripe-Signature'))
  if (!event) return refuse(400, 'invalid_signature', 'Missing, invalid or expired Stripe-Signature')

  const db = getDb(env)
  const object = event.data.object as { id?: string; metadata?: Record<string, string> | null }
  // Stored under Stripe's own event id (no `stripe:` prefix, unlike the other providers' events).
  const claimed = await storeAndClaim(db, event.id, {
    provider: 'stripe',
    type: event.type,
    objectId: object.id ?? null,
    orderId: object.metadata?.order_id ?? null,
    payload: body,
  })
  if (claimed.kind !== 'claimed') return eventResponse(claimed)

  try {
    const outcome = await applyStripeEvent(env, event)
    await db
      .update(paymentEvents)
      .set({ processedAt: nowIso(), outcome, lockedUntil: null, lastError: null })
      .where(eq(paymentEvents.id, event.id))
    log('info', 'stripe webhook: applied', { event_id: event.id, type: event.type, outcome, attempt: claimed.attempts })
    return eventResponse({ kind: 'applied', outcome })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    log('error', 'stripe webhook: processing failed, Stripe will retry', {
      event_id: event.id,
      type: event.type,
      error: message,
      stack: err instanceof Error ? err.stack : undefined,
    })
    await releaseLease(env, event.id, message)
    return eventResponse({ kind: 'failed' })
  }
}

const PI_EVENTS = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled']
const REFUND_EVENTS = ['charge.refunded', 'refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']

/** Apply one verified event. Business outcomes are returned; only transient failures throw. */
export async function applyStripeEvent(env: PaymentsEnv, event: Stripe.Event): Promise<Outcome> {
  const actor = { type: 'provider' as const, id: 'stripe' }
  if (PI_EVENTS.includes(event.type)) {
    const pi = event.data.object as Stripe.PaymentIntent
    const payment = await paymentFor(env, pi.id, pi.metadata?.order_id, pi, event.id)
    if (!payment) return 'unknown_order'
    // A success event carries a final state (a succeeded intent never changes again), so it is
    // applied as sent, amount check included. A failure may be stale (the customer retried and
    // paid), so for those we ask Stripe for the intent's current state and apply that.
    const truth =
      event.type === 'payment_intent.succeeded'
        ? fromPaymentIntent(pi)
        : await stripeProvider.retrieve(env, pi.id, {
            id: payment.orderId,
            user_id: payment.userId ?? '',
            amount: payment.amount,
            currency: payment.currency,
            email: null,
          })
    if (event.type !== 'payment_intent.succeeded' && truth.status === 'succeeded') {
      // Stale failure: the intent has since succeeded. Apply the success, but record what the event was.
      const outcome = await applyProviderState(env, payment, truth, { actor, eventId: event.id })
      return outcome === 'already_paid' ? 'ignored_out_of_order' : outcome
    }
    // A declined card leaves the intent open (requires_payment_method): the shopper may retry with
    // another card on the same intent, so the order stays payable until its payment timeout (the
    // sweep, or reconciliation of a payment left pending, fails it then).
    if (event.type === 'payment_intent.payment_failed' && truth.status === 'failed') {
      log('info', 'stripe webhook: card declined, order stays payable', {
        event_id: event.id,
        order_id: payment.orderId,
        reason: truth.failure_reason,
      })
      recordEvent(env, { name: 'payment.failed', label: 'declined', detail: 'stripe', value: payment.amount })
      return 'payment_declined'
    }
    return applyProviderState(env, payment, truth, { actor, eventId: event.id })
  }
  if (REFUND_EVENTS.includes(event.type)) {
    const obj = event.data.object as { payment_intent?: string | { id: string } | null }
    const piId = typeof obj.payment_intent === 'string' ? obj.payment_intent : obj.payment_intent?.id
    if (!piId) return 'ignored_type'
    const payment = await findPaymentByRef(env, 'stripe', piId)
    if (!payment) {
      await raiseAlert(env, 'unknown_order', {
        eventId: event.id,
        details: { reason: 'refund for an unknown PaymentIntent', payment_intent: piId },
      })
      return 'unknown_order'
    }
    await syncRefundsFromProvider(env, payment, actor, event.id)
    return 'refunds_synced'
  }
  return 'ignored_type'
}

/**
 * The payments row for a PaymentIntent. If it is missing (the API created the intent but died
 * before writing the row) it is rebuilt from metadata.order_id; an intent for no known order is an alert.
 */
async function paymentFor(
  env: PaymentsEnv,
  piId: string,
  orderId: string | undefined,
  pi: Stripe.PaymentIntent,
  eventId: string,
): Promise<PaymentRow | null> {
  const existing = await findPaymentByRef(env, 'stripe', piId)
  if (existing) return existing
  const order = orderId
    ? await getOrder(env, orderId).catch((err) => (err instanceof AppError && err.code === 'not_found' ? null : Promise.reject(err)))
    : null
  if (!order) {
    await raiseAlert(env, 'unknown_order', {
      orderId: orderId ?? null,
      eventId,
      details: { reason: 'PaymentIntent for an unknown order', payment_intent: piId, amount: pi.amount, currency: pi.currency },
    })
    return null
  }
  const row = await ensurePaymentRow(env, {
    orderId: order.id,
    userId: order.user_id,
    provider: 'stripe',
    providerRef: piId,
    amount: order.total.amount,
    currency: order.currency,
  })
  if (row.providerRef !== piId) {
    // A second intent claiming this order (created outside the API): never let it pay the order.
    await raiseAlert(env, 'unknown_order', {
      orderId: order.id,
      paymentId: row.id,
      eventId,
      details: { reason: 'PaymentIntent is not the one recorded for this order', payment_intent: piId, recorded: row.providerRef },
    })
    return null
  }
  return row
}
