/**
 * Business and technical events reach Workers Analytics Engine (METRICS) and GET /metrics from the
 * code that sees them: checkouts, payments by provider and outcome, webhook failures, queue retries
 * and dead letters of every consumer Worker, OrderDO write-through retries and staff alerts.
 * Data points are read by spying on the Analytics Engine binding's class, so writes from the API
 * Worker, the OrderDO and the consumer Workers running in this isolate are all seen.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { domainEvent } from '../../src/lib/events'
import { writeThroughFaults } from '../../src/modules/orders/write-through'
import { raiseAlert } from '../../src/modules/payments/store'
import { ALERT_AFTER_ATTEMPTS, type OrderDO } from '../../src/modules/orders/order-do'
import marketplaceWorker from '../../workers/marketplace-sync/index'
import notificationsWorker from '../../workers/notifications/index'
import paymentWebhooksWorker from '../../workers/payment-webhooks/index'
import webhooksOutWorker from '../../workers/webhooks/index'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping } from '../orders/fixtures'
import { confirmIntent, deliver, installStripe, lastEvent, paymentRow, placeOrder } from '../payments/harness'

afterEach(() => {
  writeThroughFaults.inject = null
  vi.restoreAllMocks()
})

type Point = { label: string; detail: string; value: number }

/** Every data point written from now on, whoever holds the binding. */
function capturePoints() {
  const spy = vi.spyOn(Object.getPrototypeOf(env.METRICS) as AnalyticsEngineDataset, 'writeDataPoint')
  return (name: string): Point[] =>
    spy.mock.calls
      .map((c) => c[0] as AnalyticsEngineDataPoint)
      .filter((p) => p.blobs?.[0] === 'event' && p.blobs?.[1] === name)
      .map((p) => {
        expect(p.indexes).toEqual([name])
        expect(p.doubles![0]).toBe(1)
        return { label: String(p.blobs![2]), detail: String(p.blobs![3]), value: Number(p.doubles![1]) }
      })
}

let staff: Awaited<ReturnType<typeof createUser>>
beforeAll(async () => {
  staff = await createUser('staff')
})

/** The value of one edge_commerce_events_total series on GET /metrics (0 if absent). */
async function counter(event: string, label: string, detail: string): Promise<number> {
  const res = await api<string>('GET', '/metrics', { headers: staff.auth })
  expect(res.status).toBe(200)
  const line = res.body
    .split('\n')
    .find((l) => l.startsWith(`edge_commerce_events_total{event="${event}",label="${label}",detail="${detail}"} `))
  return line ? Number(line.split(' ').pop()) : 0
}

describe('checkouts', () => {
  it('counts a completed checkout (currency, buyer, total) and a failed one (error code)', async () => {
    const points = capturePoints()
    const before = {
      ok: await counter('checkout.completed', 'USD', 'customer'),
      failed: await counter('checkout.failed', 'unprocessable', 'customer'),
    }
    const { order } = await placeOrder()
    const user = await createUser('customer')
    const empty = await checkout(user, crypto.randomUUID(), checkoutBody(await flatShipping(0)))
    expect(empty.status).toBe(422)
    expect(points('checkout.completed')).toEqual([{ label: 'USD', detail: 'customer', value: order.total.amount }])
    expect(points('checkout.failed')).toEqual([{ label: 'unprocessable', detail: 'customer', value: 0 }])
    expect(await counter('checkout.completed', 'USD', 'customer')).toBe(before.ok + 1)
    expect(await counter('checkout.failed', 'unprocessable', 'customer')).toBe(before.failed + 1)
  })

  it('a replayed Idempotency-Key is not a second checkout', async () => {
    const points = capturePoints()
    const product = await createProduct({ variants: [{ price: 1500, stock: 5 }] })
    const user = await createUser('customer')
    await addToCart(user, product.variants[0]!.id, 1)
    const key = crypto.randomUUID()
    const body = checkoutBody(await flatShipping(0))
    expect((await checkout(user, key, body)).status).toBe(201)
    expect((await checkout(user, key, body)).status).toBe(200)
    expect(points('checkout.completed')).toHaveLength(1)
  })
})

describe('payments by provider and outcome', () => {
  it('succeeded once under three deliveries, refunded, cancelled and declined; /metrics counts them', async () => {
    const { stripe } = installStripe()
    const points = capturePoints()
    const before = {
      succeeded: await counter('payment.succeeded', 'USD', 'stripe'),
      refunded: await counter('payment.refunded', 'USD', 'stripe'),
      cancelled: await counter('payment.failed', 'cancelled', 'stripe'),
      declined: await counter('payment.failed', 'declined', 'stripe'),
    }
    // Paid: the webhook delivered three times counts one payment.
    const { order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const event = lastEvent(stripe, 'payment_intent.succeeded', piId)
    for (let i = 0; i < 3; i++) expect((await deliver(event)).status).toBe(200)
    expect(points('payment.succeeded')).toEqual([{ label: 'USD', detail: 'stripe', value: order.total.amount }])

    // Refunded by staff through Stripe.
    const admin = await createUser('admin')
    const refund = await api('POST', `/api/v1/admin/orders/${order.id}/refunds`, { headers: admin.auth, body: {} })
    expect(refund.status, JSON.stringify(refund.body)).toBe(201)
    expect(points('payment.refunded')).toEqual([{ label: 'USD', detail: 'stripe', value: order.total.amount }])

    // Cancelled: the shopper cancels an unpaid order, its PaymentIntent is cancelled.
    const second = await placeOrder()
    expect((await api('POST', `/api/v1/orders/${second.order.id}/cancel`, { headers: second.user.auth, body: {} })).status).toBe(200)
    expect(points('payment.failed')).toEqual([{ label: 'cancelled', detail: 'stripe', value: second.order.total.amount }])

    // Declined: the card is refused, the order stays payable.
    const third = await placeOrder()
    const thirdPi = (await paymentRow(third.order.id))!.providerRef!
    await confirmIntent(stripe, thirdPi, 'pm_card_chargeDeclined').catch(() => undefined)
    expect((await deliver(lastEvent(stripe, 'payment_intent.payment_failed', thirdPi))).body).toMatchObject({ outcome: 'payment_declined' })
    expect(points('payment.failed').map((p) => p.label)).toEqual(['cancelled', 'declined'])

    expect(await counter('payment.succeeded', 'USD', 'stripe')).toBe(before.succeeded + 1)
    expect(await counter('payment.refunded', 'USD', 'stripe')).toBe(before.refunded + 1)
    expect(await counter('payment.failed', 'cancelled', 'stripe')).toBe(before.cancelled + 1)
    expect(await counter('payment.failed', 'declined', 'stripe')).toBe(before.declined + 1)
  })
})

describe('payment webhook failures', () => {
  it('a refused callback is webhook.failed for its provider with the status; an accepted one is not', async () => {
    const { stripe } = installStripe()
    const points = capturePoints()
    const before = await counter('webhook.failed', '400', 'stripe')
    const { order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const event = lastEvent(stripe, 'payment_intent.succeeded', piId)
    expect((await deliver(event, { signature: 't=1,v1=forged' })).status).toBe(400)
    expect((await deliver(event)).status).toBe(200)
    const paystack = await paymentWebhooksWorker.fetch!(
      new Request('http://webhooks.test/webhooks/paystack', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-paystack-signature': 'f'.repeat(128) },
        body: JSON.stringify({ event: 'charge.success', data: { reference: 'ref_forged' } }),
      }) as Request<unknown, IncomingRequestCfProperties>,
      env,
    )
    expect(paystack.status).toBeGreaterThanOrEqual(400)
    expect(points('webhook.failed')).toEqual([
      { label: '400', detail: 'stripe', value: 0 },
      { label: String(paystack.status), detail: 'paystack', value: 0 },
    ])
    expect(await counter('webhook.failed', '400', 'stripe')).toBe(before + 1)
  })
})

/**
 * A D1 binding that fails every statement, as during an outage: every consumer retries its message.
 * A plain object, not a Proxy of env.DB: Sentry's D1 instrumentation patches the binding it is given.
 */
const outage = () => {
  throw new Error('D1_ERROR: injected outage')
}
const brokenDb = { prepare: outage, batch: outage, exec: outage, dump: outage, withSession: () => brokenDb } as unknown as D1Database

let seq = 0
async function runQueue(worker: ExportedHandler<Env>, queue: string, body: unknown, bindings: Partial<Env> = {}) {
  const batch = createMessageBatch<unknown>(queue, [{ id: `obs-${++seq}`, timestamp: new Date(), attempts: 3, body }])
  const ctx = createExecutionContext()
  await (worker.queue as ExportedHandlerQueueHandler<Env>)(batch, { ...env, ...bindings }, ctx)
  return getQueueResult(batch, ctx)
}

describe('queue retries and dead letters, every consumer Worker', () => {
  const bodies = {
    notifications: domainEvent('account.password_reset_requested', {
      user_id: 'usr_obs',
      email: 'obs@example.com',
      link: 'https://shop.example.com/reset?token=x',
      expires_at: new Date().toISOString(),
    }),
    'marketplace-sync': {
      id: 'evt_obs',
      type: 'catalog.products_changed',
      occurred_at: new Date().toISOString(),
      product_ids: ['prd_obs'],
      reason: 'updated',
    },
    'webhooks-out': { delivery_id: 'whd_obs' },
  }
  const workers: [keyof typeof bodies, ExportedHandler<Env>][] = [
    ['notifications', notificationsWorker as ExportedHandler<Env>],
    ['marketplace-sync', marketplaceWorker as ExportedHandler<Env>],
    ['webhooks-out', webhooksOutWorker as ExportedHandler<Env>],
  ]
  for (const [queue, worker] of workers) {
    it(`${queue}: a retried message is queue.retry, a dead-lettered one queue.dead_letter`, async () => {
      const points = capturePoints()
      const before = { retry: await counter('queue.retry', '', queue), dead: await counter('queue.dead_letter', '', queue) }
      const retried = await runQueue(worker, queue, bodies[queue], { DB: brokenDb })
      expect(retried.retryMessages).toHaveLength(1)
      expect(points('queue.retry')).toEqual([{ label: '', detail: queue, value: 3 }])
      const dead = await runQueue(worker, `${queue}-dlq`, bodies[queue])
      expect(dead.explicitAcks).toHaveLength(1)
      expect(points('queue.dead_letter')).toEqual([{ label: '', detail: queue, value: 3 }])
      expect(await counter('queue.retry', '', queue)).toBe(before.retry + 1)
      expect(await counter('queue.dead_letter', '', queue)).toBe(before.dead + 1)
    })
  }

  it('an acked message is neither', async () => {
    const points = capturePoints()
    const res = await runQueue(webhooksOutWorker as ExportedHandler<Env>, 'webhooks-out', { no: 'delivery id' })
    expect(res.explicitAcks).toHaveLength(1)
    expect([...points('queue.retry'), ...points('queue.dead_letter')]).toEqual([])
  })
})

describe('OrderDO write-through and staff alerts', () => {
  it('each failed write-through attempt is order.write_through_retry; the stall alert is alert.raised once', async () => {
    const points = capturePoints()
    const before = await counter('alert.raised', 'order_sync_stalled', '')
    const { order } = await placeOrder({ provider: 'manual' })
    const admin = await createUser('admin')
    writeThroughFaults.inject = (id) => id === order.id
    expect(
      (await api('POST', `/api/v1/admin/orders/${order.id}/transition`, { headers: admin.auth, body: { to: 'processing' } })).status,
    ).toBe(200)
    const stub = env.ORDER.get(env.ORDER.idFromName(order.id)) as DurableObjectStub<OrderDO>
    for (let attempt = 2; attempt <= ALERT_AFTER_ATTEMPTS + 1; attempt++) await stub.reconcile(order.id)
    const retries = points('order.write_through_retry')
    expect(retries.map((r) => r.value)).toEqual(Array.from({ length: ALERT_AFTER_ATTEMPTS + 1 }, (_, i) => i + 1))
    expect(points('alert.raised')).toEqual([{ label: 'order_sync_stalled', detail: '', value: 0 }])
    expect(await counter('alert.raised', 'order_sync_stalled', '')).toBe(before + 1)
    writeThroughFaults.inject = null
    await stub.reconcile(order.id)
    expect(points('order.write_through_retry')).toHaveLength(ALERT_AFTER_ATTEMPTS + 1)
  })

  it('a payment alert is alert.raised with its kind', async () => {
    const points = capturePoints()
    await raiseAlert(env, 'unknown_order', { details: { reason: 'observability test' } })
    expect(points('alert.raised')).toEqual([{ label: 'unknown_order', detail: '', value: 0 }])
    expect(await counter('alert.raised', 'unknown_order', '')).toBeGreaterThanOrEqual(1)
  })
})
