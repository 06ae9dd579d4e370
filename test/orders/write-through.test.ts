/**
 * The OrderDO's write-through to D1: retried with exponential backoff per journal entry, attempts
 * counted, staff alerted after ALERT_AFTER_ATTEMPTS, and an entry that keeps failing never holds
 * back later ones (D1 converges to the DO's latest state). Failures are injected through the
 * write-through's test seam (the DO runs in this isolate), standing in for D1 errors such as SQLITE_BUSY.
 */
import { env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import type { DomainEvent } from '../../src/lib/events'
import { orderHistory, orders } from '../../src/modules/orders/tables'
import { writeThroughFaults } from '../../src/modules/orders/write-through'
import { paymentAlerts } from '../../src/modules/payments/tables'
import { ALERT_AFTER_ATTEMPTS, RETRY_BASE_MS, type OrderDO } from '../../src/modules/orders/order-do'
import { createProduct, variantStock } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from './fixtures'

afterEach(() => {
  writeThroughFaults.inject = null
  vi.restoreAllMocks()
})

const stubFor = (orderId: string) => env.ORDER.get(env.ORDER.idFromName(orderId)) as DurableObjectStub<OrderDO>
const d1Order = async (orderId: string) => (await getDb(env).select().from(orders).where(eq(orders.id, orderId)))[0]!
const historySeqs = async (orderId: string) =>
  (await getDb(env).select().from(orderHistory).where(eq(orderHistory.orderId, orderId))).map((h) => h.seq).sort()

describe('OrderDO write-through', () => {
  let ship: string
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    ship = await flatShipping(0)
    admin = await createUser('admin')
  })
  const move = (orderId: string, to: string) =>
    api('POST', `/api/v1/admin/orders/${orderId}/transition`, { headers: admin.auth, body: { to } })

  it('retries a failing write-through with exponential backoff, counts attempts, alerts staff once after the threshold, then converges', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    writeThroughFaults.inject = (id) => id === order.id
    const res = await move(order.id, 'processing')
    expect(res.status).toBe(200) // the DO committed it; D1 is behind
    expect(res.body.status).toBe('pending')
    const stub = stubFor(order.id)
    const delays: number[] = []
    for (let attempt = 1; attempt <= ALERT_AFTER_ATTEMPTS + 1; attempt++) {
      if (attempt > 1) await stub.reconcile(order.id) // the cron sweep's forced retry
      const [entry] = await stub.unsynced()
      expect(entry).toMatchObject({ seq: 1, attempts: attempt, last_error: expect.stringContaining('injected write-through fault') })
      delays.push(entry!.next_at! - Date.now())
    }
    // Each failure doubles the wait (allowing for the time the test itself takes).
    for (let i = 0; i < delays.length; i++) {
      const expected = RETRY_BASE_MS * 2 ** i
      expect(delays[i]).toBeGreaterThan(expected - 1500)
      expect(delays[i]).toBeLessThanOrEqual(expected)
    }
    const alerts = await getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, order.id))
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ kind: 'order_sync_stalled' })
    expect(JSON.parse(alerts[0]!.details)).toMatchObject({ seq: 1, attempts: ALERT_AFTER_ATTEMPTS })

    writeThroughFaults.inject = null
    await stub.reconcile(order.id)
    expect(await stub.unsynced()).toEqual([])
    expect(await d1Order(order.id)).toMatchObject({ status: 'processing', version: 1 })
    expect(await historySeqs(order.id)).toEqual([0, 1])
  })

  it('one poisoned entry does not hold back later ones: D1 reaches the latest state and later events go out', async () => {
    const sent = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    writeThroughFaults.inject = (id, seq) => id === order.id && seq === 1 // processing can never be written
    expect((await move(order.id, 'processing')).status).toBe(200)
    expect((await move(order.id, 'paid')).status).toBe(200)
    expect(await d1Order(order.id)).toMatchObject({ status: 'paid', version: 2 })
    expect(await historySeqs(order.id)).toEqual([0, 2])
    const types = sent.mock.calls.map((c) => c[0] as DomainEvent).filter((e) => (e.data as { order_id?: string }).order_id === order.id)
    expect(types.map((e) => e.type)).toContain('order.paid')
    expect((await stubFor(order.id).unsynced()).map((e) => e.seq)).toEqual([1])

    // When the entry finally goes through, its history row lands and the status stays where it is.
    writeThroughFaults.inject = null
    await stubFor(order.id).reconcile(order.id)
    expect(await historySeqs(order.id)).toEqual([0, 1, 2])
    expect(await d1Order(order.id)).toMatchObject({ status: 'paid', version: 2 })
  })

  it('the latest entry poisoned: the converging batch still brings D1 to the DO state (status and stock)', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order, user } = await placeOrder(p.variants[0]!.id, ship, 2)
    expect(await variantStock(p.variants[0]!.id)).toBe(3)
    writeThroughFaults.inject = (id, seq) => id === order.id && seq !== 'converge'
    const res = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth })
    expect(res.status).toBe(200)
    expect(await d1Order(order.id)).toMatchObject({ status: 'cancelled', version: 1 })
    expect(await variantStock(p.variants[0]!.id)).toBe(5)
    const [entry] = await getDb(env)
      .select()
      .from(orderHistory)
      .where(and(eq(orderHistory.orderId, order.id), eq(orderHistory.seq, 1)))
    expect(entry).toBeUndefined() // its history row waits for the entry itself
    writeThroughFaults.inject = null
    await stubFor(order.id).reconcile(order.id)
    expect(await historySeqs(order.id)).toEqual([0, 1])
    expect(await variantStock(p.variants[0]!.id)).toBe(5) // released exactly once
  })
})
