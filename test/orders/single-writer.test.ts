/**
 * One writer per order: every path asks the OrderDO and never decides from D1's copy. D1 lagging
 * behind the DO (a write-through that failed or has not landed yet) is simulated by setting the
 * D1 row back to an older status/version, exactly what a reader sees while the DO is ahead.
 */
import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { orderLines, orders, type OrderStatus } from '../../src/modules/orders/tables'
import { applyProviderState } from '../../src/workflows/payment-outcomes'
import { stripeProvider } from '../../src/modules/payments/providers/stripe'
import { paymentAlerts } from '../../src/modules/payments/tables'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { confirmIntent, deliver, getOrderAs, installStripe, lastEvent, paymentRow, placeOrder } from '../payments/harness'
import { addToCart, checkout, checkoutBody, flatShipping } from './fixtures'

afterEach(() => vi.restoreAllMocks())

/** Make D1's read model show an older state of the order than its OrderDO has. */
async function lagD1(orderId: string, status: OrderStatus, version: number) {
  await getDb(env).update(orders).set({ status, version }).where(eq(orders.id, orderId))
}
const d1Status = async (orderId: string) => (await getDb(env).select().from(orders).where(eq(orders.id, orderId)))[0]!.status
const alertsOf = (orderId: string) => getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, orderId))

describe('pay and webhooks decide from the OrderDO, not from D1', () => {
  it('POST /orders/{id}/pay while D1 still says pending answers 200 (was 409 "processing to processing")', async () => {
    installStripe()
    const { user, order } = await placeOrder()
    await lagD1(order.id, 'pending', 0) // the DO is at processing (seq 1)
    const results = await Promise.all(
      Array.from({ length: 4 }, () => api('POST', `/api/v1/orders/${order.id}/pay`, { headers: user.auth })),
    )
    for (const res of results) {
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body).toMatchObject({ status: 'requires_payment', next_action: { type: 'stripe_payment_intent' } })
    }
    const processing = (await getOrderAs(user, order.id)).timeline.filter((t: { to: string }) => t.to === 'processing')
    expect(processing).toHaveLength(1)
  })

  it('the success webhook while D1 still says pending pays the order (was 500 "processing to processing")', async () => {
    const { stripe } = installStripe()
    const { order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    await lagD1(order.id, 'pending', 0)
    const res = await deliver(lastEvent(stripe, 'payment_intent.succeeded', piId))
    expect(res).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect(await d1Status(order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded' })
  })

  it('a second success report while D1 still says processing is already_paid, not a false paid_after_terminal alert', async () => {
    const { stripe } = installStripe()
    const { order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    expect((await deliver(lastEvent(stripe, 'payment_intent.succeeded', piId))).body).toMatchObject({ outcome: 'order_paid' })
    await lagD1(order.id, 'processing', 1) // the DO is at paid (seq 2)
    const truth = await stripeProvider.retrieve(env, piId, {
      id: order.id,
      user_id: '',
      amount: order.total.amount,
      currency: 'USD',
      email: null,
    })
    const outcome = await applyProviderState(env, (await paymentRow(order.id))!, truth, { actor: { type: 'system', id: 'reconciliation' } })
    expect(outcome).toBe('already_paid')
    expect(await alertsOf(order.id)).toEqual([])
  })

  it('GET /admin/orders/{id}/payments answers 404 for an order that does not exist', async () => {
    const staff = await createUser('staff')
    const res = await api('GET', '/api/v1/admin/orders/ord_doesnotexist/payments', { headers: staff.auth })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })
})

describe('line fulfilment is decided by the OrderDO', () => {
  it('a seller cannot ship a line of an order that was refunded, even while D1 still says paid', async () => {
    const seller = await createUser('seller')
    const admin = await createUser('admin')
    const p = await createProduct({ sellerId: seller.id, variants: [{ price: 3000, stock: 5 }] })
    const ship = await flatShipping(0)
    const user = await createUser('customer')
    await addToCart(user, p.variants[0]!.id, 1)
    const order = (await checkout(user, crypto.randomUUID(), checkoutBody(ship))).body.order
    expect((await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: admin.auth, body: {} })).status).toBe(200)
    const refund = await api('POST', `/api/v1/admin/orders/${order.id}/refunds`, { headers: admin.auth, body: {} })
    expect(refund.body.order.status).toBe('refunded')
    await lagD1(order.id, 'paid', 2)

    const res = await api('POST', `/api/v1/seller/order-lines/${order.lines[0].id}/ship`, {
      headers: seller.auth,
      body: { carrier: 'DHL', tracking_number: 'JD1' },
    })
    expect(res.status).toBe(409)
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', message: 'Lines of a refunded order cannot be shipped' })
    const [line] = await getDb(env).select().from(orderLines).where(eq(orderLines.id, order.lines[0].id))
    expect(line!.fulfilmentStatus).toBe('unfulfilled')
  })

  it('two sellers shipping their last lines at once: both lines shipped, the order shipped once', async () => {
    const [a, b] = [await createUser('seller'), await createUser('seller')]
    const admin = await createUser('admin')
    const pa = await createProduct({ sellerId: a.id, variants: [{ price: 1000, stock: 5 }] })
    const pb = await createProduct({ sellerId: b.id, variants: [{ price: 1000, stock: 5 }] })
    const ship = await flatShipping(0)
    const user = await createUser('customer')
    await addToCart(user, pa.variants[0]!.id, 1)
    await addToCart(user, pb.variants[0]!.id, 1)
    const order = (await checkout(user, crypto.randomUUID(), checkoutBody(ship))).body.order
    await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: admin.auth, body: {} })
    const lineOf = (sellerId: string) => order.lines.find((l: { seller_id: string }) => l.seller_id === sellerId).id as string
    const results = await Promise.all([
      api('POST', `/api/v1/seller/order-lines/${lineOf(a.id)}/ship`, { headers: a.auth, body: { carrier: 'DHL', tracking_number: 'A1' } }),
      api('POST', `/api/v1/seller/order-lines/${lineOf(b.id)}/ship`, { headers: b.auth, body: { carrier: 'UPS', tracking_number: 'B1' } }),
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200])
    const detail = await getOrderAs(user, order.id)
    expect(detail.status).toBe('shipped')
    expect(detail.timeline.filter((t: { to: string }) => t.to === 'shipped')).toHaveLength(1)
    expect(detail.lines.map((l: { fulfilment_status: string }) => l.fulfilment_status)).toEqual(['shipped', 'shipped'])
    const again = await api('POST', `/api/v1/seller/order-lines/${lineOf(a.id)}/ship`, {
      headers: a.auth,
      body: { carrier: 'DHL', tracking_number: 'A2' },
    })
    expect(again.status).toBe(409)
  })
})
