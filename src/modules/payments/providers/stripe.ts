import Stripe from 'stripe'
import { currencyExponent, formatMinor, rescaleMinor } from '../../../lib/money'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment, type ProviderRefund } from './types'
import { config } from '../../../lib/config'

/**
 * Stripe through PaymentIntents (not Checkout Sessions): the storefront keeps its own checkout and
 * confirms the intent with Stripe.js/Payment Element using the client_secret, the amount is fixed
 * server-side from the order, and one intent per order is easy to make idempotent, to retrieve for
 * reconciliation and to refund against. Checkout Sessions would add a hosted page, a second object
 * to track and expiry handling for no gain here.
 */

const clients = new Map<string, Stripe>()

/**
 * A Stripe SDK client on the fetch HTTP client. STRIPE_API_BASE (default https://api.stripe.com)
 * is split into host/port/protocol for the SDK; a path prefix (the local fake lives at
 * http://localhost:8787/__fakes/stripe) is added by the fetch wrapper, since the SDK has no base-path option.
 * The wrapper looks up the global fetch on every call, so tests that route fetch reach their fakes.
 */
export function stripeClient(env: ProviderEnv): Stripe {
  const base = config(env).STRIPE_API_BASE
  const cacheKey = `${base}\n${env.STRIPE_SECRET_KEY}`
  const cached = clients.get(cacheKey)
  if (cached) return cached
  if (!env.STRIPE_SECRET_KEY) throw new ProviderError('STRIPE_SECRET_KEY is not configured', false, 'not_configured')
  const url = new URL(base)
  const prefix = url.pathname.replace(/\/+$/, '')
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  const fetchFn: typeof fetch = (input, init) => {
    if (!prefix) return fetch(input, init)
    const target = new URL(input instanceof Request ? input.url : String(input))
    target.pathname = prefix + target.pathname
    return fetch(target.toString(), init)
  }
  const client = new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    host: url.hostname,
    port: url.port || (protocol === 'http' ? '80' : '443'),
    protocol,
    // Retries reuse the idempotency key the SDK or we set, so they can never double charge.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  })
  clients.set(cacheKey, client)
  return client
}

/**
 * Stripe's amount units, as Stripe documents them (https://docs.stripe.com/currencies, "Minor units
 * in API amounts" and "Special cases"):
 *   - two decimals unless listed below (every currency the brief names: KZT, ETB, NGN, GHS, ZAR,
 *     KES, USD, EUR; also HUF and TWD, which Stripe treats as zero-decimal only for payouts);
 *   - zero-decimal currencies take whole units (JPY 500 = ¥500);
 *   - ISK is zero-decimal in fact, but for backwards compatibility the API takes it as two decimals
 *     with 00 as the decimals (ISK 5 = 500);
 *   - three-decimal currencies take three decimals and the last digit must be 0 (KWD 1.230 = 1230).
 * Our amounts are in ISO 4217 minor units (src/lib/money.ts), so converting is a rescale between the
 * two exponents that must be exact (MGA: ISO has 2 decimals, Stripe charges whole ariary).
 */
const STRIPE_ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
])
const STRIPE_THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND'])

/** Decimals of an amount as Stripe's API takes it for `currency`. */
export function stripeExponent(currency: string): number {
  const c = currency.toUpperCase()
  if (STRIPE_ZERO_DECIMAL.has(c)) return 0
  if (STRIPE_THREE_DECIMAL.has(c)) return 3
  return 2
}

/** Our minor units -> Stripe's `amount`. Throws a non-retryable ProviderError for an amount Stripe cannot take. */
export function toStripeAmount(amount: number, currency: string): number {
  const c = currency.toUpperCase()
  const out = rescaleMinor(amount, currencyExponent(c), stripeExponent(c))
  if (out === null) {
    throw new ProviderError(
      `${formatMinor(amount, c)} ${c} cannot be charged through Stripe, which takes ${c} in steps of ${formatMinor(10 ** Math.max(0, currencyExponent(c) - stripeExponent(c)), c)}`,
      false,
      'amount_not_supported',
    )
  }
  if (STRIPE_THREE_DECIMAL.has(c) && out % 10 !== 0) {
    throw new ProviderError(
      `Stripe charges ${c} only in amounts whose last digit must be 0 (${formatMinor(amount, c)} ${c} is not one)`,
      false,
      'amount_not_supported',
    )
  }
  return out
}

/** Stripe's `amount` -> our minor units (-1 if it cannot be expressed, which then never matches an order). */
export function fromStripeAmount(amount: number, currency: string): number {
  const c = currency.toUpperCase()
  return rescaleMinor(amount, stripeExponent(c), currencyExponent(c)) ?? -1
}

/** Map an SDK error to ProviderError: 4xx refusals are final, network/5xx/409-in-progress retryable. */
export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode ?? 0
    const retryable =
      err instanceof Stripe.errors.StripeConnectionError ||
      err instanceof Stripe.errors.StripeAPIError ||
      err instanceof Stripe.errors.StripeRateLimitError ||
      status >= 500 ||
      status === 409 ||
      status === 0
    return new ProviderError(`Stripe: ${err.message}`, retryable, err.code ?? err.type)
  }
  return new ProviderError(`Stripe: ${err instanceof Error ? err.message : String(err)}`, true)
}

/** Our view of a PaymentIntent. */
export function fromPaymentIntent(pi: Stripe.PaymentIntent): ProviderPayment {
  let status: ProviderPayment['status'] = 'pending'
  if (pi.status === 'succeeded') status = 'succeeded'
  else if (pi.status === 'canceled') status = 'cancelled'
  // Stripe puts a declined intent back to requires_payment_method with last_payment_error set.
  else if (pi.status === 'requires_payment_method' && pi.last_payment_error) status = 'failed'
  return {
    ref: pi.id,
    status,
    amount: fromStripeAmount(pi.amount, pi.currency),
    amount_received: fromStripeAmount(pi.amount_received ?? 0, pi.currency),
    currency: pi.currency.toUpperCase(),
    order_id: pi.metadata?.order_id ?? null,
    failure_reason: pi.last_payment_error?.message ?? pi.last_payment_error?.code ?? pi.cancellation_reason ?? null,
    client: { client_secret: pi.client_secret, payment_intent_id: pi.id },
  }
}

function fromRefund(r: Stripe.Refund): ProviderRefund {
  const status = r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' || r.status === 'canceled' ? 'failed' : 'pending'
  return {
    ref: r.id,
    status,
    amount: fromStripeAmount(r.amount, r.currency),
    currency: r.currency.toUpperCase(),
    metadata: r.metadata ?? {},
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw toProviderError(err)
  }
}

export const stripeProvider: PaymentProvider = {
  name: 'stripe',
  confirmedBy: 'webhook',

  async initiate(env, order, idempotencyKey) {
    const amount = toStripeAmount(order.amount, order.currency)
    const pi = await call(() =>
      stripeClient(env).paymentIntents.create(
        {
          amount,
          currency: order.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: `Order ${order.id}`,
          metadata: { order_id: order.id, user_id: order.user_id },
          ...(order.email ? { receipt_email: order.email } : {}),
        },
        { idempotencyKey },
      ),
    )
    return fromPaymentIntent(pi)
  },

  async retrieve(env, ref) {
    if (!ref) throw new ProviderError('A Stripe payment needs its PaymentIntent id', false)
    return fromPaymentIntent(await call(() => stripeClient(env).paymentIntents.retrieve(ref)))
  },

  async cancel(env, ref, idempotencyKey) {
    if (!ref) return
    await call(() => stripeClient(env).paymentIntents.cancel(ref, {}, { idempotencyKey }))
  },

  async listRefunds(env, ref) {
    if (!ref) return []
    const page = await call(() => stripeClient(env).refunds.list({ payment_intent: ref, limit: 100 }))
    return page.data.map(fromRefund)
  },

  async refund(env, payment, input) {
    if (!payment.ref) throw new ProviderError('A Stripe refund needs the PaymentIntent id', false)
    const ref = payment.ref
    const amount = toStripeAmount(input.amount, payment.currency)
    const refund = await call(() =>
      stripeClient(env).refunds.create(
        {
          payment_intent: ref,
          amount,
          metadata: input.metadata,
          // Stripe accepts only these reasons; anything else stays in our own records.
          ...(input.reason === 'duplicate' || input.reason === 'fraudulent' || input.reason === 'requested_by_customer'
            ? { reason: input.reason }
            : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    )
    return fromRefund(refund)
  },
}
