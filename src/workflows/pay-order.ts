/**
 * Paying an order, across payments and orders: starting (or resuming) a payment with the order's
 * provider, staff confirmation of a manual payment, the staff view of an order's money. The order's
 * side is always the OrderDO's call (signalPayment). Provider outcomes (webhooks, reconciliation)
 * are ./payment-outcomes.ts, refunds ./refunds.ts; the admin lists are payments/service.ts.
 */
import { eq } from 'drizzle-orm'
import type { AuthUser } from '../lib/context'
import { getDb } from '../lib/db'
import { AppError, notFound } from '../lib/errors'
import { getOrder, getOwnOrder, orderState, signalPayment, type OrderDetail } from '../modules/orders/service'
import { AWAITING_PAYMENT, type Actor } from '../modules/orders/state-machine'
import { cancelOpenPayments } from '../modules/payments/cancel'
import { applyProviderState } from './payment-outcomes'
import { assertUsable, getProvider } from '../modules/payments/providers'
import { ProviderError, type PayableOrder, type ProviderPayment } from '../modules/payments/providers/types'
import { ensurePaymentRow, findPaymentForOrder, markPaymentSucceeded, type PaymentRow, type PaymentsEnv } from '../modules/payments/store'
import { hostedPaymentUrl } from '../modules/payments/hosted-page'
import { refundView } from '../modules/payments/refunds'
import { paymentView } from '../modules/payments/service'
import { payments, refunds } from '../modules/payments/tables'

const payable = (order: OrderDetail): PayableOrder => ({
  id: order.id,
  user_id: order.user_id,
  amount: order.total.amount,
  currency: order.currency,
  email: order.email,
})

/**
 * The provider key is derived from the order alone, so a double click, a retried request or a
 * second Worker racing this one all send Stripe the same Idempotency-Key and get the same
 * PaymentIntent back: one order can never create two charges.
 */
export const paymentIdempotencyKey = (orderId: string, provider: string) => `ec-pay-${orderId}-${provider}`

/** What the payer gives when paying: M-Pesa needs the phone to push the payment prompt to. */
export interface PayOptions {
  phone?: string | null
}

/** What the client needs to pay, plus our payment record. */
export interface StartedPayment {
  payment: ReturnType<typeof paymentView>
  provider: string
  status: 'requires_payment' | 'awaiting_confirmation' | 'succeeded'
  /** Stripe: `{ type: 'stripe_payment_intent', client_secret }`; manual: instructions. */
  next_action: Record<string, unknown> | null
}

/**
 * Start (or resume) paying an order with its checkout provider: creates the provider object for
 * the order's exact amount and currency, records the payments row and (for providers that confirm
 * by webhook) moves the order to processing. Calling it again returns the same provider object
 * and client secret.
 */
export async function startPayment(
  env: PaymentsEnv,
  order: OrderDetail,
  actor: Actor,
  options: PayOptions = {},
  /** Checkout only: the order was committed moments ago (see startPaymentAt). */
  fresh = false,
): Promise<StartedPayment> {
  try {
    return await startPaymentAt(env, order, actor, options, fresh)
  } catch (err) {
    // A provider that is unreachable or refuses is the provider's failure, not ours: 502, retryable.
    // An amount the provider cannot take (e.g. Stripe's three-decimal rule) is the request's problem: 422.
    if (err instanceof ProviderError && err.providerCode === 'amount_not_supported') throw new AppError('unprocessable', err.message)
    if (err instanceof ProviderError)
      throw new AppError('upstream_error', `The payment provider did not accept the payment: ${err.message}`)
    throw err
  }
}

async function startPaymentAt(
  env: PaymentsEnv,
  order: OrderDetail,
  actor: Actor,
  options: PayOptions,
  fresh: boolean,
): Promise<StartedPayment> {
  const provider = getProvider(order.payment_provider)
  // A checkout's own order (`fresh`) was committed moments ago and its id has not been answered to
  // anyone yet: it has no payment row and its OrderDO holds it pending, so neither is read (one D1
  // read and one OrderDO call less per checkout). A provider that confirms by webhook still asks the
  // DO below (`initiated`), which refuses an order that closed meanwhile.
  const existing = fresh ? undefined : await findPaymentForOrder(env, order.id, provider.name)
  if (existing?.status === 'succeeded') {
    return { payment: paymentView(existing), provider: provider.name, status: 'succeeded', next_action: null }
  }
  if (!fresh) {
    // Whether the order can still be paid is the OrderDO's call, not D1's (which may lag behind it).
    const live = await orderState(env, order.id)
    if (!live) throw notFound('Order')
    if (!AWAITING_PAYMENT.includes(live.status)) {
      throw new AppError('invalid_transition', `A ${live.status} order cannot be paid`)
    }
  }
  let result: ProviderPayment
  let row: PaymentRow
  if (existing && (existing.providerRef || provider.confirmedBy === 'staff')) {
    result = await provider.retrieve(env, existing.providerRef, payable(order))
    // The payer is back from approving (PayPal): finish the payment now.
    if (result.status === 'pending' && provider.complete && existing.providerRef) {
      result = await provider.complete(env, existing.providerRef, payable(order))
    }
    // The hosted page's link comes only from initiate: hand the recorded one out again.
    if (existing.payUrl && !hostedPaymentUrl(result.client))
      result = { ...result, client: { ...result.client, payment_url: existing.payUrl } }
    row = existing
  } else {
    assertUsable(env, provider.name, order.currency)
    result = await provider.initiate(
      env,
      { ...payable(order), phone: options.phone ?? null },
      paymentIdempotencyKey(order.id, provider.name),
    )
    row = await ensurePaymentRow(env, {
      orderId: order.id,
      userId: order.user_id,
      provider: provider.name,
      providerRef: result.ref,
      amount: order.total.amount,
      currency: order.currency,
      payUrl: provider.name === 'stripe' ? null : hostedPaymentUrl(result.client),
    })
    // Defensive: should a different provider object already be recorded (keys expire after 24 h
    // at Stripe), hand out the recorded one, the only one the webhook will accept for this order.
    if (row.providerRef && row.providerRef !== result.ref) result = await provider.retrieve(env, row.providerRef, payable(order))
  }
  if (result.status === 'succeeded') {
    // Paid already (the webhook is just late): apply it now rather than hand out a used secret.
    await applyProviderState(env, row, result, { actor: { type: 'provider', id: provider.name } })
    const fresh = (await findPaymentForOrder(env, order.id, provider.name)) ?? row
    return { payment: paymentView(fresh), provider: provider.name, status: 'succeeded', next_action: null }
  }
  // A provider payment now exists, so the order is processing (idempotent in the DO: a second click
  // or a concurrent request finds it processing already). Manual orders stay pending: nothing
  // happens until staff confirm the money arrived (confirmManualPayment moves them on).
  if (provider.confirmedBy === 'webhook') {
    const moved = await signalPayment(env, order.id, {
      kind: 'initiated',
      actor,
      meta: { payment_id: row.id, provider: provider.name, provider_ref: result.ref },
    })
    if (moved.outcome === 'not_payable') {
      // The order closed while we were creating the payment: close the payment too.
      await cancelOpenPayments(env, order.id).catch(() => undefined)
      throw new AppError('invalid_transition', `A ${moved.order.status} order cannot be paid`)
    }
  }
  return {
    payment: paymentView(row),
    provider: provider.name,
    status: provider.confirmedBy === 'staff' ? 'awaiting_confirmation' : 'requires_payment',
    next_action:
      provider.name === 'stripe'
        ? { type: 'stripe_payment_intent', ...result.client }
        : { type: `${provider.name}_payment`, pay_before: order.payment_due_at, ...result.client },
  }
}

/** POST /orders/:id/pay: the owner only; anyone else's order is a 404. */
export async function payOwnOrder(env: PaymentsEnv, user: AuthUser, orderId: string, options: PayOptions = {}) {
  const order = await getOwnOrder(env, user, orderId)
  return startPayment(env, order, { type: 'customer', id: user.id }, options)
}

/**
 * Checkout's payment seam (./checkout-payment.ts): start paying right after the order is
 * committed, so the checkout response already carries the client secret or the instructions.
 */
export async function paymentForCheckout(env: PaymentsEnv, order: OrderDetail, options: PayOptions = {}) {
  const started = await startPayment(env, order, { type: 'system' }, options, true)
  return {
    provider: order.payment_provider,
    status: started.status,
    payment_id: started.payment.id,
    amount: started.payment.amount,
    next_action: started.next_action ?? undefined,
  }
}

/** Staff confirm that a manual payment (bank transfer, cash on delivery) arrived: the order is paid. */
export async function confirmManualPayment(
  env: PaymentsEnv,
  staff: AuthUser,
  orderId: string,
  input: { reference?: string; note?: string },
) {
  const order = await getOrder(env, orderId)
  const provider = getProvider(order.payment_provider)
  if (provider.confirmedBy !== 'staff') {
    throw new AppError('conflict', `${provider.name} payments are confirmed by the provider, not by staff`)
  }
  const row = await ensurePaymentRow(env, {
    orderId: order.id,
    userId: order.user_id,
    provider: provider.name,
    providerRef: null,
    amount: order.total.amount,
    currency: order.currency,
  })
  const actor: Actor = { type: 'staff', id: staff.id }
  const meta = { payment_id: row.id, provider: provider.name, ...(input.reference ? { reference: input.reference } : {}) }
  // The OrderDO decides: pending/processing -> paid, already paid -> nothing, closed -> refused.
  const moved = await signalPayment(env, order.id, {
    kind: 'succeeded',
    amount: order.total.amount,
    currency: order.currency,
    actor,
    reason: input.note ?? 'manual payment confirmed by staff',
    meta,
  })
  if (moved.outcome !== 'order_paid' && moved.outcome !== 'already_paid') {
    throw new AppError('invalid_transition', `A ${moved.order.status} order cannot be paid`)
  }
  // Re-running after a crash (order already paid, row still pending) completes the record.
  await markPaymentSucceeded(env, row.id, order.total.amount)
  const fresh = (await findPaymentForOrder(env, order.id, provider.name)) ?? row
  const updated = await getOrder(env, order.id)
  return { payment: paymentView(fresh), order: { id: updated.id, status: updated.status } }
}

/** Staff view of one order's money: its payment attempts and refunds, oldest first. */
export async function orderPayments(env: Pick<Env, 'DB'>, orderId: string) {
  await getOrder(env, orderId) // 404 for an order that does not exist
  const db = getDb(env)
  const [rows, refundRows] = await db.batch([
    db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(payments.createdAt, payments.id),
    db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(refunds.createdAt, refunds.id),
  ])
  return { payments: rows.map(paymentView), refunds: refundRows.map(refundView) }
}
