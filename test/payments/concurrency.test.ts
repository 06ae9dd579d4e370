/**
 * 50 shoppers paying at once, Stripe delivering every webhook three times in a shuffled order,
 * and D1 refusing each order's first write-throughs: in the end every order is paid exactly once,
 * in the OrderDO and in D1, with no alert raised.
 * Guards issue 10's defects: orders stuck in `processing` with a succeeded payment, false
 * `paid_after_terminal` alerts and double transitions under concurrent load.
 */
import { env } from 'cloudflare:test'
import { eq, inArray } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { orderHistory, orders } from '../../src/modules/orders/tables'
import { writeThroughFaults } from '../../src/modules/orders/write-through'
import { paymentAlerts, payments } from '../../src/modules/payments/tables'
import type { OrderDO } from '../../src/modules/orders/order-do'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping } from '../orders/fixtures'
import { confirmIntent, deliver, installStripe, paymentRow } from './harness'

afterEach(() => {
  writeThroughFaults.inject = null
  vi.restoreAllMocks()
})

const N = 50
const COPIES = 3
const FAILURES_PER_ORDER = 2

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0]! % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Run `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!)
      }
    }),
  )
  return out
}

describe('50 concurrent payers, shuffled duplicate webhooks, failing write-through', () => {
  it('ends with every order paid once, D1 converged, no alert', { timeout: 300_000 }, async () => {
    const { stripe } = installStripe()
    const ship = await flatShipping(500)
    const product = await createProduct({ variants: [{ price: 2000, stock: N * 2 }] })
    const users = await pool(Array.from({ length: N }), 10, () => createUser('customer'))
    const placed = await pool(users, 10, async (user) => {
      await addToCart(user, product.variants[0]!.id, 1)
      const res = await checkout(user, crypto.randomUUID(), checkoutBody(ship, { payment_provider: 'stripe' }))
      expect(res.status).toBe(201)
      return { user, orderId: res.body.order.id as string }
    })
    const orderIds = placed.map((p) => p.orderId)

    // From now on every order's first FAILURES_PER_ORDER write-through attempts fail (D1 busy).
    const failures = new Map<string, number>()
    let injected = 0
    writeThroughFaults.inject = (orderId) => {
      if (!orderIds.includes(orderId)) return false
      const n = failures.get(orderId) ?? 0
      if (n >= FAILURES_PER_ORDER) return false
      failures.set(orderId, n + 1)
      injected++
      return true
    }

    // Everyone presses "pay" twice at once and pays at Stripe.
    const pays = await Promise.all(
      placed.flatMap(({ user, orderId }) => [1, 2].map(() => api('POST', `/api/v1/orders/${orderId}/pay`, { headers: user.auth }))),
    )
    expect(pays.map((r) => r.status).filter((s) => s !== 200)).toEqual([])
    const piIds = await Promise.all(orderIds.map(async (id) => (await paymentRow(id))!.providerRef!))
    await pool(piIds, 10, (pi) => confirmIntent(stripe, pi))

    // Stripe delivers every payment_intent event of these intents three times, shuffled, concurrently.
    const events = stripe.state.events.filter((e) => {
      const object = (e.data as { object: { id?: string; payment_intent?: string } }).object
      return piIds.includes(object.id ?? '') || piIds.includes(object.payment_intent ?? '')
    })
    const deliveries = shuffle(events.flatMap((e) => Array.from({ length: COPIES }, () => e)))
    const statuses = await pool(deliveries, 25, async (event) => {
      // A delivery that meets another copy mid-processing gets 409; Stripe retries it later.
      for (let attempt = 0; ; attempt++) {
        const res = await deliver(event)
        if (res.status === 200 || attempt >= 20) return res.status
        await new Promise((r) => setTimeout(r, 50))
      }
    })
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(injected).toBeGreaterThan(0)

    // The DOs' alarms retry the failed write-throughs (forced here instead of waiting for backoff).
    await pool(orderIds, 10, (id) => (env.ORDER.get(env.ORDER.idFromName(id)) as DurableObjectStub<OrderDO>).reconcile(id))

    const db = getDb(env)
    const rows = await db.select().from(orders).where(inArray(orders.id, orderIds))
    expect(rows.filter((o) => o.status !== 'paid').map((o) => [o.id, o.status])).toEqual([])
    const paymentRows = await db.select().from(payments).where(inArray(payments.orderId, orderIds))
    expect(paymentRows.filter((p) => p.status !== 'succeeded')).toEqual([])
    for (const id of orderIds) {
      const state = await (env.ORDER.get(env.ORDER.idFromName(id)) as DurableObjectStub<OrderDO>).get(id)
      expect(state!.status).toBe('paid')
      const history = await db.select().from(orderHistory).where(eq(orderHistory.orderId, id))
      expect(history.map((h) => h.toStatus).sort()).toEqual(['paid', 'pending', 'processing'])
    }
    expect(await db.select().from(paymentAlerts).where(inArray(paymentAlerts.orderId, orderIds))).toEqual([])
  })
})
