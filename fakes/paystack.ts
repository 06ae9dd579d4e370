import { Hono, type Context } from 'hono'
import { hostedPage, hostedResult, mountOf, post, postedOutcome, webhookTarget } from './hosted-checkout'

/**
 * A local fake of the Paystack API parts Edge Commerce uses, at Paystack's paths with its
 * `{ status, message, data }` envelope:
 *
 *   POST /transaction/initialize        { email, amount (subunits), currency, reference, metadata }
 *   GET  /transaction/verify/:reference
 *   POST /refund                        { transaction, amount, merchant_note }
 *   GET  /refund?reference=
 *
 * The shopper on the hosted page is `POST /fake/checkout/:reference` with `{"outcome":"success"}` or
 * `{"outcome":"failed"}`. Every change records a webhook event in `state.deliveries` signed like
 * Paystack does (`x-paystack-signature`: hex HMAC-SHA512 of the body keyed by the secret key), and
 * POSTs it to `webhook.url`, or the PAYSTACK_FAKE_WEBHOOK_URL binding, or FAKE_WEBHOOKS_BASE_URL +
 * /webhooks/paystack (see hosted-checkout.ts). With `hosted`, authorization_url is this fake's own
 * page (GET /fake/pay/:reference) whose buttons pay or decline, so `npm start` completes a payment.
 */

type Json = Record<string, unknown>

interface FakeTransaction {
  id: number
  reference: string
  amount: number
  currency: string
  email: string
  status: 'ongoing' | 'success' | 'failed' | 'abandoned' | 'reversed'
  gateway_response: string
  metadata: Json
  /** Where Paystack sends the shopper after paying (initialize's callback_url). */
  callback_url: string | null
  refunded: number
  created_at: string
  paid_at: string | null
}

export interface PaystackDelivery {
  event: Json
  body: string
  headers: Record<string, string>
}

export async function signPaystack(body: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-512' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const CURRENCIES = ['NGN', 'GHS', 'ZAR', 'KES', 'USD']

export function createPaystackFake(options: { secretKey?: string; webhook?: { url: string }; hosted?: boolean } = {}) {
  const secretKey = options.secretKey ?? 'sk_test_vitest_paystack'
  const state = {
    transactions: new Map<string, FakeTransaction>(),
    refunds: [] as (Json & {
      id: number
      transaction: Json
      amount: number
      status: string
      merchant_note: string | null
      currency: string
    })[],
    deliveries: [] as PaystackDelivery[],
    requests: [] as { method: string; path: string }[],
  }
  // Paystack ids are unique across the integration; a random start keeps separate fakes apart too.
  let nextId = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000)
  const app = new Hono<{ Bindings: { PAYSTACK_FAKE_WEBHOOK_URL?: string } }>()
  const fail = (c: Context, status: 400 | 401 | 404, message: string) =>
    c.json({ status: false, message, meta: { nextStep: 'Check the request' }, type: 'validation_error', code: 'invalid_params' }, status)

  async function emit(c: Context, event: string, data: Json) {
    const payload = { event, data: structuredClone(data) }
    const body = JSON.stringify(payload)
    const headers = { 'x-paystack-signature': await signPaystack(body, secretKey) }
    state.deliveries.push({ event: payload, body, headers })
    const url = webhookTarget(c, 'paystack', options.webhook?.url)
    if (url) await post(c, url, body, headers)
  }

  const txView = (t: FakeTransaction) => ({
    id: t.id,
    domain: 'test',
    status: t.status,
    reference: t.reference,
    amount: t.amount,
    message: null,
    gateway_response: t.gateway_response,
    paid_at: t.paid_at,
    created_at: t.created_at,
    channel: 'card',
    currency: t.currency,
    metadata: t.metadata,
    customer: { email: t.email },
    requested_amount: t.amount,
  })

  app.use('*', async (c, next) => {
    state.requests.push({ method: c.req.method, path: c.req.path })
    if (c.req.path.includes('/fake/')) return next()
    if (c.req.header('Authorization') !== `Bearer ${secretKey}`) return fail(c, 401, 'Invalid key')
    return next()
  })

  app.post('/transaction/initialize', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Json
    const amount = Number(b.amount)
    const currency = String(b.currency ?? 'NGN')
    if (!b.email) return fail(c, 400, 'Email is required')
    if (!Number.isSafeInteger(amount) || amount < 1) return fail(c, 400, 'Invalid Amount Sent')
    if (!CURRENCIES.includes(currency)) return fail(c, 400, 'Currency not supported by merchant')
    const reference = typeof b.reference === 'string' && b.reference ? b.reference : `T${nextId}`
    if (state.transactions.has(reference)) return fail(c, 400, 'Duplicate Transaction Reference')
    const access = Math.random().toString(36).slice(2, 17)
    state.transactions.set(reference, {
      id: nextId++,
      reference,
      amount,
      currency,
      email: String(b.email),
      status: 'ongoing',
      gateway_response: 'The transaction was not completed',
      metadata: (b.metadata as Json) ?? {},
      callback_url: typeof b.callback_url === 'string' ? b.callback_url : null,
      refunded: 0,
      created_at: new Date().toISOString(),
      paid_at: null,
    })
    const page = options.hosted
      ? `${mountOf(c, '/transaction/initialize')}/fake/pay/${encodeURIComponent(reference)}`
      : `https://checkout.paystack.com/${access}`
    return c.json({ status: true, message: 'Authorization URL created', data: { authorization_url: page, access_code: access, reference } })
  })

  app.get('/transaction/verify/:reference', (c) => {
    const t = state.transactions.get(c.req.param('reference'))
    if (!t) return fail(c, 400, 'Transaction reference not found')
    return c.json({ status: true, message: 'Verification successful', data: txView(t) })
  })

  app.post('/refund', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Json
    const t = [...state.transactions.values()].find((x) => x.reference === b.transaction || String(x.id) === String(b.transaction))
    if (!t) return fail(c, 404, 'Transaction not found')
    if (t.status !== 'success') return fail(c, 400, 'Cannot refund an unsuccessful transaction')
    const amount = b.amount === undefined ? t.amount - t.refunded : Number(b.amount)
    if (!Number.isSafeInteger(amount) || amount < 1 || t.refunded + amount > t.amount)
      return fail(c, 400, 'Refund amount cannot be greater than transaction amount')
    t.refunded += amount
    if (t.refunded === t.amount) t.status = 'reversed'
    const refund = {
      id: nextId++,
      integration: 100032,
      domain: 'test',
      transaction: { id: t.id, reference: t.reference, amount: t.amount, currency: t.currency },
      dispute: null,
      amount,
      deducted_amount: amount,
      currency: t.currency,
      channel: 'card',
      fully_deducted: true,
      refunded_by: 'api',
      merchant_note: typeof b.merchant_note === 'string' ? b.merchant_note : null,
      customer_note: typeof b.customer_note === 'string' ? b.customer_note : null,
      status: 'processed',
      expected_at: new Date().toISOString(),
      createdAt: new Date().toISOString(),
    }
    state.refunds.push(refund)
    await emit(c, 'refund.processed', {
      status: 'processed',
      transaction_reference: t.reference,
      refund_reference: String(refund.id),
      amount,
      currency: t.currency,
      processor: 'card',
      customer: { email: t.email },
      integration: 100032,
      domain: 'test',
    })
    return c.json({ status: true, message: 'Refund has been queued for processing', data: { ...refund, status: 'pending' } })
  })

  app.get('/refund', (c) => {
    const ref = c.req.query('reference')
    const data = state.refunds.filter((r) => !ref || r.transaction.reference === ref)
    return c.json({ status: true, message: 'Refunds retrieved', data, meta: { total: data.length, perPage: 100, page: 1 } })
  })

  /** The shopper paying (or being declined) on checkout.paystack.com. */
  async function checkout(
    c: Context,
    reference: string,
    outcome: string | undefined,
  ): Promise<{ error: string; status: 404 | 409 } | { transaction: FakeTransaction }> {
    const t = state.transactions.get(reference)
    if (!t) return { error: 'no such transaction', status: 404 }
    if (t.status !== 'ongoing' && t.status !== 'abandoned') return { error: `transaction is ${t.status}`, status: 409 }
    if (outcome === 'failed') {
      t.status = 'failed'
      t.gateway_response = 'Declined'
      await emit(c, 'charge.failed', txView(t))
    } else {
      t.status = 'success'
      t.gateway_response = 'Successful'
      t.paid_at = new Date().toISOString()
      await emit(c, 'charge.success', txView(t))
    }
    return { transaction: t }
  }

  app.post('/fake/checkout/:reference', async (c) => {
    const b = ((await c.req.json().catch(() => ({}))) ?? {}) as { outcome?: string }
    const done = await checkout(c, c.req.param('reference'), b.outcome)
    return 'error' in done ? c.json({ error: done.error }, done.status) : c.json(txView(done.transaction))
  })

  // The hosted page authorization_url points at when `hosted` (npm start).
  app.get('/fake/pay/:reference', (c) => {
    const t = state.transactions.get(c.req.param('reference'))
    if (!t) return c.text('no such transaction', 404)
    return hostedPage(c, {
      provider: 'Paystack',
      what: `Pay ${t.amount} ${t.currency} subunits for ${t.reference}`,
      outcomes: [
        ['success', 'Pay'],
        ['failed', 'Decline'],
      ],
    })
  })
  app.post('/fake/pay/:reference', async (c) => {
    const done = await checkout(c, c.req.param('reference'), await postedOutcome(c))
    if ('error' in done) return c.text(done.error, done.status)
    return hostedResult(c, { provider: 'Paystack', outcome: done.transaction.status === 'success' ? 'paid' : 'declined' })
  })

  return { app, state, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /paystack (the secret key from .dev.vars.example). */
export const paystackFake = createPaystackFake({ secretKey: 'sk_test_local_fake_paystack', hosted: true })
export default paystackFake.app
