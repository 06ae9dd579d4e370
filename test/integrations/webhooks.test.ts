import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { and, eq, like } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { paymentAlerts } from '../../src/modules/payments/tables'
import { DISABLE_AFTER_FAILURES, EXCERPT_BYTES, MAX_ATTEMPTS } from '../../src/modules/integrations/webhook-consumer'
import { emitOrderWebhooks, emitWebhookEvent } from '../../src/modules/integrations/webhook-events'
import { domainEvent } from '../../src/lib/events'
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from '../../src/modules/integrations/tables'
import worker from '../../workers/webhooks/index'
import { routeFetch } from '../fakes'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { deliver as deliverStripe, installStripe, lastEvent, paymentRow, confirmIntent, placeOrder } from '../payments/harness'

/**
 * An independent Standard Webhooks verifier (written from the spec, not from our signer): the
 * secret's base64 part is the key, the signed content is `${id}.${timestamp}.${body}`, the header
 * holds space-separated `v1,<base64>` entries, and the timestamp must be within 5 minutes.
 */
async function verifyStandardWebhook(secret: string, headers: Headers, body: string): Promise<boolean> {
  const id = headers.get('webhook-id')
  const ts = headers.get('webhook-timestamp')
  const sigs = headers.get('webhook-signature')
  if (!id || !ts || !sigs || !/^\d+$/.test(ts)) return false
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (ch) => ch.charCodeAt(0))
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  for (const entry of sigs.split(' ')) {
    const [version, b64] = entry.split(',')
    if (version !== 'v1' || !b64) continue
    const mac = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
    if (await crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(`${id}.${ts}.${body}`))) return true
  }
  return false
}

type Received = { headers: Headers; body: string; verified: boolean }

/** A receiver at https://receiver.test answering `respond()`; records and verifies what it got. */
function installReceiver(secretOf: () => string, respond: () => Response = () => new Response('ok', { status: 200 })) {
  const received: Received[] = []
  const spy = routeFetch({
    'https://receiver.test': async (req) => {
      const body = await req.text()
      received.push({ headers: req.headers, body, verified: await verifyStandardWebhook(secretOf(), req.headers, body) })
      return respond()
    },
  })
  return { received, spy }
}

let msgSeq = 0
/** Run the real consumer Worker on one batch; returns acked ids and retries with their delays. */
async function runConsumer(deliveryIds: string[], opts: { attempts?: number; queue?: string } = {}) {
  const batch = createMessageBatch<unknown>(
    opts.queue ?? 'webhooks-out',
    deliveryIds.map((delivery_id) => ({ id: `m-${++msgSeq}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body: { delivery_id } })),
  )
  const delays = new Map<string, number | undefined>()
  for (const message of batch.messages) {
    const retry = message.retry.bind(message)
    vi.spyOn(message, 'retry').mockImplementation((o?: QueueRetryOptions) => {
      delays.set(message.id, o?.delaySeconds)
      retry(o)
    })
  }
  const ctx = createExecutionContext()
  await (worker.queue as ExportedHandlerQueueHandler<Env>)(batch, env, ctx)
  const result = await getQueueResult(batch, ctx)
  return { ...result, delays: result.retryMessages.map((m: { msgId: string }) => delays.get(m.msgId)) }
}

async function newEndpoint(events: string[] = ['order.paid', 'payment.succeeded', 'stock.changed', 'product.updated']) {
  const staff = await createUser('staff')
  const res = await api('POST', '/api/v1/admin/webhooks/endpoints', {
    headers: staff.auth,
    body: { url: 'https://receiver.test/hook', events },
  })
  expect(res.status).toBe(201)
  return { ...res.body, staff }
}

const db = () => getDb(env)
const deliveriesOf = (endpointId: string) => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))

/** Queue sends of delivery ids from now on. */
function captureQueued() {
  const spy = vi.spyOn(env.WEBHOOKS_QUEUE, 'sendBatch')
  return () => spy.mock.calls.flatMap((call) => (call[0] as { body: { delivery_id: string } }[]).map((m) => m.body.delivery_id))
}

afterEach(async () => {
  vi.restoreAllMocks()
  // Endpoints from one test must not receive the next test's events.
  await db().update(webhookEndpoints).set({ status: 'disabled' })
})

describe('outgoing webhooks: endpoints', () => {
  it('registers https endpoints with a whsec_ secret shown once; refuses bad URLs and events', async () => {
    const ep = await newEndpoint()
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(ep.status).toBe('enabled')
    const got = await api('GET', `/api/v1/admin/webhooks/endpoints/${ep.id}`, { headers: ep.staff.auth })
    expect(got.status).toBe(200)
    expect(got.body.secret).toBeUndefined()
    expect(JSON.stringify((await api('GET', '/api/v1/admin/webhooks/endpoints', { headers: ep.staff.auth })).body)).not.toContain(ep.secret)

    const post = (body: unknown) => api('POST', '/api/v1/admin/webhooks/endpoints', { headers: ep.staff.auth, body })
    expect((await post({ url: 'http://receiver.test/hook', events: ['order.paid'] })).status).toBe(400)
    expect((await post({ url: 'ftp://receiver.test/hook', events: ['order.paid'] })).status).toBe(400)
    expect((await post({ url: 'not a url', events: ['order.paid'] })).status).toBe(400)
    expect((await post({ url: 'https://u:p@receiver.test/hook', events: ['order.paid'] })).status).toBe(400)
    expect((await post({ url: 'https://receiver.test/hook', events: ['order.exploded'] })).status).toBe(400)
    expect((await post({ url: 'https://receiver.test/hook', events: [] })).status).toBe(400)
    // Development allows a receiver on localhost over plain http.
    expect((await post({ url: 'http://localhost:9000/hook', events: ['order.paid'] })).status).toBe(201)

    const rotated = await api('POST', `/api/v1/admin/webhooks/endpoints/${ep.id}/rotate-secret`, { headers: ep.staff.auth })
    expect(rotated.body.secret).toMatch(/^whsec_/)
    expect(rotated.body.secret).not.toBe(ep.secret)
    expect((await api('GET', '/api/v1/admin/webhooks/event-types', { headers: ep.staff.auth })).body.data).toContain('refund.created')
  })

  it('admits API keys with webhooks scopes only', async () => {
    const admin = await createUser('admin')
    const key = (await api('POST', '/api/v1/admin/api-keys', { headers: admin.auth, body: { name: 'w', scopes: ['webhooks:read'] } })).body
      .key
    const auth = { Authorization: `Bearer ${key}` }
    expect((await api('GET', '/api/v1/admin/webhooks/endpoints', { headers: auth })).status).toBe(200)
    expect(
      (
        await api('POST', '/api/v1/admin/webhooks/endpoints', {
          headers: auth,
          body: { url: 'https://receiver.test/x', events: ['order.paid'] },
        })
      ).status,
    ).toBe(403)
    const customer = await createUser('customer')
    expect((await api('GET', '/api/v1/admin/webhooks/endpoints', { headers: customer.auth })).status).toBe(403)
  })
})

describe('outgoing webhooks: delivery', () => {
  it('signs per Standard Webhooks: an independent verifier accepts it, and rejects a tampered body', async () => {
    const ep = await newEndpoint()
    const { received } = installReceiver(() => ep.secret)
    const queued = captureQueued()
    expect(
      await emitWebhookEvent(env, {
        type: 'order.paid',
        dedupeKey: `t:${crypto.randomUUID()}`,
        data: { order_id: 'ord_x', total: { amount: 2500, currency: 'USD' } },
      }),
    ).toBe(1)
    const [deliveryId] = queued()
    const result = await runConsumer([deliveryId!])
    expect(result.explicitAcks).toHaveLength(1)
    expect(received).toHaveLength(1)
    const got = received[0]!
    expect(got.verified).toBe(true)
    expect(got.headers.get('webhook-id')).toMatch(/^msg_/)
    expect(JSON.parse(got.body)).toMatchObject({ type: 'order.paid', data: { order_id: 'ord_x' }, timestamp: expect.any(String) })
    expect(await verifyStandardWebhook(ep.secret, got.headers, got.body.replace('2500', '2501'))).toBe(false)
    expect(await verifyStandardWebhook(`whsec_${btoa('another secret of 32 bytes......')}`, got.headers, got.body)).toBe(false)

    const detail = await api('GET', `/api/v1/admin/webhooks/deliveries/${deliveryId}`, { headers: ep.staff.auth })
    expect(detail.body).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200, event_id: got.headers.get('webhook-id') })
    expect(detail.body.attempt_log).toEqual([
      expect.objectContaining({ attempt: 1, status_code: 200, response_excerpt: 'ok', error: null, latency_ms: expect.any(Number) }),
    ])
  })

  it('retries failures with exponential backoff, logging each attempt with a ≤ 1 KB excerpt', async () => {
    const ep = await newEndpoint()
    const big = 'é'.repeat(3000)
    installReceiver(
      () => ep.secret,
      () => new Response(big, { status: 503 }),
    )
    const queued = captureQueued()
    await emitWebhookEvent(env, { type: 'order.paid', dedupeKey: `t:${crypto.randomUUID()}`, data: { order_id: 'ord_y' } })
    const [id] = queued()
    const delays: (number | undefined)[] = []
    for (let attempt = 1; attempt <= 4; attempt++) delays.push(...(await runConsumer([id!], { attempts: attempt })).delays)
    expect(delays).toEqual([30, 120, 480, 1920])
    const attempts = await db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id!))
    expect(attempts.map((a) => a.statusCode)).toEqual([503, 503, 503, 503])
    for (const a of attempts) expect(new TextEncoder().encode(a.responseExcerpt!).length).toBeLessThanOrEqual(EXCERPT_BYTES)
    expect(attempts[0]!.responseExcerpt!.length).toBeGreaterThan(400)
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id!))
    expect(row).toMatchObject({ status: 'retrying', attempts: 4, lastStatusCode: 503 })
    // The longest delay is capped at the Queues maximum (12 h).
    const late = await runConsumer([id!], { attempts: MAX_ATTEMPTS })
    expect(late.delays).toEqual([12 * 3600])
  })

  it('a network failure or timeout is a failed attempt too, and dead-lettered messages mark the delivery dead', async () => {
    const ep = await newEndpoint()
    routeFetch({ 'https://receiver.test': () => Promise.reject(new Error('connection refused')) })
    const queued = captureQueued()
    await emitWebhookEvent(env, { type: 'order.paid', dedupeKey: `t:${crypto.randomUUID()}`, data: {} })
    const [id] = queued()
    const res = await runConsumer([id!])
    expect(res.retryMessages).toHaveLength(1)
    const [attempt] = await db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id!))
    expect(attempt).toMatchObject({ statusCode: null, error: expect.stringContaining('connection refused') })
    const dlq = await runConsumer([id!], { queue: 'webhooks-out-dlq' })
    expect(dlq.explicitAcks).toHaveLength(1)
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id!))
    expect(row!.status).toBe('dead')
    const list = await api('GET', `/api/v1/admin/webhooks/endpoints/${ep.id}/deliveries?status=dead`, { headers: ep.staff.auth })
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([id])
  })

  it(`disables an endpoint after ${DISABLE_AFTER_FAILURES} consecutive failures with one staff alert; a success resets the count`, async () => {
    const ep = await newEndpoint()
    let status = 500
    const { received } = installReceiver(
      () => ep.secret,
      () => new Response('nope', { status }),
    )
    const queued = captureQueued()
    for (let i = 0; i < DISABLE_AFTER_FAILURES + 6; i++) {
      await emitWebhookEvent(env, { type: 'stock.changed', dedupeKey: `t:${crypto.randomUUID()}`, data: { i } })
    }
    const ids = queued()
    // A success in between resets the run of failures.
    await runConsumer(ids.slice(0, 3))
    status = 200
    await runConsumer([ids[3]!])
    expect((await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)).get())!.consecutiveFailures).toBe(0)
    status = 500
    await runConsumer(ids.slice(4, 4 + DISABLE_AFTER_FAILURES - 1))
    expect((await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)).get())!.status).toBe('enabled')
    const last = await runConsumer(ids.slice(4 + DISABLE_AFTER_FAILURES - 1, 4 + DISABLE_AFTER_FAILURES))
    expect(last.explicitAcks).toHaveLength(1) // no retries to a disabled endpoint
    const endpoint = (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)).get())!
    expect(endpoint.status).toBe('disabled')
    expect(endpoint.disabledReason).toMatch(/consecutive failed/)
    const alerts = await db()
      .select()
      .from(paymentAlerts)
      .where(and(eq(paymentAlerts.kind, 'webhook_endpoint_disabled'), like(paymentAlerts.details, `%${ep.id}%`)))
    expect(alerts).toHaveLength(1)
    // Later messages for the disabled endpoint are not sent.
    const before = received.length
    await runConsumer(ids.slice(4 + DISABLE_AFTER_FAILURES))
    expect(received.length).toBe(before)
    // Disabled endpoints get no new events; re-enabling clears the count.
    expect(await emitWebhookEvent(env, { type: 'stock.changed', dedupeKey: `t:${crypto.randomUUID()}`, data: {} })).toBe(0)
    const enabled = await api('PATCH', `/api/v1/admin/webhooks/endpoints/${ep.id}`, { headers: ep.staff.auth, body: { enabled: true } })
    expect(enabled.body).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_reason: null })
  })

  it('replays one delivery or every failed one since a time, with the same webhook-id', async () => {
    const ep = await newEndpoint()
    let status = 500
    const { received } = installReceiver(
      () => ep.secret,
      () => new Response('x', { status }),
    )
    const queued = captureQueued()
    for (let i = 0; i < 3; i++) await emitWebhookEvent(env, { type: 'order.paid', dedupeKey: `t:${crypto.randomUUID()}`, data: { i } })
    const ids = queued()
    await runConsumer(ids)
    await runConsumer([ids[0]!], { queue: 'webhooks-out-dlq' })
    expect(received).toHaveLength(3)
    status = 200

    const one = await api('POST', `/api/v1/admin/webhooks/deliveries/${ids[0]}/replay`, { headers: ep.staff.auth })
    expect(one.body).toEqual({ replayed: 1 })
    expect(queued().slice(3)).toEqual([ids[0]])
    await runConsumer([ids[0]!])
    expect(received[3]!.headers.get('webhook-id')).toBe(received[0]!.headers.get('webhook-id'))
    expect(received[3]!.verified).toBe(true)

    const since = new Date(Date.now() - 60_000).toISOString()
    const all = await api('POST', `/api/v1/admin/webhooks/endpoints/${ep.id}/replay`, { headers: ep.staff.auth, body: { since } })
    expect(all.body).toEqual({ replayed: 2 })
    expect(queued().slice(4).sort()).toEqual([ids[1], ids[2]].sort())
    await runConsumer([ids[1]!, ids[2]!])
    const rows = await deliveriesOf(ep.id)
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    const future = await api('POST', `/api/v1/admin/webhooks/endpoints/${ep.id}/replay`, {
      headers: ep.staff.auth,
      body: { since: new Date().toISOString() },
    })
    expect(future.body).toEqual({ replayed: 0 })
    expect(
      (await api('POST', `/api/v1/admin/webhooks/endpoints/${ep.id}/replay`, { headers: ep.staff.auth, body: { since: 'yesterday' } }))
        .status,
    ).toBe(400)
    expect((await api('POST', '/api/v1/admin/webhooks/deliveries/whd_missing/replay', { headers: ep.staff.auth })).status).toBe(404)

    await api('PATCH', `/api/v1/admin/webhooks/endpoints/${ep.id}`, { headers: ep.staff.auth, body: { enabled: false } })
    expect((await api('POST', `/api/v1/admin/webhooks/deliveries/${ids[0]}/replay`, { headers: ep.staff.auth })).status).toBe(409)
  })
})

describe('outgoing webhooks: emission', () => {
  it('the same change emitted concurrently is stored and queued once', async () => {
    const ep = await newEndpoint()
    const queued = captureQueued()
    const key = `t:${crypto.randomUUID()}`
    const counts = await Promise.all(
      Array.from({ length: 8 }, () => emitWebhookEvent(env, { type: 'order.paid', dedupeKey: key, data: {} })),
    )
    expect(counts.filter((n) => n > 0)).toEqual([1])
    expect(queued()).toHaveLength(1)
    expect(await db().select().from(webhookEvents).where(eq(webhookEvents.dedupeKey, key))).toHaveLength(1)
    expect(await deliveriesOf(ep.id)).toHaveLength(1)
  })

  it('an order event re-published by the OrderDO outbox (same event id) fans out once', async () => {
    const ep = await newEndpoint(['order.paid', 'payment.succeeded'])
    const event = { ...domainEvent('order.paid', { order_id: 'ord_republished' }), id: `evt_republished_${crypto.randomUUID()}` }
    await Promise.all([emitOrderWebhooks(env, event), emitOrderWebhooks(env, event), emitOrderWebhooks(env, event)])
    await emitOrderWebhooks(env, event)
    const rows = await deliveriesOf(ep.id)
    expect(rows.map((r) => r.eventType).sort()).toEqual(['order.paid', 'payment.succeeded'])
  })

  it('an order paid by duplicated, concurrent payment webhooks emits order.paid and payment.succeeded once each', async () => {
    const ep = await newEndpoint(['order.created', 'order.paid', 'payment.succeeded'])
    const { stripe } = installStripe()
    const { order } = await placeOrder()
    const payment = await paymentRow(order.id)
    await confirmIntent(stripe, payment!.providerRef!)
    const event = lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!)
    const results = await Promise.all(Array.from({ length: 5 }, () => deliverStripe(event)))
    // A copy arriving while another is being applied answers 409 (Stripe retries it); one applies.
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1)
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true)
    // Stripe's retries of the refused copies, again concurrently.
    const retries = await Promise.all(results.filter((r) => r.status === 409).map(() => deliverStripe(event)))
    expect(retries.every((r) => r.status === 200 || r.status === 409)).toBe(true)
    const events = await db()
      .select()
      .from(webhookEvents)
      .where(like(webhookEvents.payload, `%${order.id}%`))
    const types = events.map((e) => e.type).sort()
    expect(types).toEqual(['order.created', 'order.paid', 'payment.succeeded'])
    expect((await deliveriesOf(ep.id)).filter((d) => events.some((e) => e.id === d.eventId))).toHaveLength(3)
  })

  it('a stock change through the admin API emits stock.changed once, from the catalogue notify hook', async () => {
    const ep = await newEndpoint(['stock.changed'])
    const product = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const admin = await createUser('admin')
    const headers = { ...admin.auth, 'Idempotency-Key': crypto.randomUUID() }
    const path = `/api/v1/admin/products/${product.id}/variants/${product.variants[0]!.id}/stock`
    expect((await api('POST', path, { headers, body: { delta: 3 } })).status).toBe(200)
    // The same Idempotency-Key is a replay: no second event.
    expect((await api('POST', path, { headers, body: { delta: 3 } })).status).toBe(200)
    await vi.waitFor(async () => expect(await deliveriesOf(ep.id)).toHaveLength(1), { timeout: 10_000 })
    const [event] = await db()
      .select()
      .from(webhookEvents)
      .where(like(webhookEvents.payload, `%${product.id}%`))
    expect(JSON.parse(event!.payload)).toMatchObject({ type: 'stock.changed', data: { product_id: product.id } })
  })
})
