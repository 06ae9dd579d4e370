/**
 * PayPal Checkout through the Orders v2 API, intent CAPTURE:
 *   1. initiate: POST /v2/checkout/orders (PayPal-Request-Id makes it idempotent) with
 *      payment_source.paypal.experience_context return/cancel URLs; the shopper is sent to the
 *      `payer-action` link to approve;
 *   2. complete: once approved (the CHECKOUT.ORDER.APPROVED webhook, the shopper's return through
 *      POST /orders/{id}/pay, or reconciliation) we capture: POST /v2/checkout/orders/{id}/capture;
 *   3. the capture's status is the payment's truth (COMPLETED → succeeded, DECLINED/FAILED → failed).
 * Refunds: POST /v2/payments/captures/{capture_id}/refund; the order's purchase_units[].payments.refunds
 * lists them. Orders v2 has no way to void an unpaid CAPTURE order (voiding exists only for intent
 * AUTHORIZE: POST /v2/payments/authorizations/{id}/void): we simply never capture one for
 * an order that is no longer payable, and PayPal expires it (an approved, uncaptured order moves no money).
 *
 * Docs used:
 *   https://developer.paypal.com/api/rest/authentication/ (client-credentials token)
 *   https://developer.paypal.com/docs/api/orders/v2/ (create, show, capture; PayPal-Request-Id)
 *   https://developer.paypal.com/docs/api/payments/v2/#captures_refund (refund a capture)
 *   https://developer.paypal.com/api/rest/reference/currency-codes/ (HUF, JPY, TWD have no decimals)
 *   https://developer.paypal.com/api/webhooks/v1/#verify-webhook-signature_post (see webhooks/paypal.ts)
 */
import { fetchJson, fromDecimal, paymentReturnUrl, toDecimalString } from './http'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment, type ProviderRefund } from './types'
import { config } from '../../../lib/config'

/** PayPal's own zero-decimal list differs from ISO 4217 for HUF and TWD. */
const PAYPAL_EXPONENTS = { HUF: 0, JPY: 0, TWD: 0 }

/** The currencies PayPal accepts for payments (its currency-codes reference). */
export const PAYPAL_CURRENCIES = [
  'AUD',
  'BRL',
  'CAD',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'HKD',
  'HUF',
  'ILS',
  'JPY',
  'MYR',
  'MXN',
  'TWD',
  'NZD',
  'NOK',
  'PHP',
  'PLN',
  'GBP',
  'SGD',
  'SEK',
  'CHF',
  'THB',
  'USD',
] as const

export const paypalAmount = (amount: number, currency: string) => toDecimalString(amount, currency, PAYPAL_EXPONENTS)
export const paypalMinor = (value: string | undefined, currency: string) => fromDecimal(value, currency, PAYPAL_EXPONENTS)

interface PaypalMoney {
  currency_code: string
  value: string
}
interface PaypalCapture {
  id: string
  status: string
  amount?: PaypalMoney
  custom_id?: string
  invoice_id?: string
  status_details?: { reason?: string }
  supplementary_data?: { related_ids?: { order_id?: string } }
}
interface PaypalRefund {
  id: string
  status: string
  amount?: PaypalMoney
  custom_id?: string
  invoice_id?: string
}
export interface PaypalOrder {
  id: string
  status: string
  intent?: string
  purchase_units?: {
    reference_id?: string
    custom_id?: string
    amount?: PaypalMoney
    payments?: { captures?: PaypalCapture[]; refunds?: PaypalRefund[] }
  }[]
  links?: { href: string; rel: string; method?: string }[]
}
interface PaypalError {
  name?: string
  message?: string
  debug_id?: string
  details?: { issue?: string; description?: string }[]
}

const tokens = new Map<string, { token: string; expiresAt: number }>()

function base(env: ProviderEnv) {
  return config(env).PAYPAL_API_BASE
}

/** An OAuth2 access token (client credentials), cached until a minute before it expires. */
export async function paypalToken(env: ProviderEnv): Promise<string> {
  if (!env.PAYPAL_CLIENT_ID || !env.PAYPAL_CLIENT_SECRET) throw new ProviderError('PayPal is not configured', false, 'not_configured')
  const key = `${base(env)}\n${env.PAYPAL_CLIENT_ID}`
  const cached = tokens.get(key)
  if (cached && cached.expiresAt > Date.now()) return cached.token
  const res = await fetchJson<{ access_token?: string; expires_in?: number; error_description?: string }>(
    'PayPal',
    `${base(env)}/v1/oauth2/token`,
    {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${env.PAYPAL_CLIENT_ID}:${env.PAYPAL_CLIENT_SECRET}`)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    },
  )
  if (res.status !== 200 || !res.body.access_token) {
    throw new ProviderError(`PayPal: token refused (${res.status} ${res.body.error_description ?? ''})`, false, 'auth')
  }
  tokens.set(key, { token: res.body.access_token, expiresAt: Date.now() + Math.max(0, (res.body.expires_in ?? 300) - 60) * 1000 })
  return res.body.access_token
}

/** A call to the PayPal REST API with a bearer token (and PayPal-Request-Id when given). */
export async function paypalCall<T>(env: ProviderEnv, method: string, path: string, body?: unknown, requestId?: string) {
  for (let attempt = 0; ; attempt++) {
    const token = await paypalToken(env)
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      Prefer: 'return=representation',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (requestId) headers['PayPal-Request-Id'] = requestId
    const res = await fetchJson<T & PaypalError>('PayPal', `${base(env)}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    // A cached token PayPal no longer accepts (expired early, revoked): fetch a new one once.
    if (res.status === 401 && attempt === 0) {
      tokens.delete(`${base(env)}\n${env.PAYPAL_CLIENT_ID}`)
      continue
    }
    return res
  }
}

const issueOf = (e: PaypalError) => e.details?.[0]?.issue ?? e.name ?? 'UNKNOWN'

function refused(res: { status: number; body: PaypalError }): ProviderError {
  return new ProviderError(
    `PayPal: ${res.status} ${issueOf(res.body)} ${res.body.details?.[0]?.description ?? res.body.message ?? ''}`.trim(),
    false,
    issueOf(res.body),
  )
}

/** Our view of a PayPal order: the capture decides. */
export function fromPaypalOrder(order: PaypalOrder, expected?: { amount: number; currency: string }): ProviderPayment {
  const unit = order.purchase_units?.[0]
  const capture = unit?.payments?.captures?.[0]
  const currency = (capture?.amount?.currency_code ?? unit?.amount?.currency_code ?? expected?.currency ?? '').toUpperCase()
  const amount = unit?.amount ? paypalMinor(unit.amount.value, currency) : (expected?.amount ?? 0)
  let status: ProviderPayment['status'] = 'pending'
  let received = 0
  let failure: string | null = null
  if (capture) {
    if (capture.status === 'COMPLETED' || capture.status === 'PARTIALLY_REFUNDED' || capture.status === 'REFUNDED') {
      status = 'succeeded'
      received = paypalMinor(capture.amount?.value, currency)
    } else if (capture.status === 'DECLINED' || capture.status === 'FAILED') {
      status = 'failed'
      failure = `capture ${capture.status.toLowerCase()}${capture.status_details?.reason ? `: ${capture.status_details.reason}` : ''}`
    }
  } else if (order.status === 'VOIDED') {
    status = 'cancelled'
    failure = 'order voided at PayPal'
  }
  const approve = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve')?.href ?? null
  return {
    ref: order.id,
    status,
    amount,
    amount_received: Number.isNaN(received) ? 0 : received,
    currency,
    order_id: unit?.custom_id ?? unit?.reference_id ?? null,
    failure_reason: failure,
    client: { paypal_order_id: order.id, approve_url: approve, paypal_status: order.status },
  }
}

async function getOrder(env: ProviderEnv, ref: string): Promise<PaypalOrder> {
  const res = await paypalCall<PaypalOrder>(env, 'GET', `/v2/checkout/orders/${encodeURIComponent(ref)}`)
  if (res.status !== 200) throw refused(res)
  return res.body
}

function fromPaypalRefund(r: PaypalRefund, fallbackCurrency: string): ProviderRefund {
  const currency = (r.amount?.currency_code ?? fallbackCurrency).toUpperCase()
  const status = r.status === 'COMPLETED' ? 'succeeded' : r.status === 'FAILED' || r.status === 'CANCELLED' ? 'failed' : 'pending'
  return {
    ref: r.id,
    status,
    amount: paypalMinor(r.amount?.value, currency),
    currency,
    metadata: r.invoice_id ? { refund_id: r.invoice_id } : {},
  }
}

export const paypalProvider: PaymentProvider = {
  name: 'paypal',
  confirmedBy: 'webhook',
  currencies: PAYPAL_CURRENCIES,

  enabled: (env) => Boolean(env.PAYPAL_CLIENT_ID && env.PAYPAL_CLIENT_SECRET && env.PAYPAL_WEBHOOK_ID),

  async initiate(env, order, idempotencyKey) {
    const res = await paypalCall<PaypalOrder>(
      env,
      'POST',
      '/v2/checkout/orders',
      {
        intent: 'CAPTURE',
        purchase_units: [
          {
            reference_id: order.id,
            custom_id: order.id,
            invoice_id: order.id,
            description: `Order ${order.id}`,
            amount: { currency_code: order.currency, value: paypalAmount(order.amount, order.currency) },
          },
        ],
        payment_source: {
          paypal: {
            experience_context: {
              user_action: 'PAY_NOW',
              shipping_preference: 'NO_SHIPPING',
              return_url: await paymentReturnUrl(env, order.id, 'paypal'),
              cancel_url: await paymentReturnUrl(env, order.id, 'paypal', '&cancelled=1'),
            },
          },
        },
      },
      idempotencyKey,
    )
    if (res.status !== 200 && res.status !== 201) throw refused(res)
    return fromPaypalOrder(res.body, order)
  },

  async retrieve(env, ref, order) {
    if (!ref) throw new ProviderError('A PayPal payment needs its order id', false)
    return fromPaypalOrder(await getOrder(env, ref), order)
  },

  async complete(env, ref, order) {
    const current = await getOrder(env, ref)
    if (current.status !== 'APPROVED') return fromPaypalOrder(current, order)
    const res = await paypalCall<PaypalOrder>(
      env,
      'POST',
      `/v2/checkout/orders/${encodeURIComponent(ref)}/capture`,
      {},
      `ec-capture-${ref}`,
    )
    if (res.status === 200 || res.status === 201) return fromPaypalOrder(res.body, order)
    // Captured meanwhile (another worker, a retry): the order says how it went.
    if (res.status === 422 && issueOf(res.body) === 'ORDER_ALREADY_CAPTURED') return fromPaypalOrder(await getOrder(env, ref), order)
    // The buyer's funding source was refused: the order stays unpaid; PayPal lets them pick another.
    if (res.status === 422 && issueOf(res.body) === 'INSTRUMENT_DECLINED') {
      return { ...fromPaypalOrder(await getOrder(env, ref), order), status: 'failed', failure_reason: 'instrument declined' }
    }
    throw refused(res)
  },

  async cancel() {
    // Orders v2 cannot void a CAPTURE order; an uncaptured one moves no money and expires at PayPal.
    // A capture that raced the cancel is refunded as a late payment (src/workflows/payment-outcomes.ts).
  },

  async listRefunds(env, ref) {
    if (!ref) return []
    const order = await getOrder(env, ref)
    const unit = order.purchase_units?.[0]
    return (unit?.payments?.refunds ?? []).map((r) => fromPaypalRefund(r, unit?.amount?.currency_code ?? ''))
  },

  async refund(env, payment, input) {
    if (!payment.ref) throw new ProviderError('A PayPal refund needs the order id', false)
    const order = await getOrder(env, payment.ref)
    const capture = order.purchase_units?.[0]?.payments?.captures?.find(
      (c) => c.status === 'COMPLETED' || c.status === 'PARTIALLY_REFUNDED',
    )
    if (!capture) throw new ProviderError('PayPal: this order has no completed capture to refund', false, 'NO_CAPTURE')
    const res = await paypalCall<PaypalRefund>(
      env,
      'POST',
      `/v2/payments/captures/${encodeURIComponent(capture.id)}/refund`,
      {
        amount: { currency_code: payment.currency, value: paypalAmount(input.amount, payment.currency) },
        // invoice_id carries our refund id back (listRefunds, webhooks); custom_id our order id.
        invoice_id: input.metadata.refund_id,
        custom_id: input.metadata.order_id,
        ...(input.reason ? { note_to_payer: input.reason.slice(0, 255) } : {}),
      },
      input.idempotencyKey,
    )
    if (res.status !== 200 && res.status !== 201) throw refused(res)
    return fromPaypalRefund(res.body, payment.currency)
  },
}

/** The PayPal order id of a capture (refund webhooks point at the capture, not the order). */
export async function paypalOrderOfCapture(env: ProviderEnv, captureId: string): Promise<string | null> {
  const res = await paypalCall<PaypalCapture>(env, 'GET', `/v2/payments/captures/${encodeURIComponent(captureId)}`)
  if (res.status === 404) return null
  if (res.status !== 200) throw refused(res)
  return res.body.supplementary_data?.related_ids?.order_id ?? null
}
