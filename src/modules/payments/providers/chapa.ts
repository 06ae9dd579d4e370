/**
 * Chapa (Ethiopia): a hosted checkout page.
 *   initiate: POST /v1/transaction/initialize { amount ("123.45" birr), currency, email, tx_ref,
 *             return_url, customization, meta.order_id } → data.checkout_url;
 *   retrieve: GET /v1/transaction/verify/:tx_ref (data.status success | pending | failed, data.amount);
 *   refund:   POST /v1/refund/:tx_ref { amount, reason, reference, meta }.
 * Our tx_ref is the payment idempotency key (`ec-pay-<order>-chapa`); Chapa refuses a reused tx_ref,
 * so a retried initialize cannot open a second transaction.
 *
 * What Chapa's public docs leave open (handled conservatively):
 *   - no endpoint lists a transaction's refunds, so refunds made in the Chapa dashboard are not
 *     copied to us (listRefunds returns what we can know: nothing) — record those by hand;
 *   - the refund answer carries no per-refund status beyond success/failed; a "success" is taken as
 *     done;
 *   - there is no documented way to cancel an initialized, unpaid transaction: it expires at Chapa,
 *     our order's expiry releases the stock, a payment arriving later is alerted;
 *   - the `callback_url` Chapa GETs after payment is unsigned, so we do not send one: we rely on the
 *     signed webhook (webhooks/chapa.ts), verify, and reconciliation.
 *
 * Docs used:
 *   https://developer.chapa.co/integrations/accept-payments (initialize)
 *   https://developer.chapa.co/integrations/verify-payments (verify)
 *   https://developer.chapa.co/integrations/webhooks (Chapa-Signature / x-chapa-signature)
 *   https://developer.chapa.co/refund (refund API)
 */
import { fetchJson, fromDecimal, paymentReturnUrl, toDecimalString } from './http'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment } from './types'
import { config } from '../../../lib/config'

export const CHAPA_CURRENCIES = ['ETB', 'USD'] as const

interface Envelope<T> {
  message: string | Record<string, unknown>
  status: 'success' | 'failed'
  data: T
}
interface ChapaTransaction {
  status: string
  tx_ref: string
  reference?: string | null
  amount: number | string
  currency: string
  meta?: { order_id?: string } | null
}

async function call<T>(env: ProviderEnv, method: string, path: string, body?: unknown) {
  if (!env.CHAPA_SECRET_KEY) throw new ProviderError('Chapa is not configured', false, 'not_configured')
  return fetchJson<Envelope<T>>('Chapa', `${config(env).CHAPA_API_BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.CHAPA_SECRET_KEY}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

const messageOf = (m: Envelope<unknown>['message'] | undefined) => (typeof m === 'string' ? m : JSON.stringify(m ?? ''))
const refused = (status: number, message: string) => new ProviderError(`Chapa: ${status} ${message}`.trim(), false, `http_${status}`)

export function fromChapaTransaction(
  tx: ChapaTransaction,
  fallback?: { amount: number; currency: string; order_id?: string },
): ProviderPayment {
  const currency = (tx.currency ?? fallback?.currency ?? '').toUpperCase()
  const amount = fromDecimal(tx.amount, currency)
  let status: ProviderPayment['status'] = 'pending'
  if (tx.status === 'success') status = 'succeeded'
  else if (tx.status === 'failed' || tx.status === 'failed/cancelled' || tx.status === 'cancelled') status = 'failed'
  return {
    ref: tx.tx_ref,
    status,
    amount: Number.isNaN(amount) ? (fallback?.amount ?? 0) : amount,
    amount_received: status === 'succeeded' && !Number.isNaN(amount) ? amount : 0,
    currency,
    order_id: tx.meta?.order_id ?? fallback?.order_id ?? null,
    failure_reason: status === 'failed' ? `chapa ${tx.status}` : null,
    client: { tx_ref: tx.tx_ref, chapa_status: tx.status },
  }
}

export const chapaProvider: PaymentProvider = {
  name: 'chapa',
  confirmedBy: 'webhook',
  currencies: CHAPA_CURRENCIES,

  enabled: (env) => Boolean(env.CHAPA_SECRET_KEY && env.CHAPA_WEBHOOK_SECRET),

  async initiate(env, order, idempotencyKey) {
    const res = await call<{ checkout_url: string } | null>(env, 'POST', '/v1/transaction/initialize', {
      amount: toDecimalString(order.amount, order.currency),
      currency: order.currency,
      ...(order.email ? { email: order.email } : {}),
      tx_ref: idempotencyKey,
      return_url: await paymentReturnUrl(env, order.id, 'chapa'),
      customization: { title: 'Edge Commerce', description: `Order ${order.id}`.replace(/[^A-Za-z0-9 ._-]/g, '') },
      meta: { order_id: order.id },
    })
    if (res.status === 200 && res.body.status === 'success' && res.body.data) {
      return {
        ...fromChapaTransaction(
          { status: 'pending', tx_ref: idempotencyKey, amount: toDecimalString(order.amount, order.currency), currency: order.currency },
          { ...order, order_id: order.id },
        ),
        client: { tx_ref: idempotencyKey, checkout_url: res.body.data.checkout_url },
      }
    }
    // A racing request initialized this tx_ref first: use that transaction.
    if (/used before|duplicate/i.test(messageOf(res.body?.message))) return this.retrieve(env, idempotencyKey, order)
    throw refused(res.status, messageOf(res.body?.message))
  },

  async retrieve(env, ref, order) {
    if (!ref) throw new ProviderError('A Chapa payment needs its tx_ref', false)
    const res = await call<ChapaTransaction | null>(env, 'GET', `/v1/transaction/verify/${encodeURIComponent(ref)}`)
    if (res.status !== 200 || res.body.status !== 'success' || !res.body.data) throw refused(res.status, messageOf(res.body?.message))
    return fromChapaTransaction(res.body.data, { amount: order.amount, currency: order.currency, order_id: order.id })
  },

  async cancel() {
    // Not in Chapa's public API: an unpaid transaction expires at Chapa.
  },

  async listRefunds() {
    // Chapa documents no refund listing (see the file comment).
    return []
  },

  async refund(env, payment, input) {
    if (!payment.ref) throw new ProviderError('A Chapa refund needs the tx_ref', false)
    const res = await call<{ refund_reference?: string; reference?: string; status?: string } | null>(
      env,
      'POST',
      `/v1/refund/${encodeURIComponent(payment.ref)}`,
      {
        amount: toDecimalString(input.amount, payment.currency),
        reason: input.reason ?? 'refund',
        // Our refund id as Chapa's reference makes a retried refund recognisable at Chapa.
        reference: input.metadata.refund_id ?? input.idempotencyKey,
        meta: input.metadata,
      },
    )
    if (res.status !== 200 || res.body.status !== 'success') throw refused(res.status, messageOf(res.body?.message))
    return {
      ref: res.body.data?.refund_reference ?? res.body.data?.reference ?? input.metadata.refund_id ?? input.idempotencyKey,
      status: 'succeeded',
      amount: input.amount,
      currency: payment.currency,
      metadata: input.metadata,
    }
  },
}
