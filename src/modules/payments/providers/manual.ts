import type { PaymentProvider, ProviderPayment } from './types'

/**
 * Bank transfer or cash on delivery: nothing to call. The client gets instructions quoting the
 * order id as the payment reference, and staff confirm receipt through the admin endpoint. Refunds
 * are recorded here and paid out by hand, so they succeed immediately.
 */
export const manualProvider: PaymentProvider = {
  name: 'manual',
  confirmedBy: 'staff',
  // Staff hand the money back themselves; the refund is only recorded here.
  refundsByApi: false,

  async initiate(_env, order) {
    return pendingManual(order)
  },

  async retrieve(_env, _ref, order) {
    // The truth lives with staff; D1's payments row is the record, so there is nothing to look up.
    return pendingManual(order)
  },

  async cancel() {},

  async listRefunds() {
    // Manual refunds exist only in D1.
    return []
  },

  async refund(_env, payment, input) {
    return { ref: null, status: 'succeeded', amount: input.amount, currency: payment.currency, metadata: input.metadata }
  },
}

function pendingManual(order: { id: string; amount: number; currency: string }): ProviderPayment {
  return {
    ref: null,
    status: 'pending',
    amount: order.amount,
    currency: order.currency,
    amount_received: 0,
    order_id: order.id,
    failure_reason: null,
    client: {
      instructions:
        'Pay by bank transfer or in cash on delivery. Quote the payment reference; the order is confirmed once staff receive the money.',
      reference: order.id,
      amount: { amount: order.amount, currency: order.currency },
    },
  }
}
