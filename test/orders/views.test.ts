import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { orders } from '../../src/modules/orders/tables'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping, placeOrder, type TestUser } from './fixtures'

describe('order views', () => {
  let ship: string
  let admin: TestUser
  beforeAll(async () => {
    ship = await flatShipping(500)
    admin = await createUser('staff')
  })
  const adminMove = (orderId: string, body: Record<string, unknown>) =>
    api('POST', `/api/v1/admin/orders/${orderId}/transition`, { headers: admin.auth, body })

  it('customers list only their own orders, newest first, paginated; another user’s order is 404', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 50 }] })
    const user = await createUser('customer')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await placeOrder(p.variants[0]!.id, ship, 1, user)).order.id)
    const stranger = await createUser('customer')
    await placeOrder(p.variants[0]!.id, ship, 1, stranger)

    const page1 = await api('GET', '/api/v1/orders?limit=2', { headers: user.auth })
    expect(page1.status).toBe(200)
    expect(page1.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]])
    expect(page1.body.next_cursor).toEqual(expect.any(String))
    const page2 = await api('GET', `/api/v1/orders?limit=2&cursor=${page1.body.next_cursor}`, { headers: user.auth })
    expect(page2.body.data.map((o: { id: string }) => o.id)).toEqual([ids[0]])
    expect(page2.body.next_cursor).toBeNull()

    const mine = await api('GET', `/api/v1/orders/${ids[0]}`, { headers: user.auth })
    expect(mine.status).toBe(200)
    expect(mine.body.timeline).toHaveLength(1)
    const theirs = await api('GET', `/api/v1/orders/${ids[0]}`, { headers: stranger.auth })
    expect(theirs.status).toBe(404)
    expect(theirs.body.error.code).toBe('not_found')
    expect((await api('GET', '/api/v1/orders')).status).toBe(401)
  })

  it('sellers see only their own lines and ship them; the order ships when every line has', async () => {
    const sellerA = await createUser('seller')
    const sellerB = await createUser('seller')
    const a = await createProduct({ sellerId: sellerA.id, name: 'Lamp', variants: [{ price: 3000, stock: 5 }] })
    const b = await createProduct({ sellerId: sellerB.id, name: 'Rug', variants: [{ price: 7000, stock: 5 }] })
    const user = await createUser('customer')
    await addToCart(user, a.variants[0]!.id, 1)
    await addToCart(user, b.variants[0]!.id, 2)
    const res = await checkout(user, 'k-two-sellers', checkoutBody(ship))
    expect(res.status).toBe(201)
    const order = res.body.order

    const listA = await api('GET', '/api/v1/seller/order-lines', { headers: sellerA.auth })
    expect(listA.status).toBe(200)
    expect(listA.body.data).toHaveLength(1)
    expect(listA.body.data[0]).toMatchObject({ order_id: order.id, product_name: 'Lamp', seller_id: sellerA.id })
    expect(listA.body.data[0].shipping_address.city).toBe('London')
    const lineA = listA.body.data[0].id as string
    const lineB = order.lines.find((l: { seller_id: string }) => l.seller_id === sellerB.id).id as string

    const tracking = { carrier: 'UPS', tracking_number: '1Z999' }
    const early = await api('POST', `/api/v1/seller/order-lines/${lineA}/ship`, { headers: sellerA.auth, body: tracking })
    expect(early.status).toBe(409)
    if (order.status === 'pending') expect((await adminMove(order.id, { to: 'processing' })).status).toBe(200)
    expect((await adminMove(order.id, { to: 'paid' })).status).toBe(200)

    const notMine = await api('POST', `/api/v1/seller/order-lines/${lineB}/ship`, { headers: sellerA.auth, body: tracking })
    expect(notMine.status).toBe(404)
    const noTracking = await api('POST', `/api/v1/seller/order-lines/${lineA}/ship`, { headers: sellerA.auth, body: { carrier: 'UPS' } })
    expect(noTracking.status).toBe(400)
    expect((await api('GET', '/api/v1/seller/order-lines', { headers: user.auth })).status).toBe(403)

    const shipA = await api('POST', `/api/v1/seller/order-lines/${lineA}/ship`, { headers: sellerA.auth, body: tracking })
    expect(shipA.status).toBe(200)
    expect(shipA.body).toMatchObject({ fulfilment_status: 'shipped', carrier: 'UPS', tracking_number: '1Z999', order_status: 'paid' })
    const twice = await api('POST', `/api/v1/seller/order-lines/${lineA}/ship`, { headers: sellerA.auth, body: tracking })
    expect(twice.status).toBe(409)

    const shipB = await api('POST', `/api/v1/seller/order-lines/${lineB}/ship`, {
      headers: sellerB.auth,
      body: { carrier: 'DHL', tracking_number: 'JD42' },
    })
    expect(shipB.status).toBe(200)
    expect(shipB.body.order_status).toBe('shipped')
    const detail = await api('GET', `/api/v1/orders/${order.id}`, { headers: user.auth })
    expect(detail.body.status).toBe('shipped')
    expect(detail.body.timeline.at(-1)).toMatchObject({ to: 'shipped', actor: { type: 'seller', id: sellerB.id } })
    // Each line keeps its own seller's tracking.
    const byLine = Object.fromEntries(detail.body.lines.map((l: { id: string; tracking_number: string }) => [l.id, l.tracking_number]))
    expect(byLine).toEqual({ [lineA]: '1Z999', [lineB]: 'JD42' })

    const shippedOnly = await api('GET', '/api/v1/seller/order-lines?fulfilment_status=unfulfilled', { headers: sellerB.auth })
    expect(shippedOnly.body.data).toHaveLength(0)
  })

  it('staff filter all orders by status, customer and date, and page through them', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 50 }] })
    const u1 = await createUser('customer')
    const u2 = await createUser('customer')
    const o1 = (await placeOrder(p.variants[0]!.id, ship, 1, u1)).order
    const o2 = (await placeOrder(p.variants[0]!.id, ship, 1, u1)).order
    const o3 = (await placeOrder(p.variants[0]!.id, ship, 1, u2)).order
    await api('POST', `/api/v1/orders/${o2.id}/cancel`, { headers: u1.auth })
    // Put o1 a day in the past so the date filters have something to separate.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString()
    await getDb(env).update(orders).set({ createdAt: yesterday }).where(eq(orders.id, o1.id))

    const byUser = await api('GET', `/api/v1/admin/orders?user_id=${u1.id}`, { headers: admin.auth })
    expect(byUser.status).toBe(200)
    expect(byUser.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id, o1.id])

    const cancelled = await api('GET', `/api/v1/admin/orders?status=cancelled&user_id=${u1.id}`, { headers: admin.auth })
    expect(cancelled.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id])

    const since = new Date(Date.now() - 3_600_000).toISOString()
    const recent = await api('GET', `/api/v1/admin/orders?user_id=${u1.id}&from=${encodeURIComponent(since)}`, { headers: admin.auth })
    expect(recent.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id])
    const old = await api('GET', `/api/v1/admin/orders?user_id=${u1.id}&to=${encodeURIComponent(since)}`, { headers: admin.auth })
    expect(old.body.data.map((o: { id: string }) => o.id)).toEqual([o1.id])

    const first = await api('GET', '/api/v1/admin/orders?limit=1', { headers: admin.auth })
    expect(first.body.data).toHaveLength(1)
    const second = await api('GET', `/api/v1/admin/orders?limit=1&cursor=${first.body.next_cursor}`, { headers: admin.auth })
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id)

    const one = await api('GET', `/api/v1/admin/orders/${o3.id}`, { headers: admin.auth })
    expect(one.body).toMatchObject({ id: o3.id, user_id: u2.id })
    expect((await api('GET', '/api/v1/admin/orders', { headers: u1.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/orders?status=bogus', { headers: admin.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/orders/ord_nope', { headers: admin.auth })).status).toBe(404)
  })

  it('documents the required Idempotency-Key header of checkout in /openapi.json', async () => {
    const doc = await api('GET', '/openapi.json')
    expect(doc.body.paths['/api/v1/checkout'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true })]),
    )
  })
})
