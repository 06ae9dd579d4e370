import { env, SELF } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPaystackFake, signPaystack, type PaystackDelivery } from '../../../fakes/paystack'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { variantStock } from '../../fixtures/catalog'
import { routeFetch } from '../../fakes'
import { BASE } from '../../helpers'
import { age, alertsFor, eventsOf, orderStatus, paymentRow, placeOrder, post, refund, refundRows, shuffled, transitionsTo } from './harness'

afterEach(() => vi.restoreAllMocks())

function install() {
  const paystack = createPaystackFake({ secretKey: env.PAYSTACK_SECRET_KEY })
  routeFetch({ 'https://api.paystack.co': paystack.fetch })
  return paystack
}
type Fake = ReturnType<typeof install>

async function shopper(paystack: Fake, reference: string, outcome: 'success' | 'failed' = 'success') {
  const res = await paystack.app.request(`/fake/checkout/${reference}`, {
    method: 'POST',
    body: JSON.stringify({ outcome }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(res.status).toBe(200)
  return paystack.state.deliveries.at(-1)!
}

const deliver = (d: Pick<PaystackDelivery, 'body' | 'headers'>) => post('/webhooks/paystack', d.body, d.headers)

async function placePaystack(opts: { currency?: string; stock?: number } = {}) {
  const placed = await placeOrder({ provider: 'paystack', currency: opts.currency ?? 'NGN', stock: opts.stock })
  return { ...placed, ref: (await paymentRow(placed.order.id))!.providerRef! }
}

describe('Paystack: paying', () => {
  it('initializes a transaction in subunits, hands out authorization_url, and pays on a signed charge.success', async () => {
    const paystack = install()
    const { user, order, checkout, ref } = await placePaystack()
    expect(ref).toBe(`ec-pay-${order.id}-paystack`)
    expect(checkout.payment.next_action).toMatchObject({
      type: 'paystack_payment',
      reference: ref,
      authorization_url: expect.stringMatching(/^https:\/\/checkout\.paystack\.com\//),
    })
    expect(paystack.state.transactions.get(ref)).toMatchObject({ amount: 2500, currency: 'NGN', metadata: { order_id: order.id } })
    expect(await orderStatus(user, order.id)).toBe('processing')
    expect(await deliver(await shopper(paystack, ref))).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 2500, currency: 'NGN' })
  })

  it('sends the shopper back to the storefront, which takes them to their order page through its signed link', async () => {
    const paystack = install()
    const { order, ref } = await placePaystack()
    const back = new URL(paystack.state.transactions.get(ref)!.callback_url!)
    expect(back.pathname).toBe(`/orders/${order.id}/payment-return`)
    expect(back.searchParams.get('sig')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Paystack appends its own reference to the callback URL.
    const res = await SELF.fetch(`${BASE}${back.pathname}${back.search}&trxref=${ref}&reference=${ref}`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const location = res.headers.get('Location')!
    expect(location).toBe(`/orders/${order.id}?sig=${back.searchParams.get('sig')}`)
    const page = await SELF.fetch(`${BASE}${location}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(order.id)
    // Without the signature the return page leads nowhere readable.
    const bare = await SELF.fetch(`${BASE}/orders/${order.id}/payment-return?provider=paystack`, { redirect: 'manual' })
    expect(bare.headers.get('Location')).toBe(`/orders/${order.id}`)
    expect((await SELF.fetch(`${BASE}/orders/${order.id}`)).status).not.toBe(200)
  })

  for (const currency of ['GHS', 'ZAR', 'KES']) {
    it(`charges ${currency} in its subunit`, async () => {
      const paystack = install()
      const { user, order, ref } = await placePaystack({ currency })
      expect(paystack.state.transactions.get(ref)).toMatchObject({ amount: order.total.amount, currency })
      await deliver(await shopper(paystack, ref))
      expect(await orderStatus(user, order.id)).toBe('paid')
    })
  }

  it('fails the order on a declined charge, releasing the stock', async () => {
    const paystack = install()
    const { user, order, ref, product } = await placePaystack({ stock: 2 })
    expect(await deliver(await shopper(paystack, ref, 'failed'))).toMatchObject({ status: 200, body: { outcome: 'order_failed' } })
    expect(await orderStatus(user, order.id)).toBe('failed')
    expect(await variantStock(product.variants[0]!.id)).toBe(2)
  })
})

describe('Paystack: duplicate and shuffled webhooks', () => {
  for (const round of [1, 2, 3]) {
    it(`applies each event once whatever the order and count (round ${round})`, async () => {
      const paystack = install()
      const paid = await placePaystack()
      const failed = await placePaystack()
      const all = [await shopper(paystack, paid.ref), await shopper(paystack, failed.ref, 'failed')]
      const storm = shuffled([...all, ...all, ...all])
      const results = await Promise.all(storm.map((d) => deliver(d)))
      for (const [i, r] of results.entries()) {
        expect([200, 409]).toContain(r.status)
        if (r.status === 409) expect((await deliver(storm[i]!)).status).toBe(200)
      }
      expect(await orderStatus(paid.user, paid.order.id)).toBe('paid')
      expect(await transitionsTo(paid.user, paid.order.id, 'paid')).toBe(1)
      expect(await orderStatus(failed.user, failed.order.id)).toBe('failed')
      expect(await transitionsTo(failed.user, failed.order.id, 'failed')).toBe(1)
      const mine = (await eventsOf('paystack')).filter((e) => e.objectId === paid.ref || e.objectId === failed.ref)
      expect(mine).toHaveLength(2)
      expect(await alertsFor(paid.order.id)).toHaveLength(0)
    })
  }
})

describe('Paystack: webhook signature', () => {
  it('refuses missing, forged and tampered signatures with 401 and no effect; a replay is a duplicate', async () => {
    const paystack = install()
    const { user, order, ref } = await placePaystack()
    const genuine = await shopper(paystack, ref)
    const tampered = genuine.body.replace('"amount":2500', '"amount":1')
    expect(tampered).not.toBe(genuine.body)
    const attempts = await Promise.all([
      deliver({ body: genuine.body, headers: {} }),
      deliver({ body: genuine.body, headers: { 'x-paystack-signature': await signPaystack(genuine.body, 'sk_test_someone_else') } }),
      deliver({ body: tampered, headers: genuine.headers }),
      deliver({ body: genuine.body, headers: { 'x-paystack-signature': 'deadbeef' } }),
    ])
    for (const res of attempts) expect(res.status).toBe(401)
    expect((await eventsOf('paystack')).filter((e) => e.objectId === ref)).toHaveLength(0)
    expect(await orderStatus(user, order.id)).toBe('processing')
    expect((await deliver(genuine)).body).toMatchObject({ outcome: 'order_paid' })
    // Paystack signs no timestamp: a stale replay is recognised by its id and changes nothing.
    expect((await deliver(genuine)).body).toMatchObject({ duplicate: true })
    expect(await transitionsTo(user, order.id, 'paid')).toBe(1)
  })
})

describe('Paystack: refunds and reconciliation', () => {
  it('refunds in part and in full: Paystack queues them, refund.processed completes them, duplicates count once', async () => {
    const paystack = install()
    const { user, order, ref } = await placePaystack()
    await deliver(await shopper(paystack, ref))
    const first = await refund(order.id, { amount: 1000 })
    expect(first.status).toBe(201)
    // Paystack answers "queued for processing": the refund is pending until refund.processed.
    expect(first.body.refund).toMatchObject({ status: 'pending', amount: { amount: 1000, currency: 'NGN' } })
    expect(first.body.order.status).toBe('paid')
    expect(paystack.state.refunds[0]).toMatchObject({ amount: 1000, merchant_note: `ec-refund:${first.body.refund.id}` })
    const processed = paystack.state.deliveries.filter((x) => x.event.event === 'refund.processed')
    for (const d of [...processed, ...processed]) expect((await deliver(d)).status).toBe(200)
    expect(await orderStatus(user, order.id)).toBe('partially_refunded')
    expect(await refundRows(order.id)).toMatchObject([{ status: 'succeeded', amount: 1000 }])

    const rest = await refund(order.id)
    expect(rest.body.refund).toMatchObject({ status: 'pending', amount: { amount: 1500 } })
    await deliver(paystack.state.deliveries.filter((x) => x.event.event === 'refund.processed').at(-1)!)
    expect(await orderStatus(user, order.id)).toBe('refunded')
    expect(paystack.state.refunds).toHaveLength(2)
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 2500 })
  })

  it('pays an order whose charge.success webhook was lost, through GET /transaction/verify', async () => {
    const paystack = install()
    const { user, order, ref } = await placePaystack()
    await shopper(paystack, ref) // never delivered
    await age(order.id, 15)
    expect(await reconcilePendingPayments(env)).toMatchObject({ order_paid: 1 })
    expect(await orderStatus(user, order.id)).toBe('paid')
  })
})
