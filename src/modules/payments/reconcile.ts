/**
 * Reconciliation (cron): webhooks can be lost, delayed past their retries or rejected while our
 * side was broken. Every run looks at provider payments still pending after
 * PAYMENT_RECONCILE_AFTER_MINUTES, asks the provider for the true state and applies it with the
 * same rules as the webhook: succeeded → paid (amount checked), failed/cancelled → failed. If the
 * order already expired (payment timeout) while the intent is still open, the intent is cancelled
 * so the customer cannot pay for an order that no longer holds stock.
 */
import { and, asc, eq, lt } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { getOrder } from '../orders/service'
import { applyProviderState, type Outcome, type PaymentsEnv } from './outcomes'
import { PROVIDERS } from './providers'
import { markPaymentUnsuccessful } from './store'
import { payments } from './tables'

const BATCH = 50

export type ReconcileEnv = PaymentsEnv & Partial<Pick<Env, 'PAYMENT_RECONCILE_AFTER_MINUTES'>>

export async function reconcilePendingPayments(env: ReconcileEnv, now = Date.now()) {
  const minutes = Number(env.PAYMENT_RECONCILE_AFTER_MINUTES ?? 10) || 10
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
      let truth = await provider.retrieve(env, payment.providerRef, payable)
      // Approved by the payer but waiting for us (PayPal capture) while its callback was lost.
      if (truth.status === 'pending' && provider.complete && payment.providerRef && (order.status === 'pending' || order.status === 'processing')) {
        truth = await provider.complete(env, payment.providerRef, payable)
      }
      outcome = await applyProviderState(env, payment, truth, { actor: { type: 'system', id: 'reconciliation' } })
      if (outcome === 'still_pending' && (order.status === 'failed' || order.status === 'cancelled')) {
        await provider.cancel(env, payment.providerRef, `ec-cancel-${payment.id}`)
        await markPaymentUnsuccessful(env, payment.id, 'cancelled', `order ${order.status}`)
        outcome = 'cancelled_stale'
      }
    } catch (err) {
      log('error', 'payment reconciliation failed for one payment', { payment_id: payment.id, order_id: payment.orderId, error: String(err) })
      outcome = 'error'
    }
    summary[outcome] = (summary[outcome] ?? 0) + 1
  }
  return summary
}
