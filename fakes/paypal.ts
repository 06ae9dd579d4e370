import { Hono, type Context } from 'hono'
import { hostedPage, hostedResult, mountOf, post, postedOutcome, webhookTarget } from './hosted-checkout'

/**
 * A local fake of the PayPal REST APIs Edge Commerce uses, at PayPal's paths with its JSON shapes,
 * error envelope (name, message, debug_id, details[].issue) and PayPal-Request-Id idempotency:
 *
 *   POST /v1/oauth2/token                              Basic client_id:secret, grant_type=client_credentials
 *   POST /v2/checkout/orders                           intent CAPTURE → PAYER_ACTION_REQUIRED + payer-action link
 *   GET  /v2/checkout/orders/:id
 *   POST /v2/checkout/orders/:id/capture               APPROVED → COMPLETED (capture COMPLETED or DECLINED)
 *   GET  /v2/payments/captures/:id                     with supplementary_data.related_ids.order_id
 *   POST /v2/payments/captures/:id/refund
 *   POST /v1/notifications/verify-webhook-signature    SUCCESS only for deliveries this fake signed
 *
 * The buyer's side (approving on paypal.com) is `POST /fake/buyer/:orderId/approve` with
 * `{ "funding": "ok" | "declined" }`; it records CHECKOUT.ORDER.APPROVED. Every event is recorded
 * in `state.events` with the PAYPAL-* headers of a signed delivery, and POSTed to `webhook.url`
 * (or the PAYPAL_FAKE_WEBHOOK_URL binding) when set. PayPal signs with RSA (SHA256withRSA over
 * "transmission_id|transmission_time|webhook_id|crc32(body)"); this fake signs the same string with
 * an HMAC only it knows, and its verify endpoint checks that, so a forged or altered delivery fails
 * verification exactly as with PayPal.
 */

type Json = Record<string, unknown>
interface Money {
  currency_code: string
  value: string
}

interface FakeOrder {
  id: string
  status: 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED'
  intent: string
  create_time: string
  update_time: string
  purchase_units: {
    reference_id: string
    custom_id?: string
    invoice_id?: string
    description?: string
    amount: Money
    payments?: { captures: Json[]; refunds: Json[] }
  }[]
  funding: 'ok' | 'declined'
  links: { href: string; rel: string; method: string }[]
}

export interface PaypalDelivery {
  event: Json
  body: string
  headers: Record<string, string>
}

export interface PaypalFakeOptions {
  clientId?: string
  clientSecret?: string
  /** The webhook id deliveries are signed for (PAYPAL_WEBHOOK_ID on our side). */
  webhookId?: string
  webhook?: { url: string }
  /** payer-action links to this fake's own approval page (GET /fake/pay/:id), for npm start. */
  hosted?: boolean
}

const SIGNING_KEY = 'paypal-fake-signing-key'

function crc32(text: string): number {
  let crc = 0xffffffff
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return (crc ^ 0xffffffff) >>> 0
}

async function hmacBase64(data: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SIGNING_KEY), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)))
  return btoa(String.fromCharCode(...mac))
}

/** The PAYPAL-* headers of a delivery of `body` for `webhookId`, sent at `time`. */
export async function signPaypalDelivery(body: string, webhookId: string, time = new Date().toISOString()) {
  const transmissionId = crypto.randomUUID()
  const event = JSON.parse(body) as Json
  const sig = await hmacBase64(`${transmissionId}|${time}|${webhookId}|${crc32(JSON.stringify(event))}`)
  return {
    'PAYPAL-TRANSMISSION-ID': transmissionId,
    'PAYPAL-TRANSMISSION-TIME': time,
    'PAYPAL-TRANSMISSION-SIG': sig,
    'PAYPAL-CERT-URL': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-fake',
    'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
  }
}

const id = (n = 17) => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'
  return [...crypto.getRandomValues(new Uint8Array(n))].map((b) => alphabet[b % alphabet.length]).join('')
}

const decimals = (currency: string) => (['HUF', 'JPY', 'TWD'].includes(currency) ? 0 : 2)
const toCents = (m: Money) => Math.round(Number(m.value) * 10 ** decimals(m.currency_code))
const fromCents = (n: number, currency: string) => (n / 10 ** decimals(currency)).toFixed(decimals(currency))

function error(c: Context, status: 400 | 401 | 404 | 422, name: string, issue: string, description: string) {
  return c.json(
    {
      name,
      message:
        status === 422
          ? 'The requested action could not be performed, semantically incorrect, or failed business validation.'
          : description,
      debug_id: id(13).toLowerCase(),
      details: [{ issue, description }],
      links: [{ href: `https://developer.paypal.com/docs/api/orders/v2/#error-${issue}`, rel: 'information_link', method: 'GET' }],
    },
    status,
  )
}

export function createPaypalFake(options: PaypalFakeOptions = {}) {
  const clientId = options.clientId ?? 'paypal-vitest-client'
  const clientSecret = options.clientSecret ?? 'paypal-vitest-secret'
  const webhookId = options.webhookId ?? 'WH-VITEST-0000000000'
  const state = {
    orders: new Map<string, FakeOrder>(),
    captures: new Map<string, Json & { order_id: string; amount: Money; refunded: number }>(),
    tokens: new Set<string>(),
    requestIds: new Map<string, { status: number; body: Json }>(),
    deliveries: [] as PaypalDelivery[],
    requests: [] as { method: string; path: string; requestId: string | null }[],
  }
  const app = new Hono<{ Bindings: { PAYPAL_FAKE_WEBHOOK_URL?: string } }>()

  async function emit(c: Context, eventType: string, resourceType: string, resource: Json, summary: string) {
    const event = {
      id: `WH-${id(8)}-${id(17)}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: eventType,
      summary,
      resource: structuredClone(resource),
      links: [],
    }
    const body = JSON.stringify(event)
    const headers = await signPaypalDelivery(body, webhookId)
    state.deliveries.push({ event, body, headers })
    const url = webhookTarget(c, 'paypal', options.webhook?.url)
    if (url) await post(c, url, body, headers)
  }

  const view = (o: FakeOrder) => {
    const { funding: _funding, ...rest } = o
    return rest
  }

  app.post('/v1/oauth2/token', async (c) => {
    state.requests.push({ method: 'POST', path: c.req.path, requestId: null })
    const auth = c.req.header('Authorization') ?? ''
    const body = new TextDecoder().decode(await c.req.raw.arrayBuffer())
    if (auth !== `Basic ${btoa(`${clientId}:${clientSecret}`)}`) {
      return c.json({ error: 'invalid_client', error_description: 'Client Authentication failed' }, 401)
    }
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
      return c.json({ error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' }, 400)
    }
    const token = `A21AA${id(40)}`
    state.tokens.add(token)
    return c.json({
      scope: 'https://uri.paypal.com/services/payments/payment',
      access_token: token,
      token_type: 'Bearer',
      app_id: 'APP-80W284485P519543T',
      expires_in: 32400,
      nonce: `${new Date().toISOString()}${id(8)}`,
    })
  })

  // Bearer auth and PayPal-Request-Id replay for the REST calls.
  app.use('/v*', async (c, next) => {
    if (c.req.path === '/v1/oauth2/token') return next()
    const requestId = c.req.header('PayPal-Request-Id') ?? null
    state.requests.push({ method: c.req.method, path: c.req.path, requestId })
    const token = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
    if (!token || !state.tokens.has(token)) {
      return c.json({ error: 'invalid_token', error_description: 'Token signature verification failed' }, 401)
    }
    if (c.req.method !== 'POST' || !requestId) return next()
    const key = `${c.req.path}\n${requestId}`
    const seen = state.requestIds.get(key)
    if (seen) return c.json(seen.body, seen.status as 200)
    await next()
    if (c.res.status < 500) state.requestIds.set(key, { status: c.res.status, body: (await c.res.clone().json()) as Json })
  })

  app.post('/v2/checkout/orders', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Json | null
    const units = (body?.purchase_units as FakeOrder['purchase_units'] | undefined) ?? []
    if (body?.intent !== 'CAPTURE' && body?.intent !== 'AUTHORIZE')
      return error(c, 400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', 'intent is required')
    const amount = units[0]?.amount
    if (!amount || !/^[A-Z]{3}$/.test(amount.currency_code ?? '') || !/^\d+(\.\d+)?$/.test(amount.value ?? '')) {
      return error(c, 400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE', 'purchase_units[0].amount is invalid')
    }
    const dp = amount.value.split('.')[1]?.length ?? 0
    if (dp > decimals(amount.currency_code) || (decimals(amount.currency_code) === 0 && dp > 0)) {
      return error(
        c,
        422,
        'UNPROCESSABLE_ENTITY',
        'DECIMAL_PRECISION',
        'If the currency supports decimals, only two decimal place precision is supported.',
      )
    }
    const orderId = id(17)
    const now = new Date().toISOString()
    const order: FakeOrder = {
      id: orderId,
      status: 'PAYER_ACTION_REQUIRED',
      intent: body.intent as string,
      create_time: now,
      update_time: now,
      purchase_units: units.map((u, i) => ({ ...u, reference_id: u.reference_id ?? (i === 0 ? 'default' : String(i)) })),
      funding: 'ok',
      links: [
        { href: `https://api.sandbox.paypal.com/v2/checkout/orders/${orderId}`, rel: 'self', method: 'GET' },
        {
          href: options.hosted
            ? `${mountOf(c, '/v2/checkout/orders')}/fake/pay/${orderId}`
            : `https://www.sandbox.paypal.com/checkoutnow?token=${orderId}`,
          rel: 'payer-action',
          method: 'GET',
        },
      ],
    }
    state.orders.set(orderId, order)
    return c.json(
      { id: orderId, status: order.status, payment_source: { paypal: {} }, links: order.links, purchase_units: order.purchase_units },
      200,
    )
  })

  app.get('/v2/checkout/orders/:id', (c) => {
    const order = state.orders.get(c.req.param('id'))
    if (!order)
      return error(
        c,
        404,
        'RESOURCE_NOT_FOUND',
        'INVALID_RESOURCE_ID',
        'Specified resource ID does not exist. Please check the resource ID and try again.',
      )
    return c.json(view(order))
  })

  app.post('/v2/checkout/orders/:id/capture', async (c) => {
    const order = state.orders.get(c.req.param('id'))
    if (!order) return error(c, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.')
    if (order.status === 'COMPLETED')
      return error(
        c,
        422,
        'UNPROCESSABLE_ENTITY',
        'ORDER_ALREADY_CAPTURED',
        "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
      )
    if (order.status !== 'APPROVED')
      return error(c, 422, 'UNPROCESSABLE_ENTITY', 'ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.')
    const unit = order.purchase_units[0]!
    const captureId = id(17)
    const declined = order.funding === 'declined'
    const capture = {
      id: captureId,
      status: declined ? 'DECLINED' : 'COMPLETED',
      amount: unit.amount,
      final_capture: true,
      custom_id: unit.custom_id,
      invoice_id: unit.invoice_id,
      seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
      ...(declined ? { status_details: { reason: 'DECLINED_BY_PROCESSOR' } } : {}),
      create_time: new Date().toISOString(),
      update_time: new Date().toISOString(),
      links: [
        { href: `https://api.sandbox.paypal.com/v2/payments/captures/${captureId}`, rel: 'self', method: 'GET' },
        { href: `https://api.sandbox.paypal.com/v2/payments/captures/${captureId}/refund`, rel: 'refund', method: 'POST' },
        { href: `https://api.sandbox.paypal.com/v2/checkout/orders/${order.id}`, rel: 'up', method: 'GET' },
      ],
    }
    state.captures.set(captureId, { ...capture, order_id: order.id, refunded: 0 })
    unit.payments = { captures: [capture], refunds: [] }
    order.status = 'COMPLETED'
    order.update_time = new Date().toISOString()
    const resource = { ...capture, supplementary_data: { related_ids: { order_id: order.id } } }
    if (declined)
      await emit(
        c,
        'PAYMENT.CAPTURE.DECLINED',
        'capture',
        resource,
        `Payment capture for ${unit.amount.value} ${unit.amount.currency_code} was declined`,
      )
    else
      await emit(
        c,
        'PAYMENT.CAPTURE.COMPLETED',
        'capture',
        resource,
        `Payment completed for ${unit.amount.value} ${unit.amount.currency_code}`,
      )
    return c.json(view(order), 201)
  })

  app.get('/v2/payments/captures/:id', (c) => {
    const capture = state.captures.get(c.req.param('id'))
    if (!capture) return error(c, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.')
    const { order_id, refunded: _r, ...rest } = capture
    return c.json({ ...rest, supplementary_data: { related_ids: { order_id } } })
  })

  app.post('/v2/payments/captures/:id/refund', async (c) => {
    const capture = state.captures.get(c.req.param('id'))
    if (!capture) return error(c, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.')
    if (capture.status === 'DECLINED')
      return error(c, 422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded')
    const body = ((await c.req.json().catch(() => ({}))) ?? {}) as {
      amount?: Money
      invoice_id?: string
      custom_id?: string
      note_to_payer?: string
    }
    const total = toCents(capture.amount)
    const amount = body.amount ? toCents(body.amount) : total - capture.refunded
    if (body.amount && body.amount.currency_code !== capture.amount.currency_code) {
      return error(c, 422, 'UNPROCESSABLE_ENTITY', 'CURRENCY_MISMATCH', 'Currency of capture must be the same as currency of refund.')
    }
    if (!(amount > 0) || capture.refunded + amount > total) {
      return error(
        c,
        422,
        'UNPROCESSABLE_ENTITY',
        'REFUND_AMOUNT_EXCEEDED',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
      )
    }
    capture.refunded += amount
    capture.status = capture.refunded === total ? 'REFUNDED' : 'PARTIALLY_REFUNDED'
    const refundId = id(17)
    const refund = {
      id: refundId,
      status: 'COMPLETED',
      amount: { currency_code: capture.amount.currency_code, value: fromCents(amount, capture.amount.currency_code) },
      ...(body.invoice_id ? { invoice_id: body.invoice_id } : {}),
      ...(body.custom_id ? { custom_id: body.custom_id } : {}),
      ...(body.note_to_payer ? { note_to_payer: body.note_to_payer } : {}),
      create_time: new Date().toISOString(),
      update_time: new Date().toISOString(),
      links: [
        { href: `https://api.sandbox.paypal.com/v2/payments/refunds/${refundId}`, rel: 'self', method: 'GET' },
        { href: `https://api.sandbox.paypal.com/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' },
      ],
    }
    const order = state.orders.get(capture.order_id)
    const payments = order?.purchase_units[0]?.payments
    if (payments) {
      payments.refunds.push(refund)
      const stored = payments.captures.find((x) => x.id === capture.id)
      if (stored) stored.status = capture.status
    }
    await emit(
      c,
      'PAYMENT.CAPTURE.REFUNDED',
      'refund',
      refund,
      `A ${refund.amount.value} ${refund.amount.currency_code} capture payment was refunded`,
    )
    return c.json(refund, 201)
  })

  app.post('/v1/notifications/verify-webhook-signature', async (c) => {
    const b = (await c.req.json().catch(() => null)) as Record<string, unknown> | null
    const required = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id', 'webhook_event']
    const missing = required.filter((k) => !b?.[k])
    if (!b || missing.length) return error(c, 400, 'VALIDATION_ERROR', 'MISSING_REQUIRED_PARAMETER', `missing: ${missing.join(', ')}`)
    const expected = await hmacBase64(
      `${b.transmission_id}|${b.transmission_time}|${b.webhook_id}|${crc32(JSON.stringify(b.webhook_event))}`,
    )
    const ok = b.transmission_sig === expected && b.webhook_id === webhookId
    return c.json({ verification_status: ok ? 'SUCCESS' : 'FAILURE' })
  })

  /** The buyer approving (or having their funding refused) on paypal.com. */
  async function approve(
    c: Context,
    orderId: string,
    funding: string | undefined,
  ): Promise<{ error: string; status: 404 | 409 } | { order: FakeOrder }> {
    const order = state.orders.get(orderId)
    if (!order) return { error: 'no such order', status: 404 }
    if (order.status !== 'PAYER_ACTION_REQUIRED' && order.status !== 'CREATED') return { error: `order is ${order.status}`, status: 409 }
    order.funding = funding === 'declined' ? 'declined' : 'ok'
    order.status = 'APPROVED'
    order.update_time = new Date().toISOString()
    await emit(c, 'CHECKOUT.ORDER.APPROVED', 'checkout-order', view(order), 'An order has been approved by buyer')
    return { order }
  }

  app.post('/fake/buyer/:id/approve', async (c) => {
    const body = ((await c.req.json().catch(() => ({}))) ?? {}) as { funding?: 'ok' | 'declined' }
    const done = await approve(c, c.req.param('id'), body.funding)
    return 'error' in done ? c.json({ error: done.error }, done.status) : c.json(view(done.order))
  })

  // The approval page payer-action points at when `hosted` (npm start).
  app.get('/fake/pay/:id', (c) => {
    const order = state.orders.get(c.req.param('id'))
    if (!order) return c.text('no such order', 404)
    const amount = order.purchase_units[0]?.amount
    return hostedPage(c, {
      provider: 'PayPal',
      what: `Approve ${amount?.value} ${amount?.currency_code} (PayPal order ${order.id})`,
      outcomes: [
        ['ok', 'Pay with PayPal'],
        ['declined', 'Pay with a card that is declined'],
      ],
    })
  })
  app.post('/fake/pay/:id', async (c) => {
    const done = await approve(c, c.req.param('id'), await postedOutcome(c))
    if ('error' in done) return c.text(done.error, done.status)
    return hostedResult(c, { provider: 'PayPal', outcome: 'approved' })
  })

  app.all('*', (c) => error(c, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', `No route ${c.req.method} ${c.req.path}`))

  return { app, state, webhookId, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /paypal (credentials as in .dev.vars.example). */
export const paypalFake = createPaypalFake({
  clientId: 'fake-paypal-client',
  clientSecret: 'fake-paypal-secret',
  webhookId: 'WH-FAKE-LOCAL',
  hosted: true,
})
export default paypalFake.app
