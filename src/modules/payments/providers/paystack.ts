/**
 * Paystack (Nigeria, Ghana, South Africa, Kenya): a hosted checkout page.
 *   initiate: POST /transaction/initialize { email, amount (subunits), currency, reference,
 *             callback_url, metadata.order_id } → data.authorization_url, where the shopper pays;
 *   retrieve: GET /transaction/verify/:reference (status success | failed | abandoned | ongoing …);
 *   refund:   POST /refund { transaction, amount, merchant_note } and GET /refund?reference=… to list.
 * Our reference is the payment idempotency key (`ec-pay-<order>-paystack`), unique per order, so a
 * retried initialize cannot open a second transaction (Paystack answers "Duplicate Transaction
 * Reference"). Paystack has no API to cancel an unpaid transaction: it is left to be abandoned;
 * our order's expiry releases the stock and a payment arriving later is alerted (paid_after_terminal).
 *
 * Docs used:
 *   https://paystack.com/docs/api/transaction/#initialize and #verify
 *   https://paystack.com/docs/api/refund/ (create, list; statuses pending/processing/processed/failed)
 *   https://paystack.com/docs/payments/webhooks/ (x-paystack-signature, see src/workflows/payment-webhooks/paystack.ts)
 *   https://paystack.com/docs/api/#supported-currency (amounts in the subunit: kobo, pesewas, cents)
 */
import { fetchJson, paymentReturnUrl } from './http'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment, type ProviderRefund } from './types'
import { config } from '../../../lib/config'

export const PAYSTACK_CURRENCIES = ['NGN', 'GHS', 'ZAR', 'KES', 'USD'] as const

interface Envelope<T> {
  status: boolean
  message: string
  data: T
}
interface PaystackTransaction {
  id: number
  status: string
  reference: string
  amount: number
  currency: string
  gateway_response?: string | null
  metadata?: { order_id?: string } | string | null
}
interface PaystackRefund {
  id: number
  status: string
  amount: number
  currency: string
  merchant_note?: string | null
  transaction?: { reference?: string } | number
}

async function call<T>(env: ProviderEnv, method: string, path: string, body?: unknown) {
  if (!env.PAYSTACK_SECRET_KEY) throw new ProviderError('Paystack is not configured', false, 'not_configured')
  return fetchJson<Envelope<T>>('Paystack', `${config(env).PAYSTACK_API_BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.PAYSTACK_SECRET_KEY}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

const refused = (status: number, message: string | undefined) =>
  new ProviderError(`Paystack: ${status} ${message ?? ''}`.trim(), false, `http_${status}`)

export function fromPaystackTransaction(tx: PaystackTransaction, authorizationUrl?: string): ProviderPayment {
  let status: ProviderPayment['status'] = 'pending'
  // reversed: the charge succeeded and was later refunded in full; refunds are tracked separately.
  if (tx.status === 'success' || tx.status === 'reversed') status = 'succeeded'
  else if (tx.status === 'failed') status = 'failed'
  const metadata = typeof tx.metadata === 'object' && tx.metadata ? tx.metadata : {}
  return {
    ref: tx.reference,
    status,
    amount: tx.amount,
    amount_received: status === 'succeeded' ? tx.amount : 0,
    currency: tx.currency.toUpperCase(),
    order_id: metadata.order_id ?? null,
    failure_reason: status === 'failed' ? (tx.gateway_response ?? 'declined') : null,
    client: { reference: tx.reference, paystack_status: tx.status, ...(authorizationUrl ? { authorization_url: authorizationUrl } : {}) },
  }
}

const REFUND_NOTE = 'ec-refund:'

function fromPaystackRefund(r: PaystackRefund): ProviderRefund {
  const status = r.status === 'processed' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'pending'
  const refundId = r.merchant_note?.startsWith(REFUND_NOTE) ? r.merchant_note.slice(REFUND_NOTE.length) : undefined
  return {
    ref: String(r.id),
    status,
    amount: r.amount,
    currency: r.currency.toUpperCase(),
    metadata: refundId ? { refund_id: refundId } : {},
  }
}

export const paystackProvider: PaymentProvider = {
  name: 'paystack',
  confirmedBy: 'webhook',
  currencies: PAYSTACK_CURRENCIES,

  enabled: (env) => Boolean(env.PAYSTACK_SECRET_KEY),

  async initiate(env, order, idempotencyKey) {
    if (!order.email) throw new ProviderError('Paystack needs the customer e-mail address', false, 'email_required')
    const res = await call<{ authorization_url: string; access_code: string; reference: string }>(env, 'POST', '/transaction/initialize', {
      email: order.email,
      amount: String(order.amount),
      currency: order.currency,
      reference: idempotencyKey,
      callback_url: await paymentReturnUrl(env, order.id, 'paystack'),
      metadata: { order_id: order.id },
    })
    if (res.status === 200 && res.body.status) {
      return {
        ...fromPaystackTransaction({
          id: 0,
          status: 'ongoing',
          reference: res.body.data.reference,
          amount: order.amount,
          currency: order.currency,
          metadata: { order_id: order.id },
        }),
        client: {
          reference: res.body.data.reference,
          authorization_url: res.body.data.authorization_url,
          access_code: res.body.data.access_code,
        },
      }
    }
    // Initialized already by a racing request with the same reference: use that transaction.
    if (/duplicate/i.test(res.body?.message ?? '')) return this.retrieve(env, idempotencyKey, order)
    throw refused(res.status, res.body?.message)
  },

  async retrieve(env, ref) {
    if (!ref) throw new ProviderError('A Paystack payment needs its reference', false)
    const res = await call<PaystackTransaction>(env, 'GET', `/transaction/verify/${encodeURIComponent(ref)}`)
    if (res.status !== 200 || !res.body.status) throw refused(res.status, res.body?.message)
    return fromPaystackTransaction(res.body.data)
  },

  async cancel() {
    // Paystack has no API to cancel an initialized transaction; it is abandoned.
  },

  async listRefunds(env, ref) {
    if (!ref) return []
    const res = await call<PaystackRefund[]>(env, 'GET', `/refund?reference=${encodeURIComponent(ref)}&perPage=100`)
    if (res.status !== 200 || !res.body.status) throw refused(res.status, res.body?.message)
    return res.body.data.map(fromPaystackRefund)
  },

  async refund(env, payment, input) {
    if (!payment.ref) throw new ProviderError('A Paystack refund needs the transaction reference', false)
    // Paystack takes no idempotency key: a retry first looks for the refund it may already have made.
    const refundId = input.metadata.refund_id
    const existing = refundId ? (await this.listRefunds(env, payment.ref)).find((r) => r.metadata.refund_id === refundId) : undefined
    if (existing) return existing
    const res = await call<PaystackRefund>(env, 'POST', '/refund', {
      transaction: payment.ref,
      amount: input.amount,
      currency: payment.currency,
      merchant_note: `${REFUND_NOTE}${input.metadata.refund_id}`,
      ...(input.reason ? { customer_note: input.reason.slice(0, 200) } : {}),
    })
    if (res.status !== 200 || !res.body.status) throw refused(res.status, res.body?.message)
    return fromPaystackRefund(res.body.data)
  },
}
