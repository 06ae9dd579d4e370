/**
 * Closing an unpaid order closes its payment: when an order is cancelled or expires, the payment
 * it still has open at the provider is cancelled there (Stripe: PaymentIntent cancel), so the
 * shopper can no longer pay for an order that no longer holds stock. Called by the OrderDO right
 * after it entered failed/cancelled; reconciliation retries whatever this could not do.
 */
import { and, eq } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import { getProvider } from './providers'
import { ProviderError, type ProviderEnv } from './providers/types'
import { markPaymentUnsuccessful } from './store'
import { payments } from './tables'

/** Cancel every pending provider payment of the order. Returns how many were cancelled. */
export async function cancelOpenPayments(env: Pick<Env, 'DB'> & ProviderEnv, orderId: string): Promise<number> {
  const open = await getDb(env)
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, 'pending')))
  let cancelled = 0
  for (const payment of open) {
    const provider = getProvider(payment.provider)
    if (provider.confirmedBy !== 'webhook' || !payment.providerRef) {
      await markPaymentUnsuccessful(env, payment.id, 'cancelled', 'order closed unpaid')
      continue
    }
    try {
      await provider.cancel(env, payment.providerRef, `ec-cancel-${payment.id}`)
      await markPaymentUnsuccessful(env, payment.id, 'cancelled', 'order closed unpaid')
      cancelled++
    } catch (err) {
      // Refused (e.g. it succeeded a moment ago): its success reaches the order as a late
      // payment and is refunded automatically. Unreachable: reconciliation tries again.
      const final = err instanceof ProviderError && !err.retryable
      log(final ? 'warn' : 'error', 'payment: cancel at the provider failed', {
        order_id: orderId,
        payment_id: payment.id,
        error: String(err),
      })
      if (!final) throw err
    }
  }
  return cancelled
}
