import { Hono, type Context } from 'hono'
import { hostedPage, hostedResult, mountOf, post, postedOutcome, webhookTarget } from './hosted-checkout'

/**
 * A local fake of the Chapa API parts Edge Commerce uses, at Chapa's paths with its
 * `{ message, status, data }` envelope:
 *
 *   POST /v1/transaction/initialize      { amount ("100.00"), currency, email, tx_ref, meta }
 *   GET  /v1/transaction/verify/:tx_ref
 *   POST /v1/refund/:tx_ref              { amount, reason, reference, meta }
 *
 * The shopper on the hosted page is `POST /fake/checkout/:tx_ref` with `{"outcome":"success"}` or
 * `{"outcome":"failed"}`. Every change records a webhook event in `state.deliveries` signed like Chapa
 * does (`x-chapa-signature`: hex HMAC-SHA256 of the body keyed by the webhook secret hash;
 * `Chapa-Signature`: the same HMAC of the hash itself), POSTed to `webhook.url`, CHAPA_FAKE_WEBHOOK_URL or
 * FAKE_WEBHOOKS_BASE_URL + /webhooks/chapa (hosted-checkout.ts). With `hosted`, checkout_url is this
 * fake's own page (GET /fake/pay/:tx_ref), so `npm start` completes a payment.
 */

type Json = Record<string, unknown>

interface FakeTransaction {
  tx_ref: string
  reference: string
  amount: string
  currency: string
  email: string | null
  status: 'pending' | 'success' | 'failed'
  refunded: number
  meta: Json
  created_at: string
}

export interface ChapaDelivery {
  event: Json
  body: string
  headers: Record<string, string>
}

async function hmacHex(secret: string, data: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)))
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function signChapa(body: string, secret: string) {
  return { 'x-chapa-signature': await hmacHex(secret, body), 'Chapa-Signature': await hmacHex(secret, secret) }
}

export function createChapaFake(options: { secretKey?: string; webhookSecret?: string; webhook?: { url: string }; hosted?: boolean } = {}) {
  const secretKey = options.secretKey ?? 'CHASECK_TEST-vitest'
  const webhookSecret = options.webhookSecret ?? 'chapa-vitest-webhook-hash'
  const state = {
    transactions: new Map<string, FakeTransaction>(),
    refunds: [] as Json[],
    deliveries: [] as ChapaDelivery[],
    requests: [] as { method: string; path: string }[],
  }
  const app = new Hono()
  const fail = (c: Context, status: 400 | 401 | 404, message: string | Json) => c.json({ message, status: 'failed', data: null }, status)

  async function emit(c: Context, payload: Json) {
    const body = JSON.stringify(payload)
    const headers = await signChapa(body, webhookSecret)
    state.deliveries.push({ event: payload, body, headers })
    const url = webhookTarget(c, 'chapa', options.webhook?.url)
    if (url) await post(c, url, body, headers)
  }

  const view = (t: FakeTransaction) => ({
    first_name: null,
    last_name: null,
    email: t.email,
    currency: t.currency,
    amount: Number(t.amount),
    charge: Number((Number(t.amount) * 0.035).toFixed(2)),
    mode: 'test',
    method: 'telebirr',
    type: 'API',
    status: t.status,
    reference: t.reference,
    tx_ref: t.tx_ref,
    customization: { title: null, description: null, logo: null },
    meta: t.meta,
    created_at: t.created_at,
    updated_at: new Date().toISOString(),
  })

  app.use('*', async (c, next) => {
    state.requests.push({ method: c.req.method, path: c.req.path })
    if (c.req.path.includes('/fake/')) return next()
    if (c.req.header('Authorization') !== `Bearer ${secretKey}`) return fail(c, 401, "Invalid API Key or User doesn't exist")
    return next()
  })

  app.post('/v1/transaction/initialize', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Json
    const amount = String(b.amount ?? '')
    if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) return fail(c, 400, { amount: ['The amount must be a number.'] })
    if (!['ETB', 'USD'].includes(String(b.currency))) return fail(c, 400, { currency: ['The selected currency is invalid.'] })
    const txRef = String(b.tx_ref ?? '')
    if (!txRef) return fail(c, 400, { tx_ref: ['The tx ref field is required.'] })
    if (state.transactions.has(txRef)) return fail(c, 400, 'Transaction reference has been used before')
    state.transactions.set(txRef, {
      tx_ref: txRef,
      reference: `AP${crypto.randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      amount: Number(amount).toFixed(2),
      currency: String(b.currency),
      email: typeof b.email === 'string' ? b.email : null,
      status: 'pending',
      refunded: 0,
      meta: (b.meta as Json) ?? {},
      created_at: new Date().toISOString(),
    })
    const page = options.hosted
      ? `${mountOf(c, '/v1/transaction/initialize')}/fake/pay/${encodeURIComponent(txRef)}`
      : `https://checkout.chapa.co/checkout/payment/${crypto.randomUUID()}`
    return c.json({ message: 'Hosted Link', status: 'success', data: { checkout_url: page } })
  })

  app.get('/v1/transaction/verify/:txRef', (c) => {
    const t = state.transactions.get(c.req.param('txRef'))
    if (!t) return fail(c, 404, 'Invalid transaction or Transaction not found')
    return c.json({ message: 'Payment details', status: 'success', data: view(t) })
  })

  app.post('/v1/refund/:txRef', async (c) => {
    const t = state.transactions.get(c.req.param('txRef'))
    if (!t) return fail(c, 404, 'Transaction not found')
    if (t.status !== 'success') return fail(c, 400, 'Only successful transactions can be refunded')
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Json
    const cents = Math.round(Number(t.amount) * 100)
    const amount = b.amount === undefined ? cents - t.refunded : Math.round(Number(b.amount) * 100)
    if (!(amount > 0) || t.refunded + amount > cents) return fail(c, 400, 'Refund amount exceeds the refundable amount')
    const reference = typeof b.reference === 'string' ? b.reference : undefined
    const earlier = reference ? state.refunds.find((r) => r.reference === reference) : undefined
    if (earlier) return c.json({ message: 'Refund processed successfully', status: 'success', data: earlier })
    t.refunded += amount
    const refund = {
      refund_reference: `RF${crypto.randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      reference,
      tx_ref: t.tx_ref,
      amount: (amount / 100).toFixed(2),
      currency: t.currency,
      status: 'success',
      meta: b.meta ?? {},
    }
    state.refunds.push(refund)
    return c.json({ message: 'Refund processed successfully', status: 'success', data: refund })
  })

  /** The shopper paying (or failing) on checkout.chapa.co. */
  async function checkout(
    c: Context,
    txRef: string,
    outcome: string | undefined,
  ): Promise<{ error: string; status: 404 | 409 } | { transaction: FakeTransaction }> {
    const t = state.transactions.get(txRef)
    if (!t) return { error: 'no such transaction', status: 404 }
    if (t.status !== 'pending') return { error: `transaction is ${t.status}`, status: 409 }
    t.status = outcome === 'failed' ? 'failed' : 'success'
    await emit(c, { event: t.status === 'success' ? 'charge.success' : 'charge.failed/cancelled', ...view(t) })
    return { transaction: t }
  }

  app.post('/fake/checkout/:txRef', async (c) => {
    const b = ((await c.req.json().catch(() => ({}))) ?? {}) as { outcome?: string }
    const done = await checkout(c, c.req.param('txRef'), b.outcome)
    return 'error' in done ? c.json({ error: done.error }, done.status) : c.json(view(done.transaction))
  })

  // The hosted page checkout_url points at when `hosted` (npm start).
  app.get('/fake/pay/:txRef', (c) => {
    const t = state.transactions.get(c.req.param('txRef'))
    if (!t) return c.text('no such transaction', 404)
    return hostedPage(c, {
      provider: 'Chapa',
      what: `Pay ${t.amount} ${t.currency} for ${t.tx_ref}`,
      outcomes: [
        ['success', 'Pay'],
        ['failed', 'Cancel'],
      ],
    })
  })
  app.post('/fake/pay/:txRef', async (c) => {
    const done = await checkout(c, c.req.param('txRef'), await postedOutcome(c))
    if ('error' in done) return c.text(done.error, done.status)
    return hostedResult(c, { provider: 'Chapa', outcome: done.transaction.status === 'success' ? 'paid' : 'failed' })
  })

  return { app, state, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /chapa (keys from .dev.vars.example). */
export const chapaFake = createChapaFake({ secretKey: 'CHASECK_TEST-localfake', webhookSecret: 'local-fake-chapa-hash', hosted: true })
export default chapaFake.app
