import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, createUser } from '../helpers'
import { getOrderAs, installStripe, paymentRow, placeOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const pay = (user: { auth: Record<string, string> }, orderId: string) =>
  api('POST', `/api/v1/orders/${orderId}/pay`, { headers: user.auth })

describe('POST /orders/:id/pay (Stripe)', () => {
  it('checkout creates one PaymentIntent for the exact total, with the order id in metadata, and moves the order to processing', async () => {
    const { stripe } = installStripe()
    const { user, order, checkout } = await placeOrder({ price: 1999, quantity: 2 })
    expect(order.total.amount).toBe(2 * 1999 + 500)
    expect(checkout.payment).toMatchObject({
      provider: 'stripe',
      status: 'requires_payment',
      next_action: { type: 'stripe_payment_intent' },
    })
    const [pi] = [...stripe.state.paymentIntents.values()]
    expect(stripe.state.paymentIntents.size).toBe(1)
    expect(pi).toMatchObject({ amount: 4498, currency: 'usd', metadata: { order_id: order.id, user_id: user.id } })
    expect(checkout.payment.next_action.client_secret).toBe(pi!.client_secret)
    const detail = await getOrderAs(user, order.id)
    expect(detail.status).toBe('processing')
    expect(detail.timeline.at(-1)).toMatchObject({ from: 'pending', to: 'processing', reason: 'payment initiated' })
    expect(await paymentRow(order.id)).toMatchObject({
      provider: 'stripe',
      providerRef: pi!.id,
      status: 'pending',
      amount: 4498,
      currency: 'USD',
    })
  })

  it('a double click (sequential and concurrent) returns the same client_secret and never a second PaymentIntent', async () => {
    const { stripe } = installStripe()
    const { user, order, checkout } = await placeOrder()
    const again = await pay(user, order.id)
    const [a, b] = await Promise.all([pay(user, order.id), pay(user, order.id)])
    for (const res of [again, a, b]) {
      expect(res.status).toBe(200)
      expect(res.body.next_action.client_secret).toBe(checkout.payment.next_action.client_secret)
      expect(res.body.payment.id).toBe(checkout.payment.payment_id)
    }
    expect(stripe.state.paymentIntents.size).toBe(1)
    const creates = stripe.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
    expect(creates).toHaveLength(1)
    expect(creates[0]!.idempotencyKey).toBe(`ec-pay-${order.id}-stripe`)
    expect((await getOrderAs(user, order.id)).timeline.filter((t: { to: string }) => t.to === 'processing')).toHaveLength(1)
  })

  it('concurrent first clicks share one PaymentIntent through the idempotency key', async () => {
    // Checkout could not reach Stripe, so the order is still pending with no intent; then two clicks race.
    const down = installStripe()
    down.fetchSpy.mockImplementation(async () => new Response('{"error":{"type":"api_error","message":"down"}}', { status: 500 }))
    const { user, order, checkout } = await placeOrder()
    expect(checkout.payment.status).toBe('initiation_failed')
    vi.restoreAllMocks()
    const { stripe } = installStripe()
    const [a, b] = await Promise.all([pay(user, order.id), pay(user, order.id)])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.body.next_action.client_secret).toBe(b.body.next_action.client_secret)
    expect(stripe.state.paymentIntents.size).toBe(1)
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
  })

  it("another customer's order answers 404, and a missing one too", async () => {
    installStripe()
    const { order } = await placeOrder()
    const stranger = await createUser('customer')
    expect((await pay(stranger, order.id)).status).toBe(404)
    expect((await pay(stranger, 'ord_doesnotexist')).status).toBe(404)
    expect((await api('POST', `/api/v1/orders/${order.id}/pay`)).status).toBe(401)
  })

  it('refuses to pay an order that is no longer payable', async () => {
    installStripe()
    const { user, order } = await placeOrder()
    expect((await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth, body: {} })).status).toBe(200)
    const res = await pay(user, order.id)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('invalid_transition')
  })
})

describe('manual payments', () => {
  it('pay returns instructions; staff confirm; the order is paid and listed', async () => {
    const { stripe } = installStripe()
    const { user, order, checkout } = await placeOrder({ provider: 'manual' })
    expect(checkout.payment).toMatchObject({
      provider: 'manual',
      status: 'awaiting_confirmation',
      next_action: { type: 'manual_payment', reference: order.id },
    })
    const res = await pay(user, order.id)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ provider: 'manual', status: 'awaiting_confirmation' })
    expect(res.body.next_action.instructions).toMatch(/bank transfer/)
    expect(stripe.state.requests).toHaveLength(0)
    expect((await getOrderAs(user, order.id)).status).toBe('pending')

    const staff = await createUser('staff')
    expect((await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: user.auth, body: {} })).status).toBe(403)
    const confirmed = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, {
      headers: staff.auth,
      body: { reference: 'BANK-42' },
    })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ order: { status: 'paid' }, payment: { status: 'succeeded', amount_received: order.total } })
    const detail = await getOrderAs(user, order.id)
    expect(detail.timeline.at(-1)).toMatchObject({ to: 'paid', actor: { type: 'staff', id: staff.id } })
    // Confirming twice changes nothing.
    const twice = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: staff.auth, body: {} })
    expect(twice.status).toBe(200)
    expect((await getOrderAs(user, order.id)).timeline.filter((t: { to: string }) => t.to === 'paid')).toHaveLength(1)

    const list = await api('GET', `/api/v1/admin/payments?provider=manual&status=succeeded&order_id=${order.id}`, { headers: staff.auth })
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0]).toMatchObject({ order_id: order.id, provider: 'manual', status: 'succeeded' })
    expect((await api('GET', '/api/v1/admin/payments', { headers: user.auth })).status).toBe(403)
  })

  it('staff cannot confirm a Stripe order by hand', async () => {
    installStripe()
    const { order } = await placeOrder()
    const staff = await createUser('staff')
    const res = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: staff.auth, body: {} })
    expect(res.status).toBe(409)
  })

  it('lists payments newest first with a working cursor', async () => {
    installStripe()
    const admin = await createUser('admin')
    for (let i = 0; i < 3; i++) await placeOrder()
    const first = await api('GET', '/api/v1/admin/payments?limit=2&provider=stripe', { headers: admin.auth })
    expect(first.body.data).toHaveLength(2)
    expect(first.body.next_cursor).toEqual(expect.any(String))
    const second = await api('GET', `/api/v1/admin/payments?limit=2&provider=stripe&cursor=${first.body.next_cursor}`, {
      headers: admin.auth,
    })
    const ids = [...first.body.data, ...second.body.data].map((p: { id: string }) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThanOrEqual(3)
  })
})
