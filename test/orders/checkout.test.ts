import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { getDb } from '../../src/lib/db'
import { discounts } from '../../src/modules/pricing/tables'
import { orderHistory, orderLines, orders } from '../../src/modules/orders/tables'
import { createProduct, updateVariant, variantStock } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, discountCode, flatShipping } from './fixtures'

const db = () => getDb(env)
const ordersOf = (userId: string) => db().select().from(orders).where(eq(orders.userId, userId))

describe('POST /api/v1/checkout', () => {
  let ship: string
  beforeAll(async () => {
    ship = await flatShipping(500)
  })

  it('creates the order with snapshotted lines, reserves stock, clears the cart', async () => {
    const seller = await createUser('seller')
    const p = await createProduct({ sellerId: seller.id, name: 'Kettle', variants: [{ price: 2500, stock: 7, sku: `KET-${Date.now()}` }] })
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 2)

    const res = await checkout(user, 'k-happy', checkoutBody(ship, { expected_total: 5500 }))
    expect(res.status).toBe(201)
    const { order, payment } = res.body
    expect(order).toMatchObject({
      user_id: user.id,
      subtotal: { amount: 5000, currency: 'USD' },
      shipping: { amount: 500, currency: 'USD' },
      total: { amount: 5500, currency: 'USD' },
      shipping_address: { country: 'GB', city: 'London' },
      payment_provider: 'manual',
      line_count: 1,
      item_count: 2,
    })
    expect(order.id).toMatch(/^ord_/)
    expect(order.lines[0]).toMatchObject({
      product_name: 'Kettle',
      sku: p.variants[0]!.sku,
      seller_id: seller.id,
      unit_price: { amount: 2500, currency: 'USD' },
      quantity: 2,
      fulfilment_status: 'unfulfilled',
    })
    // Payment initiation may already have moved it on to processing.
    expect(['pending', 'processing']).toContain(order.status)
    expect(order.timeline[0]).toEqual(expect.objectContaining({ from: null, to: 'pending', actor: { type: 'customer', id: user.id } }))
    expect(payment).toMatchObject({ provider: 'manual', status: expect.any(String) })
    expect(await variantStock(p.variants[0]!.id)).toBe(5)

    const cart = await api('GET', '/api/v1/cart', { headers: user.auth })
    expect(cart.body.lines ?? cart.body.items ?? []).toHaveLength(0)

    // The snapshot does not follow later catalog edits.
    await updateVariant(p.variants[0]!.id, { price: 9999 })
    const again = await api('GET', `/api/v1/orders/${order.id}`, { headers: user.auth })
    expect(again.body.lines[0].unit_price.amount).toBe(2500)
  })

  it('requires sign-in and an Idempotency-Key of 1..255 characters', async () => {
    const user = await createUser('customer')
    const anon = await api('POST', '/api/v1/checkout', { body: checkoutBody(ship), headers: { 'Idempotency-Key': 'x' } })
    expect(anon.status).toBe(401)
    const missing = await api('POST', '/api/v1/checkout', { headers: user.auth, body: checkoutBody(ship) })
    expect(missing.status).toBe(400)
    const long = await checkout(user, 'x'.repeat(256), checkoutBody(ship))
    expect(long.status).toBe(400)
    const both = await checkout(user, 'k', { ...checkoutBody(ship), address_id: 'adr_x' })
    expect(both.status).toBe(400)
  })

  it('refuses an empty cart with 422 and creates nothing', async () => {
    const user = await createUser('customer')
    const res = await checkout(user, 'k-empty', checkoutBody(ship))
    expect(res.status).toBe(422)
    expect(await ordersOf(user.id)).toHaveLength(0)
  })

  it('replays the same order for a sequential retry with the same key', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 1)
    const first = await checkout(user, 'k-retry', checkoutBody(ship))
    expect(first.status).toBe(201)
    const second = await checkout(user, 'k-retry', checkoutBody(ship))
    expect(second.status).toBe(200)
    expect(second.headers.get('Idempotent-Replayed')).toBe('true')
    expect(second.body.order.id).toBe(first.body.order.id)
    expect(second.body).toEqual(first.body)
    expect(await ordersOf(user.id)).toHaveLength(1)
    expect(await variantStock(p.variants[0]!.id)).toBe(9)
  })

  it('creates exactly one order for concurrent requests with the same key', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 3)
    const send = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
    const results = await Promise.all(Array.from({ length: 8 }, () => checkout(user, 'k-concurrent', checkoutBody(ship))))
    const statuses = results.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true)
    const ids = new Set(results.map((r) => r.body.order.id))
    expect(ids.size).toBe(1)
    expect(await ordersOf(user.id)).toHaveLength(1)
    expect(await variantStock(p.variants[0]!.id)).toBe(7)
    // One order, one order.created (whichever of the racing requests woke the OrderDO first).
    const created = send.mock.calls
      .map((c) => c[0] as DomainEvent)
      .filter((e) => e.type === 'order.created' && e.data.order_id === results[0]!.body.order.id)
    expect(created).toHaveLength(1)
    send.mockRestore()
  })

  it('answers 409 idempotency_conflict for the same key with a different body', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 1)
    expect((await checkout(user, 'k-conflict', checkoutBody(ship))).status).toBe(201)
    const other = await checkout(user, 'k-conflict', checkoutBody(ship, { email: 'other@example.test' }))
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('idempotency_conflict')
    // Keys are per user: another user may use the same key.
    const someoneElse = await createUser('customer')
    await addToCart(someoneElse, p.variants[0]!.id, 1)
    expect((await checkout(someoneElse, 'k-conflict', checkoutBody(ship))).status).toBe(201)
  })

  it('creates nothing when one line is short: no order, stock untouched, discount not consumed', async () => {
    const plenty = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const scarce = await createProduct({ variants: [{ price: 1000, stock: 3 }] })
    const code = await discountCode({ code: `HALF${Date.now() % 100000}`, percent: 50, usage_limit: 5 })
    const user = await createUser('customer')
    await addToCart(user, plenty.variants[0]!.id, 2)
    await addToCart(user, scarce.variants[0]!.id, 3)
    // Someone else buys one unit behind the cart's back.
    await updateVariant(scarce.variants[0]!.id, { stock: 2 })

    const res = await checkout(user, 'k-short', checkoutBody(ship, { discount_code: code.code }))
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('out_of_stock')
    expect(await ordersOf(user.id)).toHaveLength(0)
    expect(await variantStock(plenty.variants[0]!.id)).toBe(10)
    expect(await variantStock(scarce.variants[0]!.id)).toBe(2)
    const [d] = await db().select().from(discounts).where(eq(discounts.id, code.id))
    expect(d!.usedCount).toBe(0)
    // The failed attempt stored no idempotency record: once stock is back the same key succeeds.
    await updateVariant(scarce.variants[0]!.id, { stock: 5 })
    const retry = await checkout(user, 'k-short', checkoutBody(ship, { discount_code: code.code }))
    expect(retry.status).toBe(201)
    expect(retry.body.order.discount.amount).toBe(2500)
    const [after] = await db().select().from(discounts).where(eq(discounts.id, code.id))
    expect(after!.usedCount).toBe(1)
  })

  it('charges the current price when it changed after the item was added', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 2)
    await updateVariant(p.variants[0]!.id, { price: 1200 })

    const stale = await checkout(user, 'k-price-1', checkoutBody(ship, { expected_total: 2500 }))
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('price_changed')
    expect(await ordersOf(user.id)).toHaveLength(0)

    const res = await checkout(user, 'k-price-2', checkoutBody(ship, { expected_total: 2900 }))
    expect(res.status).toBe(201)
    expect(res.body.order.lines[0].unit_price.amount).toBe(1200)
    expect(res.body.order.total.amount).toBe(2900)
  })

  it('enforces discount usage limits: total and per customer', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 50 }] })
    const total = await discountCode({ code: `ONCE${Date.now() % 100000}`, usage_limit: 1 })
    const a = await createUser('customer')
    const b = await createUser('customer')
    await addToCart(a, p.variants[0]!.id, 1)
    await addToCart(b, p.variants[0]!.id, 1)
    const results = await Promise.all([
      checkout(a, 'k-d1', checkoutBody(ship, { discount_code: total.code })),
      checkout(b, 'k-d1', checkoutBody(ship, { discount_code: total.code })),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('discount_unavailable')
    const [d] = await db().select().from(discounts).where(eq(discounts.id, total.id))
    expect(d!.usedCount).toBe(1)

    const perCustomer = await discountCode({ code: `MINE${Date.now() % 100000}`, per_customer_limit: 1 })
    const c = await createUser('customer')
    await addToCart(c, p.variants[0]!.id, 1)
    expect((await checkout(c, 'k-pc-1', checkoutBody(ship, { discount_code: perCustomer.code }))).status).toBe(201)
    await addToCart(c, p.variants[0]!.id, 1)
    const second = await checkout(c, 'k-pc-2', checkoutBody(ship, { discount_code: perCustomer.code }))
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('discount_unavailable')
  })

  it('uses a saved address by id, and refuses someone else’s', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const user = await createUser('customer')
    const created = await api('POST', '/api/v1/me/addresses', {
      headers: user.auth,
      body: { name: 'Grace Hopper', line1: '2 Compiler Way', city: 'Arlington', country: 'US', region: 'VA' },
    })
    expect(created.status).toBe(201)
    await addToCart(user, p.variants[0]!.id, 1)
    const other = await createUser('customer')
    const foreign = await checkout(other, 'k-addr', { address_id: created.body.id, shipping_method_id: ship, payment_provider: 'manual' })
    expect(foreign.status).toBe(404)
    const res = await checkout(user, 'k-addr', { address_id: created.body.id, shipping_method_id: ship, payment_provider: 'manual' })
    expect(res.status).toBe(201)
    expect(res.body.order.shipping_address).toMatchObject({ name: 'Grace Hopper', country: 'US', region: 'VA' })
    expect(res.body.payment.provider).toBe('manual')
    const [row] = await db().select().from(orderHistory).where(eq(orderHistory.orderId, res.body.order.id))
    expect(row!.toStatus).toBe('pending')
    const lines = await db().select().from(orderLines).where(eq(orderLines.orderId, res.body.order.id))
    expect(lines).toHaveLength(1)
  })
})
