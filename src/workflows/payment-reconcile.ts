/**
 * Reconciliation (cron) heals every mismatch between payments and orders:
 *   1. provider payments still pending after PAYMENT_RECONCILE_AFTER_MINUTES: ask the provider for
 *      the true state and apply it with the webhook's rules (succeeded -> paid, failed/cancelled ->
 *      failed); an open payment of an order that already closed is cancelled at the provider;
 *   2. a payment recorded succeeded whose order is not paid (the request died between recording
 *      the money and telling the order): pay the order through its OrderDO (or, if the order has
 *      closed meanwhile, refund the late payment automatically);
 *   3. an order paid with no succeeded payment behind it: alert staff (once per order).
 * Candidates are found in D1; every decision is the OrderDO's.
 */
import { and, asc, eq, inArray, lt, notExists, sql } from 'drizzle-orm'
import { getDb } from '../lib/db'
import { log } from '../lib/observability'
import { nowIso } from '../lib/time'
import { orderExternalRefs } from '../modules/orders/import-tables'
import { getOrder, orderState, signalPayment } from '../modules/orders/service'
import { PAID_OR_LATER } from '../modules/orders/state-machine'
import { orders } from '../modules/orders/tables'
import { applyProviderState, refundLatePayment, type Outcome } from './payment-outcomes'
import { PROVIDERS } from '../modules/payments/providers'
import { markPaymentUnsuccessful, raiseAlert, type PaymentsEnv } from '../modules/payments/store'
import { paymentAlerts, payments } from '../modules/payments/tables'
import { config } from '../lib/config'

const BATCH = 50

export type ReconcileEnv = PaymentsEnv & Partial<Pick<Env, 'PAYMENT_RECONCILE_AFTER_MINUTES'>>

export async function reconcilePendingPayments(env: ReconcileEnv, now = Date.now()) {
  const minutes = config(env).PAYMENT_RECONCILE_AFTER_MINUTES
  const cutoff = nowIso(now - minutes * 60_000)
  const webhookProviders = Object.values(PROVIDERS)
    .filter((p) => p.confirmedBy === 'webhook')
    .map((p) => p.name)
  const rows = await getDb(env)
    .select()
    .from(payments)
    .where(and(eq(payments.status, 'pending'), lt(payments.createdAt, cutoff)))
    .orderBy(asc(payments.createdAt))
    .limit(BATCH)
  const summary: Record<string, number> = { checked: 0 }
  for (const payment of rows) {
    if (!webhookProviders.includes(payment.provider)) continue
    summary.checked! += 1
    let outcome: Outcome | 'cancelled_stale' | 'error'
    try {
      const order = await getOrder(env, payment.orderId)
      const provider = PROVIDERS[payment.provider]!
      const payable = { id: order.id, user_id: order.user_id, amount: order.total.amount, currency: order.currency, email: order.email }
      // The order's status as its OrderDO has it (D1's copy may lag behind).
      const status = (await orderState(env, order.id))?.status ?? order.status
      let truth = await provider.retrieve(env, payment.providerRef, payable)
      // Approved by the payer but waiting for us (PayPal capture) while its callback was lost.
      if (truth.status === 'pending' && provider.complete && payment.providerRef && (status === 'pending' || status === 'processing')) {
        truth = await provider.complete(env, payment.providerRef, payable)
      }
      outcome = await applyProviderState(env, payment, truth, { actor: { type: 'system', id: 'reconciliation' } })
      if (outcome === 'still_pending' && (status === 'failed' || status === 'cancelled')) {
        await provider.cancel(env, payment.providerRef, `ec-cancel-${payment.id}`)
        await markPaymentUnsuccessful(env, payment.id, 'cancelled', `order ${status}`)
        outcome = 'cancelled_stale'
      }
    } catch (err) {
      log('error', 'payment reconciliation failed for one payment', {
        payment_id: payment.id,
        order_id: payment.orderId,
        error: String(err),
      })
      outcome = 'error'
    }
    summary[outcome] = (summary[outcome] ?? 0) + 1
  }
  const healed = await healSucceededPayments(env, now)
  const unbacked = await alertPaidWithoutPayment(env, now)
  return { ...summary, ...healed, ...unbacked }
}

/** Leave the request that is recording a payment this long to finish before stepping in. */
const GRACE_MS = 60_000

/** 2. Succeeded payments whose order (as D1 sees it) is still unpaid: tell the OrderDO. */
export async function healSucceededPayments(env: ReconcileEnv, now = Date.now()) {
  const cutoff = nowIso(now - GRACE_MS)
  const rows = await getDb(env)
    .select({ payment: payments })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(payments.status, 'succeeded'), inArray(orders.status, ['pending', 'processing']), lt(payments.updatedAt, cutoff)))
    .orderBy(asc(payments.updatedAt))
    .limit(BATCH)
  const out = { succeeded_checked: 0, healed_paid: 0, late_payment_refunded: 0, heal_errors: 0 }
  for (const { payment } of rows) {
    out.succeeded_checked++
    const actor = { type: 'system' as const, id: 'reconciliation' }
    try {
      const result = await signalPayment(env, payment.orderId, {
        kind: 'succeeded',
        amount: payment.amountReceived,
        currency: payment.currency,
        actor,
        reason: 'payment succeeded (reconciliation)',
        meta: { payment_id: payment.id, provider: payment.provider, provider_ref: payment.providerRef },
      })
      if (result.outcome === 'order_paid') out.healed_paid++
      else if (result.outcome === 'paid_after_terminal' && PROVIDERS[payment.provider]?.confirmedBy === 'webhook') {
        if (await refundLatePayment(env, payment, { actor }, result.order.status)) out.late_payment_refunded++
      } else if (result.outcome === 'amount_mismatch' || result.outcome === 'currency_mismatch') {
        await raiseAlert(env, result.outcome, {
          orderId: payment.orderId,
          paymentId: payment.id,
          details: { reason: 'succeeded payment does not match the order', amount: payment.amountReceived, currency: payment.currency },
        })
      }
    } catch (err) {
      log('error', 'reconciliation: could not pay the order of a succeeded payment', {
        payment_id: payment.id,
        order_id: payment.orderId,
        error: String(err),
      })
      out.heal_errors++
    }
  }
  return out
}

/** 3. Orders paid (or later) with no succeeded payment: money may be missing; a human must look. */
export async function alertPaidWithoutPayment(env: ReconcileEnv, now = Date.now()) {
  const cutoff = nowIso(now - GRACE_MS)
  const db = getDb(env)
  const rows = await db
    .select({ id: orders.id, status: orders.status, total: orders.total, currency: orders.currency })
    .from(orders)
    .where(
      and(
        inArray(orders.status, [...PAID_OR_LATER]),
        lt(orders.updatedAt, cutoff),
        // Marketplace orders were paid on the marketplace: no payment of ours exists.
        notExists(db.select({ one: sql`1` }).from(orderExternalRefs).where(eq(orderExternalRefs.orderId, orders.id))),
        notExists(
          db
            .select({ one: sql`1` })
            .from(payments)
            .where(and(eq(payments.orderId, orders.id), eq(payments.status, 'succeeded'))),
        ),
        notExists(
          db
            .select({ one: sql`1` })
            .from(paymentAlerts)
            .where(and(eq(paymentAlerts.orderId, orders.id), eq(paymentAlerts.kind, 'paid_without_payment'))),
        ),
      ),
    )
    .limit(BATCH)
  let alerted = 0
  for (const order of rows) {
    const live = await orderState(env, order.id)
    if (!live || !PAID_OR_LATER.includes(live.status)) continue
    await raiseAlert(env, 'paid_without_payment', {
      orderId: order.id,
      details: { order_status: live.status, total: live.total, currency: live.currency, action: 'check that the money arrived' },
    })
    alerted++
  }
  return { paid_without_payment: alerted }
}
