import { afterEach, describe, expect, it, vi } from 'vitest'
import { variantStock } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { deliver, getOrderAs, installStripe, lastEvent, paymentRow, payWithCard, placeOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const refund = (staff: { auth: Record<string, string> }, orderId: string, body: Record<string, unknown>, key?: string) =>
  api('POST', `/api/v1/admin/orders/${orderId}/refunds`, { headers: { ...staff.auth, ...(key ? { 'Idempotency-Key': key } : {}) }, body })

async function paidOrder(opts: { stock?: number; quantity?: number } = {}) {
  const { stripe } = installStripe()
  const placed = await placeOrder(opts)
  const piId = await payWithCard(stripe, placed.order.id)
  expect((await getOrderAs(placed.user, placed.order.id)).status).toBe('paid')
  return { stripe, piId, staff: await createUser('staff'), ...placed }
}

describe('refunds', () => {
  it('partial then full refund through Stripe; the order follows; nothing more can be refunded', async () => {
    const { stripe, piId, staff, user, order } = await paidOrder()
    const total = order.total.amount // 2500

    const partial = await refund(staff, order.id, { amount: 1000, reason: 'requested_by_customer' })
    expect(partial.status).toBe(201)
    expect(partial.body).toMatchObject({
      refund: { amount: { amount: 1000, currency: 'USD' }, status: 'succeeded', provider: 'stripe' },
      order: { status: 'partially_refunded', refunded: { amount: 1000 } },
    })
    const stripeRefund = stripe.state.refunds.get(partial.body.refund.provider_ref)
    expect(stripeRefund).toMatchObject({
      amount: 1000,
      payment_intent: piId,
      reason: 'requested_by_customer',
      metadata: { order_id: order.id },
    })

    const rest = await refund(staff, order.id, {})
    expect(rest.status).toBe(201)
    expect(rest.body).toMatchObject({
      refund: { amount: { amount: total - 1000 } },
      order: { status: 'refunded', refunded: { amount: total } },
    })
    expect(stripe.state.charges.values().next().value).toMatchObject({ amount_refunded: total, refunded: true })

    const more = await refund(staff, order.id, { amount: 1 })
    expect(more.status).toBe(409)
    expect(await paymentRow(order.id)).toMatchObject({ amountReceived: total, amountRefunded: total })
    const timeline = (await getOrderAs(user, order.id)).timeline.map((t: { to: string }) => t.to)
    expect(timeline.slice(-2)).toEqual(['partially_refunded', 'refunded'])

    // Stripe's own events for these refunds arrive afterwards: recognised, nothing changes.
    const res = await deliver(lastEvent(stripe, 'charge.refunded'))
    expect(res.body).toMatchObject({ outcome: 'refunds_synced' })
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: total })
    expect((await getOrderAs(user, order.id)).timeline.filter((t: { to: string }) => t.to.includes('refunded'))).toHaveLength(2)

    const money = await api('GET', `/api/v1/admin/orders/${order.id}/payments`, { headers: staff.auth })
    expect(money.status).toBe(200)
    expect(money.body.payments).toHaveLength(1)
    expect(money.body.refunds.map((r: { amount: { amount: number }; status: string }) => [r.amount.amount, r.status])).toEqual([
      [1000, 'succeeded'],
      [total - 1000, 'succeeded'],
    ])
  })

  it('refuses an over-refund, including two racing refunds that together exceed the payment', async () => {
    const { stripe, staff, order } = await paidOrder()
    const tooMuch = await refund(staff, order.id, { amount: order.total.amount + 1 })
    expect(tooMuch.status).toBe(409)
    const [a, b] = await Promise.all([refund(staff, order.id, { amount: 1500 }), refund(staff, order.id, { amount: 1500 })])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    expect(stripe.state.refunds.size).toBe(1)
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 1500 })
  })

  it('a retry with the same Idempotency-Key returns the first refund and refunds nothing more', async () => {
    const { stripe, staff, order } = await paidOrder()
    const first = await refund(staff, order.id, { amount: 700 }, 'refund-key-1')
    const retry = await refund(staff, order.id, { amount: 700 }, 'refund-key-1')
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.refund.id).toBe(first.body.refund.id)
    expect(stripe.state.refunds.size).toBe(1)
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 700 })
  })

  it('restock puts the items back once, even over several refunds', async () => {
    const { staff, order, product } = await paidOrder({ stock: 5, quantity: 2 })
    const variant = product.variants[0]!.id
    expect(await variantStock(variant)).toBe(3)
    expect((await refund(staff, order.id, { amount: 100, restock: true })).status).toBe(201)
    expect(await variantStock(variant)).toBe(5)
    expect((await refund(staff, order.id, { restock: true })).status).toBe(201)
    expect(await variantStock(variant)).toBe(5)
  })

  it('a refund made in the Stripe dashboard arrives by webhook and is recorded on the order', async () => {
    const { stripe, piId, user, order } = await paidOrder()
    const res = await stripe.app.request('/v1/refunds', {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_vitest', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: piId, amount: '400' }).toString(),
    })
    expect(res.status).toBe(200)
    const event = lastEvent(stripe, 'refund.created')
    expect((await deliver(event)).body).toMatchObject({ outcome: 'refunds_synced' })
    expect((await deliver(lastEvent(stripe, 'charge.refunded'))).body).toMatchObject({ outcome: 'refunds_synced' })
    const detail = await getOrderAs(user, order.id)
    expect(detail).toMatchObject({ status: 'partially_refunded', refunded: { amount: 400 } })
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 400 })
  })

  it('a refund Stripe refuses is marked failed and its reserved amount is given back', async () => {
    const { stripe, piId, staff, user, order } = await paidOrder()
    // Someone refunded everything in the dashboard; its webhook has not arrived yet.
    await stripe.app.request('/v1/refunds', {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_vitest', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: piId }).toString(),
    })
    const res = await refund(staff, order.id, { amount: 500 })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toMatch(/already been refunded/)
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 0 })
    // The dashboard refund's webhook then brings D1 and the order in line.
    expect((await deliver(lastEvent(stripe, 'charge.refunded'))).body).toMatchObject({ outcome: 'refunds_synced' })
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: order.total.amount })
    expect((await getOrderAs(user, order.id)).status).toBe('refunded')
  })

  it('only staff refund, only paid orders can be refunded', async () => {
    const { user, order } = await paidOrder()
    expect((await refund(user, order.id, { amount: 100 })).status).toBe(403)
    installStripe()
    const unpaid = await placeOrder()
    const staff = await createUser('admin')
    const res = await refund(staff, unpaid.order.id, {})
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('invalid_transition')
    expect((await refund(staff, order.id, { amount: -5 })).status).toBe(400)
  })
})
