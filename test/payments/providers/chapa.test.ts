import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChapaFake, signChapa, type ChapaDelivery } from '../../../fakes/chapa'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { variantStock } from '../../fixtures/catalog'
import { routeFetch } from '../../fakes'
import { age, alertsFor, eventsOf, orderStatus, paymentRow, placeOrder, post, refund, shuffled, transitionsTo } from './harness'

afterEach(() => vi.restoreAllMocks())

function install() {
  const chapa = createChapaFake({ secretKey: env.CHAPA_SECRET_KEY, webhookSecret: env.CHAPA_WEBHOOK_SECRET })
  routeFetch({ 'https://api.chapa.co': chapa.fetch })
  return chapa
}
type Fake = ReturnType<typeof install>

async function shopper(chapa: Fake, txRef: string, outcome: 'success' | 'failed' = 'success') {
  const res = await chapa.app.request(`/fake/checkout/${txRef}`, {
    method: 'POST',
    body: JSON.stringify({ outcome }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(res.status).toBe(200)
  return chapa.state.deliveries.at(-1)!
}

const deliver = (d: Pick<ChapaDelivery, 'body' | 'headers'>) => post('/webhooks/chapa', d.body, d.headers)

async function placeChapa(opts: { stock?: number } = {}) {
  const placed = await placeOrder({ provider: 'chapa', currency: 'ETB', price: 150_050, shipping: 5_000, stock: opts.stock })
  return { ...placed, ref: (await paymentRow(placed.order.id))!.providerRef! }
}

describe('Chapa: paying', () => {
  it('initializes in birr with two decimals, hands out checkout_url, and pays on a signed charge.success', async () => {
    const chapa = install()
    const { user, order, checkout, ref } = await placeChapa()
    expect(order.total).toMatchObject({ amount: 155_050, currency: 'ETB' })
    expect(checkout.payment.next_action).toMatchObject({
      type: 'chapa_payment',
      tx_ref: ref,
      checkout_url: expect.stringMatching(/^https:\/\/checkout\.chapa\.co\//),
    })
    expect(chapa.state.transactions.get(ref)).toMatchObject({ amount: '1550.50', currency: 'ETB', meta: { order_id: order.id } })
    expect(await deliver(await shopper(chapa, ref))).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 155_050 })
  })

  it('fails the order on a failed payment, releasing the stock', async () => {
    const chapa = install()
    const { user, order, ref, product } = await placeChapa({ stock: 2 })
    expect(await deliver(await shopper(chapa, ref, 'failed'))).toMatchObject({ status: 200, body: { outcome: 'order_failed' } })
    expect(await orderStatus(user, order.id)).toBe('failed')
    expect(await variantStock(product.variants[0]!.id)).toBe(2)
  })
})

describe('Chapa: duplicate and shuffled webhooks', () => {
  for (const round of [1, 2, 3]) {
    it(`applies each event once whatever the order and count (round ${round})`, async () => {
      const chapa = install()
      const paid = await placeChapa()
      const failed = await placeChapa()
      const all = [await shopper(chapa, paid.ref), await shopper(chapa, failed.ref, 'failed')]
      const storm = shuffled([...all, ...all, ...all])
      const results = await Promise.all(storm.map((d) => deliver(d)))
      for (const [i, r] of results.entries()) {
        expect([200, 409]).toContain(r.status)
        if (r.status === 409) expect((await deliver(storm[i]!)).status).toBe(200)
      }
      expect(await transitionsTo(paid.user, paid.order.id, 'paid')).toBe(1)
      expect(await orderStatus(failed.user, failed.order.id)).toBe('failed')
      expect(await transitionsTo(failed.user, failed.order.id, 'failed')).toBe(1)
      expect((await eventsOf('chapa')).filter((e) => e.objectId === paid.ref || e.objectId === failed.ref)).toHaveLength(2)
      expect(await alertsFor(paid.order.id)).toHaveLength(0)
    })
  }
})

describe('Chapa: webhook signature', () => {
  it('refuses missing, forged and tampered signatures with 401 and no effect; a replay is a duplicate', async () => {
    const chapa = install()
    const { user, order, ref } = await placeChapa()
    const genuine = await shopper(chapa, ref)
    const tampered = genuine.body.replace('"status":"success"', '"status":"failed"')
    expect(tampered).not.toBe(genuine.body)
    const attempts = await Promise.all([
      deliver({ body: genuine.body, headers: {} }),
      deliver({ body: genuine.body, headers: await signChapa(genuine.body, 'someone-elses-hash') }),
      deliver({ body: tampered, headers: genuine.headers }),
      // Chapa-Signature alone proves only knowledge of a constant, not of this body.
      deliver({ body: tampered, headers: { 'Chapa-Signature': genuine.headers['Chapa-Signature']! } }),
    ])
    for (const res of attempts) expect(res.status).toBe(401)
    expect((await eventsOf('chapa')).filter((e) => e.objectId === ref)).toHaveLength(0)
    expect(await orderStatus(user, order.id)).toBe('processing')
    expect((await deliver(genuine)).body).toMatchObject({ outcome: 'order_paid' })
    expect((await deliver(genuine)).body).toMatchObject({ duplicate: true })
  })
})

describe('Chapa: refunds and reconciliation', () => {
  it('refunds in part and in full through POST /v1/refund/:tx_ref', async () => {
    const chapa = install()
    const { user, order, ref } = await placeChapa()
    await deliver(await shopper(chapa, ref))
    const first = await refund(order.id, { amount: 50_050 })
    expect(first.status).toBe(201)
    expect(first.body.order).toMatchObject({ status: 'partially_refunded', refunded: { amount: 50_050, currency: 'ETB' } })
    expect(chapa.state.refunds[0]).toMatchObject({ amount: '500.50', reference: first.body.refund.id })
    const rest = await refund(order.id)
    expect(rest.body.order).toMatchObject({ status: 'refunded', refunded: { amount: 155_050 } })
    expect(await orderStatus(user, order.id)).toBe('refunded')
  })

  it('pays an order whose webhook was lost, through GET /v1/transaction/verify', async () => {
    const chapa = install()
    const { user, order, ref } = await placeChapa()
    await shopper(chapa, ref)
    await age(order.id, 15)
    expect(await reconcilePendingPayments(env)).toMatchObject({ order_paid: 1 })
    expect(await orderStatus(user, order.id)).toBe('paid')
  })
})
