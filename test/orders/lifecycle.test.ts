import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import type { DomainEvent } from '../../src/lib/events'
import { orders } from '../../src/modules/orders/tables'
import { sweepStaleOrders } from '../../src/modules/orders/sweep'
import { transitionOrder } from '../../src/modules/orders/service'
import type { OrderDO } from '../../src/modules/orders/order-do'
import { createProduct, variantStock } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from './fixtures'

/**
 * Events: Queues are real bindings here, and the Worker, its Durable Objects and the tests share
 * one isolate and one `env`, so a spy on env.NOTIFICATIONS_QUEUE.send sees every message exactly
 * as it is handed to the queue (the call still goes through to the real binding).
 */
let spy: { mock: { calls: unknown[][] } }
let skip = 0
beforeEach(() => {
  spy = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
  skip = 0
})
afterEach(() => vi.restoreAllMocks())
/** Forget what was sent so far (the spy keeps counting). */
const resetSent = () => {
  skip = spy.mock.calls.length
}
const eventsFor = (orderId: string) =>
  spy.mock.calls
    .slice(skip)
    .map((c) => c[0] as DomainEvent)
    .filter((e) => (e.data as { order_id?: string }).order_id === orderId)

const stubFor = (orderId: string) => env.ORDER.get(env.ORDER.idFromName(orderId)) as DurableObjectStub<OrderDO>

describe('order lifecycle', () => {
  let ship: string
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    ship = await flatShipping(500)
    admin = await createUser('admin')
  })
  const adminMove = (orderId: string, body: Record<string, unknown>) =>
    api('POST', `/api/v1/admin/orders/${orderId}/transition`, { headers: admin.auth, body })
  const statusOf = async (orderId: string) =>
    (await api('GET', `/api/v1/admin/orders/${orderId}`, { headers: admin.auth })).body.status as string
  /** pending -> processing (unless payment initiation already did that) -> paid. */
  const markPaid = async (orderId: string, reason?: string) => {
    if ((await statusOf(orderId)) === 'pending') expect((await adminMove(orderId, { to: 'processing' })).status).toBe(200)
    const res = await adminMove(orderId, { to: 'paid', ...(reason ? { reason } : {}) })
    expect(res.status).toBe(200)
    return res
  }

  /** A manual order paid the way it really is: staff confirm the money arrived. */
  const confirmPaid = async (orderId: string, note?: string) => {
    const res = await api('POST', `/api/v1/admin/orders/${orderId}/confirm-payment`, { headers: admin.auth, body: note ? { note } : {} })
    expect(res.status).toBe(200)
    return res
  }
  const refund = (orderId: string, body: Record<string, unknown>) =>
    api('POST', `/api/v1/admin/orders/${orderId}/refunds`, { headers: admin.auth, body })

  it('runs paid -> shipped -> delivered -> partial refunds -> refunded, recording history and events', async () => {
    const p = await createProduct({ variants: [{ price: 2000, stock: 5 }] })
    const { order, user } = await placeOrder(p.variants[0]!.id, ship, 1)
    expect(eventsFor(order.id).map((e) => e.type)).toEqual(['order.created'])

    await confirmPaid(order.id, 'bank transfer received')
    const noTracking = await adminMove(order.id, { to: 'shipped' })
    expect(noTracking.status).toBe(400)
    const shipped = await adminMove(order.id, { to: 'shipped', carrier: 'DHL', tracking_number: 'JD0001' })
    expect(shipped.status).toBe(200)
    expect(shipped.body.lines[0]).toMatchObject({ fulfilment_status: 'shipped', carrier: 'DHL', tracking_number: 'JD0001' })
    expect((await adminMove(order.id, { to: 'delivered' })).status).toBe(200)
    // Refunds only come from refunds that moved money (manual payments: recorded, paid out by hand).
    const part1 = await refund(order.id, { amount: 500 })
    expect(part1.status).toBe(201)
    const part2 = await refund(order.id, { amount: 300 })
    expect(part2.body.order.refunded.amount).toBe(800)
    const full = await refund(order.id, {})
    expect(full.status).toBe(201)
    const detail = (await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: admin.auth })).body
    expect(detail.refunded.amount).toBe(2500)
    expect(detail.status).toBe('refunded')
    expect(detail.timeline.map((t: { to: string }) => t.to)).toEqual([
      'pending',
      'processing',
      'paid',
      'shipped',
      'delivered',
      'partially_refunded',
      'partially_refunded',
      'refunded',
    ])
    expect(detail.timeline.find((t: { to: string }) => t.to === 'paid')).toMatchObject({
      from: 'processing',
      actor: { type: 'staff', id: admin.id },
      reason: 'bank transfer received',
    })

    const events = eventsFor(order.id)
    expect(events.map((e) => e.type)).toEqual([
      'order.created',
      'order.paid',
      'order.shipped',
      'order.delivered',
      'order.refunded',
      'order.refunded',
      'order.refunded',
    ])
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
    expect(events[0]!.data).toMatchObject({
      order_id: order.id,
      user_id: user.id,
      status: 'pending',
      total: { amount: 2500, currency: 'USD' },
      line_count: 1,
    })
    expect(events[2]!.data).toMatchObject({ status: 'shipped', tracking: { carrier: 'DHL', tracking_number: 'JD0001' } })
    expect(events.slice(4).map((e) => (e.data as { refund: { amount: number } }).refund.amount)).toEqual([500, 300, 1700])

    // Refunded is final.
    const after = await adminMove(order.id, { to: 'cancelled' })
    expect(after.status).toBe(409)
    expect(after.body.error.code).toBe('invalid_transition')
  })

  it('refuses refunded/partially_refunded by hand (no money moved); a real refund afterwards works', async () => {
    const p = await createProduct({ variants: [{ price: 2000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    await confirmPaid(order.id)
    for (const body of [{ to: 'refunded' }, { to: 'partially_refunded', refund_amount: 100 }]) {
      const res = await adminMove(order.id, body)
      expect(res.status, body.to).toBe(409)
      expect(res.body.error).toMatchObject({ code: 'invalid_transition', message: expect.stringMatching(/refund that moved money/) })
    }
    expect(await statusOf(order.id)).toBe('paid')
    const real = await refund(order.id, {})
    expect(real.status).toBe(201)
    expect(real.body).toMatchObject({ refund: { status: 'succeeded', amount: { amount: 2500 } }, order: { status: 'refunded' } })
    await expect(transitionOrder(env, order.id, { to: 'refunded', actor: { type: 'system' } })).rejects.toMatchObject({
      code: 'invalid_transition',
    })
  })

  it('refuses illegal transitions with 409 invalid_transition and changes nothing', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    const before = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: admin.auth })
    for (const to of ['shipped', 'delivered', 'refunded', 'partially_refunded', 'pending']) {
      const res = await adminMove(order.id, { to, carrier: 'UPS', tracking_number: '1Z', refund_amount: 100 })
      expect(res.status, to).toBe(409)
      expect(res.body.error.code).toBe('invalid_transition')
    }
    const res = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: admin.auth })
    expect(res.body.status).toBe(before.body.status)
    expect(res.body.timeline).toEqual(before.body.timeline)
    // Final states stay final.
    expect((await adminMove(order.id, { to: 'cancelled' })).status).toBe(200)
    for (const to of ['paid', 'processing', 'failed', 'cancelled']) {
      expect((await adminMove(order.id, { to })).status, `cancelled -> ${to}`).toBe(409)
    }
    await expect(transitionOrder(env, order.id, { to: 'delivered', actor: { type: 'provider' } })).rejects.toMatchObject({
      code: 'invalid_transition',
    })
    await expect(transitionOrder(env, 'ord_missing', { to: 'paid', actor: { type: 'provider' } })).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('expires an unpaid order through the DO alarm: failed, stock released once', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 2)
    expect(await variantStock(p.variants[0]!.id)).toBe(3)
    const stub = stubFor(order.id)

    // The alarm is armed for the payment deadline (30 minutes by default).
    const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())
    expect(alarmAt).toBe(Date.parse(order.payment_due_at))
    // An early alarm (e.g. a retry) does not fail an order before its deadline.
    await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now() + 60_000))
    await runDurableObjectAlarm(stub)
    expect(['pending', 'processing']).toContain(await statusOf(order.id))

    // Time passes: move the deadline into the past, then let the alarm fire.
    await runInDurableObject(stub, (_i, state) => {
      const row = state.storage.sql.exec<{ body: string }>('SELECT body FROM state').one()
      const s = JSON.parse(row.body)
      s.payment_due_at = new Date(Date.now() - 1000).toISOString()
      state.storage.sql.exec('UPDATE state SET body = ?', JSON.stringify(s))
    })
    expect(await runDurableObjectAlarm(stub)).toBe(true)

    const res = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: admin.auth })
    expect(res.body.status).toBe('failed')
    expect(res.body.timeline.at(-1)).toMatchObject({ to: 'failed', actor: { type: 'system' }, reason: 'payment_timeout' })
    expect(await variantStock(p.variants[0]!.id)).toBe(5)
    expect(eventsFor(order.id).map((e) => e.type)).toEqual(['order.created', 'order.failed'])
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull()
  })

  it('lets the customer cancel a pending order, releasing stock exactly once', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 4 }] })
    const { order, user } = await placeOrder(p.variants[0]!.id, ship, 3)
    expect(await variantStock(p.variants[0]!.id)).toBe(1)

    const stranger = await createUser('customer')
    expect((await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: stranger.auth })).status).toBe(404)

    const res = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth, body: { reason: 'changed my mind' } })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('cancelled')
    expect(res.body.timeline.at(-1)).toMatchObject({ to: 'cancelled', actor: { type: 'customer', id: user.id }, reason: 'changed my mind' })
    expect(await variantStock(p.variants[0]!.id)).toBe(4)

    const again = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth })
    expect(again.status).toBe(409)
    expect(await variantStock(p.variants[0]!.id)).toBe(4)

    // Re-running the write-through (as a retry after a lost D1 response would) releases nothing more.
    const stub = stubFor(order.id)
    await runInDurableObject(stub, async (instance, state) => {
      state.storage.sql.exec('UPDATE transitions SET synced = 0')
      await (instance as unknown as { flush(): Promise<boolean> }).flush()
    })
    expect(await variantStock(p.variants[0]!.id)).toBe(4)
    expect(eventsFor(order.id).map((e) => e.type)).toEqual(['order.created', 'order.cancelled'])
  })

  it('does not let a customer cancel a paid order', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 4 }] })
    const { order, user } = await placeOrder(p.variants[0]!.id, ship, 1)
    await markPaid(order.id)
    const res = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('invalid_transition')
    expect(await variantStock(p.variants[0]!.id)).toBe(3)
  })

  it('heals an order whose OrderDO never got created: the cron sweep fails it and releases stock', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 6 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 2)
    const stub = stubFor(order.id)
    // Simulate the checkout Worker dying right after the D1 batch: the DO has nothing.
    await runInDurableObject(stub, async (_i, state) => {
      state.storage.sql.exec('DELETE FROM state')
      state.storage.sql.exec('DELETE FROM transitions')
      state.storage.sql.exec('DELETE FROM outbox')
      await state.storage.deleteAlarm()
    })
    const createdId = eventsFor(order.id)[0]!.id
    resetSent()
    const past = new Date(Date.now() - 5 * 60_000).toISOString()
    await getDb(env).update(orders).set({ paymentDueAt: past }).where(eq(orders.id, order.id))

    const result = await sweepStaleOrders(env)
    expect(result.reconciled).toBeGreaterThanOrEqual(1)
    const res = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: admin.auth })
    expect(res.body.status).toBe('failed')
    expect(await variantStock(p.variants[0]!.id)).toBe(6)
    // order.created goes out again with the same id as the first time, so consumers dedupe it.
    const types = eventsFor(order.id).map((e) => e.type)
    expect(types).toEqual(['order.created', 'order.failed'])
    expect(eventsFor(order.id)[0]!.id).toBe(createdId)
    // A second sweep finds nothing left to do for this order.
    resetSent()
    await sweepStaleOrders(env)
    expect(eventsFor(order.id)).toHaveLength(0)
  })
})
