import { Hono, type Context } from 'hono'

/**
 * A local fake of the parts of the Stripe API Edge Commerce uses, at Stripe's real paths with its
 * form-encoded requests, JSON shapes, error envelope and Idempotency-Key semantics:
 *
 *   POST /v1/payment_intents                 create (amount, currency, metadata[…], …)
 *   GET  /v1/payment_intents/:id             retrieve (includes client_secret, as with a secret key)
 *   POST /v1/payment_intents/:id/confirm     payment_method=pm_card_visa → succeeded,
 *                                            pm_card_chargeDeclined (or any *Declined*) → declined
 *   POST /v1/payment_intents/:id/cancel
 *   POST /v1/refunds                         payment_intent, amount?, reason?, metadata[…]
 *   GET  /v1/refunds?payment_intent=, GET /v1/refunds/:id, GET /v1/charges/:id
 *   GET  /v1/events, GET /v1/events/:id      every state change above records an event
 *
 * Refunds of a charge paid with Stripe's test method `pm_card_pendingRefund` start `pending`, as
 * at Stripe; `settleRefund(id, 'succeeded' | 'failed')` plays the provider finishing one later
 * (status changed, a failed one's amount given back to the charge, `charge.refund.updated` and
 * `refund.updated` recorded and delivered like any event).
 *
 * A request with an Idempotency-Key already seen (per API key) replays the first response with
 * `Idempotent-Replayed: true`; the same key with different parameters is a 400 idempotency_error.
 *
 * Events can be delivered like Stripe does: `createStripeFake({ webhook: { url, secret } })`, or for
 * the fakes Worker the bindings STRIPE_FAKE_WEBHOOK_URL + STRIPE_WEBHOOK_SECRET, make the fake POST
 * each event signed with `Stripe-Signature: t=…,v1=…` to that URL. `signStripePayload` is the
 * signer (tests and scripts/stripe-event.mjs use the same scheme).
 */

type Json = Record<string, unknown>
type Params = { [key: string]: string | Params | (string | Params)[] }

interface FakePaymentIntent extends Json {
  id: string
  amount: number
  amount_received: number
  currency: string
  status: string
  metadata: Record<string, string>
  latest_charge: string | null
  last_payment_error: Json | null
}

interface FakeCharge extends Json {
  id: string
  amount: number
  amount_refunded: number
  currency: string
  payment_intent: string
  refunded: boolean
  refunds: { object: 'list'; data: Json[]; has_more: boolean; total_count: number; url: string }
}

export interface StripeFakeState {
  paymentIntents: Map<string, FakePaymentIntent>
  charges: Map<string, FakeCharge>
  refunds: Map<string, Json>
  events: Json[]
  idempotency: Map<string, { fingerprint: string; status: number; body: Json }>
  /** Every request the fake answered: method, path, idempotency key. Handy for assertions. */
  requests: { method: string; path: string; idempotencyKey: string | null }[]
}

export interface StripeFakeOptions {
  /** Deliver every event, signed, to this endpoint (as a Stripe webhook endpoint would). */
  webhook?: { url: string; secret: string }
}

interface FakeBindings {
  STRIPE_FAKE_WEBHOOK_URL?: string
  STRIPE_WEBHOOK_SECRET?: string
}

const API_VERSION = '2026-10-28.endive'

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the endpoint secret>`, exactly like Stripe. */
export async function signStripePayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${timestamp}.${payload}`))
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `t=${timestamp},v1=${hex}`
}

/** A Stripe event object around `object`, shaped like the real thing. */
export function stripeEvent(type: string, object: Json, overrides: Partial<Json> = {}): Json {
  return {
    id: randomId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: randomId('req'), idempotency_key: null },
    type,
    ...overrides,
  }
}

function randomId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return `${prefix}_3Fake${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`
}

const now = () => Math.floor(Date.now() / 1000)

/** Parse Stripe's form encoding (`metadata[order_id]=x&expand[]=y`) into nested objects. */
export function parseStripeForm(body: string): Params {
  const out: Params = {}
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.replace(/\]/g, '').split('[')
    let node: Params = out
    parts.forEach((part, i) => {
      const last = i === parts.length - 1
      if (part === '') return
      if (last) {
        const existing = node[part]
        if (parts[i + 1] === '' || Array.isArray(existing)) node[part] = [...((existing as string[]) ?? []), value]
        else node[part] = value
      } else {
        node[part] = (typeof node[part] === 'object' && !Array.isArray(node[part]) ? node[part] : {}) as Params
        node = node[part] as Params
      }
    })
  }
  return out
}

/** The raw form body (decoded by hand: workerd warns when .text() reads a form-encoded body). */
async function bodyText(request: Request): Promise<string> {
  return new TextDecoder().decode(await request.arrayBuffer())
}

function stripeError(c: Context, status: 400 | 401 | 402 | 404 | 409, type: string, message: string, extra: Json = {}) {
  return c.json({ error: { type, message, request_log_url: null, ...extra } }, status)
}

/** A fresh fake with its own state (tests create one per file; the fakes Worker uses the default). */
export function createStripeFake(options: StripeFakeOptions = {}) {
  const state: StripeFakeState = {
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    events: [],
    idempotency: new Map(),
    requests: [],
  }
  const app = new Hono<{ Bindings: FakeBindings }>()
  const inFlight = new Set<string>()

  async function emit(c: Context<{ Bindings: FakeBindings }>, type: string, object: Json) {
    const event = stripeEvent(type, structuredClone(object))
    state.events.unshift(event)
    const env = (c.env ?? {}) as FakeBindings
    const target =
      options.webhook ??
      (env.STRIPE_FAKE_WEBHOOK_URL && env.STRIPE_WEBHOOK_SECRET
        ? { url: env.STRIPE_FAKE_WEBHOOK_URL, secret: env.STRIPE_WEBHOOK_SECRET }
        : undefined)
    if (target) {
      const payload = JSON.stringify(event)
      const delivery = signStripePayload(payload, target.secret).then((signature) =>
        fetch(target.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
          body: payload,
        }).catch((err) => console.warn(JSON.stringify({ level: 'warn', msg: 'fake stripe webhook delivery failed', error: String(err) }))),
      )
      try {
        c.executionCtx.waitUntil(delivery)
      } catch {
        await delivery // no execution context (app.request in tests): deliver inline
      }
    }
  }

  // Authentication, request log and Idempotency-Key replay, like api.stripe.com.
  app.use('/v1/*', async (c, next) => {
    const auth = c.req.header('Authorization') ?? ''
    const key = /^Bearer\s+(sk_(test|live)_\S+)$/.exec(auth)?.[1]
    const idemKey = c.req.header('Idempotency-Key') ?? null
    state.requests.push({ method: c.req.method, path: c.req.path, idempotencyKey: idemKey })
    if (!key) {
      return stripeError(c, 401, 'invalid_request_error', 'You did not provide an API key. Provide it as a Bearer token.')
    }
    if (c.req.method !== 'POST' || !idemKey) return next()
    const body = await bodyText(c.req.raw.clone())
    const fingerprint = `${c.req.path}\n${body}`
    const scoped = `${key}\n${idemKey}`
    const seen = state.idempotency.get(scoped)
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return stripeError(
          c,
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
        )
      }
      c.header('Idempotent-Replayed', 'true')
      c.header('Idempotency-Key', idemKey)
      return c.json(seen.body, seen.status as 200)
    }
    if (inFlight.has(scoped)) {
      return stripeError(
        c,
        409,
        'idempotency_error',
        `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${idemKey}. Please try again later.`,
      )
    }
    inFlight.add(scoped)
    try {
      await next()
      // Stripe stores the outcome of requests that reached it, errors included (but not 409/429/5xx).
      if (c.res.status < 500 && c.res.status !== 409 && c.res.status !== 429) {
        const stored = (await c.res.clone().json()) as Json
        state.idempotency.set(scoped, { fingerprint, status: c.res.status, body: stored })
      }
    } finally {
      inFlight.delete(scoped)
    }
    c.header('Idempotency-Key', idemKey)
  })

  app.post('/v1/payment_intents', async (c) => {
    const p = parseStripeForm(await bodyText(c.req.raw))
    const amount = Number(p.amount)
    if (!Number.isSafeInteger(amount) || amount < 1) {
      return stripeError(c, 400, 'invalid_request_error', 'Invalid positive integer', {
        param: 'amount',
        code: 'parameter_invalid_integer',
      })
    }
    if (typeof p.currency !== 'string' || !/^[a-z]{3}$/.test(p.currency)) {
      return stripeError(c, 400, 'invalid_request_error', 'Invalid currency', { param: 'currency', code: 'parameter_invalid_string' })
    }
    const id = randomId('pi')
    const pi: FakePaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: p.automatic_payment_methods ? { enabled: true, allow_redirects: 'always' } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic_async',
      client_secret: `${id}_secret_${randomId('s').slice(2, 27)}`,
      confirmation_method: 'automatic',
      created: now(),
      currency: p.currency,
      customer: null,
      description: typeof p.description === 'string' ? p.description : null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: (p.metadata as Record<string, string>) ?? {},
      next_action: null,
      payment_method: null,
      payment_method_types: ['card'],
      receipt_email: typeof p.receipt_email === 'string' ? p.receipt_email : null,
      status: 'requires_payment_method',
    }
    state.paymentIntents.set(id, pi)
    await emit(c, 'payment_intent.created', pi)
    return c.json(pi)
  })

  app.get('/v1/payment_intents/:id', (c) => {
    const pi = state.paymentIntents.get(c.req.param('id'))
    if (!pi) return noSuch(c, 'payment_intent', c.req.param('id'))
    return c.json(pi)
  })

  app.post('/v1/payment_intents/:id/confirm', async (c) => {
    const pi = state.paymentIntents.get(c.req.param('id'))
    if (!pi) return noSuch(c, 'payment_intent', c.req.param('id'))
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      return stripeError(c, 400, 'invalid_request_error', `This PaymentIntent's status is ${pi.status}, so it cannot be confirmed.`, {
        code: 'payment_intent_unexpected_state',
      })
    }
    const p = parseStripeForm(await bodyText(c.req.raw))
    const method = typeof p.payment_method === 'string' ? p.payment_method : 'pm_card_visa'
    pi.payment_method = method
    if (/declined/i.test(method)) {
      pi.status = 'requires_payment_method'
      pi.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      }
      await emit(c, 'payment_intent.payment_failed', pi)
      return c.json(pi)
    }
    const charge: FakeCharge = {
      id: randomId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: pi.amount,
      amount_refunded: 0,
      captured: true,
      created: now(),
      currency: pi.currency,
      metadata: pi.metadata,
      paid: true,
      payment_intent: pi.id,
      payment_method: method,
      refunded: false,
      refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
      status: 'succeeded',
    }
    charge.refunds.url = `/v1/charges/${charge.id}/refunds`
    state.charges.set(charge.id, charge)
    pi.status = 'succeeded'
    pi.amount_received = pi.amount
    pi.latest_charge = charge.id
    pi.last_payment_error = null
    await emit(c, 'charge.succeeded', charge)
    await emit(c, 'payment_intent.succeeded', pi)
    return c.json(pi)
  })

  app.post('/v1/payment_intents/:id/cancel', async (c) => {
    const pi = state.paymentIntents.get(c.req.param('id'))
    if (!pi) return noSuch(c, 'payment_intent', c.req.param('id'))
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      return stripeError(
        c,
        400,
        'invalid_request_error',
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
        { code: 'payment_intent_unexpected_state' },
      )
    }
    const p = parseStripeForm(await bodyText(c.req.raw))
    pi.status = 'canceled'
    pi.canceled_at = now()
    pi.cancellation_reason = typeof p.cancellation_reason === 'string' ? p.cancellation_reason : null
    await emit(c, 'payment_intent.canceled', pi)
    return c.json(pi)
  })

  app.post('/v1/refunds', async (c) => {
    const p = parseStripeForm(await bodyText(c.req.raw))
    const piId = typeof p.payment_intent === 'string' ? p.payment_intent : undefined
    const chargeId = typeof p.charge === 'string' ? p.charge : piId ? state.paymentIntents.get(piId)?.latest_charge : undefined
    const charge = chargeId ? state.charges.get(chargeId) : undefined
    if (!charge) {
      if (piId && state.paymentIntents.has(piId)) {
        return stripeError(c, 400, 'invalid_request_error', `This PaymentIntent (${piId}) does not have a successful charge to refund.`, {
          code: 'charge_not_refundable',
        })
      }
      return noSuch(c, piId ? 'payment_intent' : 'charge', piId ?? String(p.charge ?? ''))
    }
    const remaining = charge.amount - charge.amount_refunded
    if (remaining <= 0) {
      return stripeError(c, 400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, {
        code: 'charge_already_refunded',
      })
    }
    const amount = p.amount === undefined ? remaining : Number(p.amount)
    if (!Number.isSafeInteger(amount) || amount < 1) {
      return stripeError(c, 400, 'invalid_request_error', 'Invalid positive integer', {
        param: 'amount',
        code: 'parameter_invalid_integer',
      })
    }
    if (amount > remaining) {
      return stripeError(
        c,
        400,
        'invalid_request_error',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        { param: 'amount', code: 'amount_too_large' },
      )
    }
    const refund: Json = {
      id: randomId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: (p.metadata as Record<string, string>) ?? {},
      payment_intent: charge.payment_intent,
      reason: typeof p.reason === 'string' ? p.reason : null,
      receipt_number: null,
      // https://docs.stripe.com/testing#refunds: this test card's refunds stay pending until Stripe settles them.
      status: charge.payment_method === 'pm_card_pendingRefund' ? 'pending' : 'succeeded',
      ...(charge.payment_method === 'pm_card_pendingRefund' ? { pending_reason: 'processing' } : {}),
    }
    state.refunds.set(refund.id as string, refund)
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded === charge.amount
    charge.refunds.data.unshift(refund)
    charge.refunds.total_count += 1
    await emit(c, 'refund.created', refund)
    await emit(c, 'charge.refunded', charge)
    return c.json(refund)
  })

  app.get('/v1/refunds', (c) => {
    const pi = c.req.query('payment_intent')
    const limit = Math.min(Number(c.req.query('limit') ?? 10) || 10, 100)
    const matching = [...state.refunds.values()].filter((r) => !pi || r.payment_intent === pi).reverse()
    return c.json({ object: 'list', url: '/v1/refunds', has_more: matching.length > limit, data: matching.slice(0, limit) })
  })

  app.get('/v1/refunds/:id', (c) => {
    const refund = state.refunds.get(c.req.param('id'))
    return refund ? c.json(refund) : noSuch(c, 'refund', c.req.param('id'))
  })

  app.get('/v1/charges/:id', (c) => {
    const charge = state.charges.get(c.req.param('id'))
    return charge ? c.json(charge) : noSuch(c, 'charge', c.req.param('id'))
  })

  app.get('/v1/events/:id', (c) => {
    const event = state.events.find((e) => e.id === c.req.param('id'))
    return event ? c.json(event) : noSuch(c, 'event', c.req.param('id'))
  })

  app.get('/v1/events', (c) => {
    const type = c.req.query('type')
    const limit = Math.min(Number(c.req.query('limit') ?? 10) || 10, 100)
    const matching = state.events.filter((e) => !type || e.type === type)
    return c.json({ object: 'list', url: '/v1/events', has_more: matching.length > limit, data: matching.slice(0, limit) })
  })

  app.all('/v1/*', (c) => stripeError(c, 404, 'invalid_request_error', `Unrecognized request URL (${c.req.method}: ${c.req.path}).`))

  /**
   * The provider finishing a pending refund: `succeeded`, or `failed` (its amount goes back to the
   * charge, with Stripe's failure_reason). Records (and delivers, when configured) the events.
   */
  async function settleRefund(id: string, status: 'succeeded' | 'failed', failureReason = 'expired_or_canceled_card') {
    const refund = state.refunds.get(id)
    if (!refund || refund.status !== 'pending') throw new Error(`no pending refund ${id}`)
    refund.status = status
    delete refund.pending_reason
    const charge = state.charges.get(refund.charge as string)
    if (status === 'failed') {
      refund.failure_reason = failureReason
      if (charge) {
        charge.amount_refunded -= refund.amount as number
        charge.refunded = charge.amount_refunded === charge.amount
      }
    }
    if (charge) charge.refunds.data = charge.refunds.data.map((r) => (r.id === id ? refund : r))
    const ctx = {
      env: {},
      get executionCtx(): ExecutionContext {
        throw new Error('no execution context')
      },
    }
    await emit(ctx as unknown as Context<{ Bindings: FakeBindings }>, 'charge.refund.updated', refund)
    await emit(ctx as unknown as Context<{ Bindings: FakeBindings }>, 'refund.updated', refund)
    return refund
  }

  return { app, state, settleRefund, fetch: (request: Request) => app.fetch(request) }
}

function noSuch(c: Context, kind: string, id: string) {
  return stripeError(c, 404, 'invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' })
}

/** The fake the fakes Worker mounts at /stripe. */
export const stripeFake = createStripeFake()
export default stripeFake.app
