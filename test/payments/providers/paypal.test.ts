import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPaypalFake, signPaypalDelivery, type PaypalDelivery } from '../../../fakes/paypal'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { variantStock } from '../../fixtures/catalog'
import { routeFetch } from '../../fakes'
import { api } from '../../helpers'
import { age, alertsFor, eventsOf, orderStatus, paymentRow, placeOrder, post, refund, refundRows, shuffled, transitionsTo } from './harness'

afterEach(() => vi.restoreAllMocks())

function install() {
  const paypal = createPaypalFake({
    clientId: env.PAYPAL_CLIENT_ID,
    clientSecret: env.PAYPAL_CLIENT_SECRET,
    webhookId: env.PAYPAL_WEBHOOK_ID,
  })
  routeFetch({ 'https://api-m.sandbox.paypal.com': paypal.fetch })
  return paypal
}
type Fake = ReturnType<typeof install>

/** The shopper approves on paypal.com (funding "declined" makes the capture fail). */
async function approve(paypal: Fake, paypalOrderId: string, funding: 'ok' | 'declined' = 'ok') {
  const res = await paypal.app.request(`/fake/buyer/${paypalOrderId}/approve`, {
    method: 'POST',
    body: JSON.stringify({ funding }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(res.status).toBe(200)
}

const deliveriesOf = (paypal: Fake, paypalOrderId: string) =>
  paypal.state.deliveries.filter((d) => JSON.stringify(d.event).includes(paypalOrderId))

const deliver = (d: Pick<PaypalDelivery, 'body' | 'headers'>) => post('/webhooks/paypal', d.body, d.headers)

async function placePaypal(opts: { stock?: number } = {}) {
  const placed = await placeOrder({ provider: 'paypal', currency: 'USD', stock: opts.stock })
  const ref = (await paymentRow(placed.order.id))!.providerRef!
  return { ...placed, ref }
}

describe('PayPal: paying', () => {
  it('creates a PayPal order for the exact total, hands out the approval link, and captures on CHECKOUT.ORDER.APPROVED', async () => {
    const paypal = install()
    const { user, order, checkout, ref } = await placePaypal()
    expect(checkout.payment).toMatchObject({ provider: 'paypal', status: 'requires_payment' })
    expect(checkout.payment.next_action).toMatchObject({
      type: 'paypal_payment',
      paypal_order_id: ref,
      approve_url: `https://www.sandbox.paypal.com/checkoutnow?token=${ref}`,
    })
    const created = paypal.state.orders.get(ref)!
    expect(created.purchase_units[0]).toMatchObject({ custom_id: order.id, amount: { currency_code: 'USD', value: '25.00' } })
    expect(await orderStatus(user, order.id)).toBe('processing')

    await approve(paypal, ref)
    const [approved] = deliveriesOf(paypal, ref)
    expect(approved!.event.event_type).toBe('CHECKOUT.ORDER.APPROVED')
    expect(await deliver(approved!)).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 2500 })
    // The capture's own webhook then changes nothing.
    const completed = deliveriesOf(paypal, ref).find((d) => d.event.event_type === 'PAYMENT.CAPTURE.COMPLETED')!
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { outcome: 'already_paid' } })
    expect(await transitionsTo(user, order.id, 'paid')).toBe(1)
  })

  it('captures when the shopper comes back and calls POST /orders/{id}/pay again', async () => {
    const paypal = install()
    const { user, order, ref } = await placePaypal()
    await approve(paypal, ref)
    const res = await api('POST', `/api/v1/orders/${order.id}/pay`, { headers: user.auth })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('succeeded')
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(paypal.state.requests.filter((r) => r.path.endsWith('/capture'))).toHaveLength(1)
  })

  it('fails the order when the capture is declined, releasing the stock', async () => {
    const paypal = install()
    const { user, order, ref, product } = await placePaypal({ stock: 3 })
    expect(await variantStock(product.variants[0]!.id)).toBe(2)
    await approve(paypal, ref, 'declined')
    expect(await deliver(deliveriesOf(paypal, ref)[0]!)).toMatchObject({ status: 200, body: { outcome: 'order_failed' } })
    expect(await orderStatus(user, order.id)).toBe('failed')
    expect((await paymentRow(order.id))!.status).toBe('failed')
    expect(await variantStock(product.variants[0]!.id)).toBe(3)
  })

  it('refuses a currency PayPal cannot charge before placing the order', async () => {
    install()
    await expect(placeOrder({ provider: 'paypal', currency: 'KES' })).rejects.toThrow(/checkout failed: 400/)
  })

  it('is listed in GET /payment-methods with its currencies', async () => {
    const res = await api('GET', '/api/v1/payment-methods')
    expect(res.status).toBe(200)
    const paypal = res.body.data.find((p: { provider: string }) => p.provider === 'paypal')
    expect(paypal.currencies).toContain('USD')
    expect(paypal.currencies).not.toContain('KES')
    expect(paypal.refunds).toBe('api')
    // Kaspi Pay has no refund API: the dashboard tells staff to refund in its cabinet.
    expect(res.body.data.find((p: { provider: string }) => p.provider === 'kaspi')).toMatchObject({
      currencies: ['KZT'],
      refunds: 'manual',
    })
  })
})

describe('PayPal: duplicate and shuffled webhooks', () => {
  for (const round of [1, 2, 3]) {
    it(`applies each event once whatever the order and count (round ${round})`, async () => {
      const paypal = install()
      const paid = await placePaypal()
      const declined = await placePaypal()
      await approve(paypal, paid.ref)
      await approve(paypal, declined.ref, 'declined')
      // The shopper's return captured both already, so the capture events exist before the approvals are delivered.
      await api('POST', `/api/v1/orders/${paid.order.id}/pay`, { headers: paid.user.auth })
      await api('POST', `/api/v1/orders/${declined.order.id}/pay`, { headers: declined.user.auth })
      const all = [...deliveriesOf(paypal, paid.ref), ...deliveriesOf(paypal, declined.ref)]
      expect(all.length).toBe(4)
      const storm = shuffled([...all, ...all, ...all])
      const results = await Promise.all(storm.map((d) => deliver(d)))
      for (const r of results) expect([200, 409]).toContain(r.status)
      // Whatever was told 409 (being processed) is redelivered, as PayPal would.
      for (const [i, r] of results.entries()) if (r.status === 409) expect((await deliver(storm[i]!)).status).toBe(200)

      expect(await orderStatus(paid.user, paid.order.id)).toBe('paid')
      expect(await transitionsTo(paid.user, paid.order.id, 'paid')).toBe(1)
      expect(await orderStatus(declined.user, declined.order.id)).toBe('failed')
      expect(await transitionsTo(declined.user, declined.order.id, 'failed')).toBe(1)
      const events = await eventsOf('paypal')
      const mine = events.filter((e) => all.some((d) => `paypal:${d.event.id}` === e.id))
      expect(mine).toHaveLength(4)
      for (const e of mine) expect(e.processedAt).not.toBeNull()
      expect(await alertsFor(paid.order.id)).toHaveLength(0)
      expect(await alertsFor(declined.order.id)).toHaveLength(0)
    })
  }
})

describe('PayPal: webhook verification', () => {
  it('refuses forged, tampered, stale and wrong-webhook deliveries with 400 and no effect', async () => {
    const paypal = install()
    const { user, order, ref } = await placePaypal()
    await approve(paypal, ref)
    const genuine = deliveriesOf(paypal, ref)[0]!
    const tamperedBody = genuine.body.replace(`"custom_id":"${order.id}"`, '"custom_id":"ord_someone_else"')
    expect(tamperedBody).not.toBe(genuine.body)
    const attempts = [
      deliver({ body: genuine.body, headers: {} }),
      deliver({ body: genuine.body, headers: { ...genuine.headers, 'PAYPAL-TRANSMISSION-SIG': 'Zm9yZ2VkIHNpZ25hdHVyZQ==' } }),
      deliver({ body: tamperedBody, headers: genuine.headers }),
      // Correctly signed but ten minutes old: a replay.
      deliver({
        body: genuine.body,
        headers: await signPaypalDelivery(genuine.body, env.PAYPAL_WEBHOOK_ID, new Date(Date.now() - 600_000).toISOString()),
      }),
      // Signed for another PayPal webhook (another app or merchant).
      deliver({ body: genuine.body, headers: await signPaypalDelivery(genuine.body, 'WH-SOMEONE-ELSE') }),
      post('/webhooks/paypal', 'not json', genuine.headers),
    ]
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(400)
    expect((await eventsOf('paypal')).filter((e) => e.objectId === ref)).toHaveLength(0)
    expect(paypal.state.requests.filter((r) => r.path.endsWith('/capture'))).toHaveLength(0)
    expect(await orderStatus(user, order.id)).toBe('processing')
    // The genuine delivery still works.
    expect((await deliver(genuine)).body).toMatchObject({ outcome: 'order_paid' })
  })
})

describe('PayPal: refunds and reconciliation', () => {
  it('refunds a capture in part then in full, and the refund webhooks change nothing more', async () => {
    const paypal = install()
    const { user, order, ref } = await placePaypal()
    await approve(paypal, ref)
    await deliver(deliveriesOf(paypal, ref)[0]!)
    const first = await refund(order.id, { amount: 1000 })
    expect(first.status).toBe(201)
    expect(first.body.refund).toMatchObject({ status: 'succeeded', amount: { amount: 1000, currency: 'USD' } })
    expect(first.body.order).toMatchObject({ status: 'partially_refunded', refunded: { amount: 1000 } })
    const captured = paypal.state.orders.get(ref)!.purchase_units[0]!.payments!
    expect(captured.refunds).toHaveLength(1)
    expect(captured.refunds[0]).toMatchObject({ amount: { value: '10.00', currency_code: 'USD' }, invoice_id: first.body.refund.id })

    for (const d of deliveriesOf(paypal, captured.captures[0]!.id as string).filter(
      (x) => x.event.event_type === 'PAYMENT.CAPTURE.REFUNDED',
    )) {
      expect((await deliver(d)).body).toMatchObject({ outcome: 'refunds_synced' })
    }
    expect(await refundRows(order.id)).toHaveLength(1)
    expect(await orderStatus(user, order.id)).toBe('partially_refunded')

    const rest = await refund(order.id)
    expect(rest.body.order).toMatchObject({ status: 'refunded', refunded: { amount: 2500 } })
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 2500 })
    // PayPal refuses to refund more, and so do we (before asking it).
    expect((await refund(order.id, { amount: 1 })).status).toBe(409)
  })

  it('pays an order whose approval webhook was lost, by capturing it during reconciliation', async () => {
    const paypal = install()
    const { user, order, ref } = await placePaypal()
    await approve(paypal, ref) // CHECKOUT.ORDER.APPROVED is never delivered
    await age(order.id, 15)
    expect(await reconcilePendingPayments(env)).toMatchObject({ order_paid: 1 })
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 2500 })
  })

  it('does not capture an approved PayPal order once our order was cancelled', async () => {
    const paypal = install()
    const { user, order, ref } = await placePaypal()
    expect((await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth, body: {} })).status).toBe(200)
    await approve(paypal, ref)
    expect((await deliver(deliveriesOf(paypal, ref)[0]!)).status).toBe(200)
    await age(order.id, 30)
    await reconcilePendingPayments(env)
    expect(paypal.state.requests.filter((r) => r.path.endsWith('/capture'))).toHaveLength(0)
    expect(await orderStatus(user, order.id)).toBe('cancelled')
  })
})
