import type { PaymentProviderName } from '../modules/payments/providers/names'
import { paymentForCheckout } from './pay-order'
import type { OrderDetail } from '../modules/orders/service'

/** What checkout tells the client about paying. Providers may add fields (e.g. Stripe's client_secret). */
export interface CheckoutPayment {
  provider: PaymentProviderName
  status: string
  next_action?: Record<string, unknown>
  [key: string]: unknown
}

/**
 * THE seam for payment initiation at checkout: called once, after the order is committed and its
 * OrderDO exists, and its result is stored as part of the idempotent checkout response (a retry
 * with the same Idempotency-Key replays it without calling this again). The payments module
 * replaces the Stripe branch with PaymentIntent creation returning `client_secret`.
 */
export async function initiatePayment(env: Env, order: OrderDetail, options: { phone?: string | null } = {}): Promise<CheckoutPayment> {
  // Payments module (issue 4): creates the Stripe PaymentIntent (client_secret in next_action) or
  // the manual-payment instructions, records the payment and moves the order to processing.
  return paymentForCheckout(env, order, options)
}
