import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMpesaFake } from '../../../fakes/mpesa'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { variantStock } from '../../fixtures/catalog'
import { routeFetch } from '../../fakes'
import { api } from '../../helpers'
import { age, alertsFor, eventsOf, orderStatus, paymentRow, placeOrder, post, refund, refundRows, shuffled, transitionsTo } from './harness'

afterEach(() => vi.restoreAllMocks())

function install() {
  const mpesa = createMpesaFake({
    consumerKey: env.MPESA_CONSUMER_KEY,
    consumerSecret: env.MPESA_CONSUMER_SECRET,
    passkey: env.MPESA_PASSKEY,
    shortcode: env.MPESA_SHORTCODE,
  })
  routeFetch({ 'https://sandbox.safaricom.co.ke': mpesa.fetch })
  return mpesa
}
type Fake = ReturnType<typeof install>

const PHONE = '+254712345678'

async function phone(mpesa: Fake, checkoutId: string, outcome: 'pay' | 'cancel' | 'timeout' = 'pay') {
  const res = await mpesa.app.request(`/fake/phone/${checkoutId}`, {
    method: 'POST',
    body: JSON.stringify({ outcome }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(res.status).toBe(200)
  return mpesa.state.callbacks.at(-1)!
}

const deliver = (cb: { url: string; body: string }) => post(new URL(cb.url).pathname, cb.body)

async function placeMpesa(opts: { stock?: number; price?: number } = {}) {
  const placed = await placeOrder({
    provider: 'mpesa',
    currency: 'KES',
    price: opts.price ?? 150_000,
    shipping: 20_000,
    stock: opts.stock,
    extra: { payment_phone: PHONE },
  })
  return { ...placed, ref: (await paymentRow(placed.order.id))!.providerRef! }
}

describe('M-Pesa: paying', () => {
  it('pushes the whole-shilling total to the phone and pays once the STK query confirms the callback', async () => {
    const mpesa = install()
    const { user, order, checkout, ref } = await placeMpesa()
    expect(checkout.payment.next_action).toMatchObject({ type: 'mpesa_payment', checkout_request_id: ref })
    const push = mpesa.state.pushes.get(ref)!
    expect(push).toMatchObject({ amount: 1700, phone: '254712345678' })
    expect(push.callbackUrl).toMatch(new RegExp(`^https://hooks\\.edge-commerce\\.test/webhooks/mpesa/${order.id}\\.[0-9a-f]{40}$`))
    expect(await deliver(await phone(mpesa, ref))).toMatchObject({ status: 200, body: { ResultCode: 0, outcome: 'order_paid' } })
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 170_000, currency: 'KES' })
    expect(mpesa.state.requests.filter((r) => r.path === '/mpesa/stkpushquery/v1/query')).toHaveLength(1)
  })

  it('needs a Kenyan phone number at checkout, and a whole-shilling total', async () => {
    install()
    await expect(placeOrder({ provider: 'mpesa', currency: 'KES' })).rejects.toThrow(/checkout failed: 400/)
    await expect(placeOrder({ provider: 'mpesa', currency: 'KES', extra: { payment_phone: '+14155550100' } })).rejects.toThrow(
      /checkout failed: 400/,
    )
    const cents = await placeOrder({ provider: 'mpesa', currency: 'KES', price: 150_050, shipping: 0, extra: { payment_phone: PHONE } })
    expect(cents.checkout.payment.status).toBe('initiation_failed')
    expect((await api('POST', `/api/v1/orders/${cents.order.id}/pay`, { headers: cents.user.auth, body: { phone: PHONE } })).status).toBe(
      400,
    )
  })

  it('fails the order when the payer cancels the prompt, releasing the stock', async () => {
    const mpesa = install()
    const { user, order, ref, product } = await placeMpesa({ stock: 2 })
    expect(await deliver(await phone(mpesa, ref, 'cancel'))).toMatchObject({ status: 200, body: { outcome: 'order_failed' } })
    expect(await orderStatus(user, order.id)).toBe('failed')
    expect((await paymentRow(order.id))!.failureReason).toMatch(/1032/)
    expect(await variantStock(product.variants[0]!.id)).toBe(2)
  })
})

describe('M-Pesa: duplicate and shuffled callbacks', () => {
  for (const round of [1, 2, 3]) {
    it(`applies each result once whatever the order and count (round ${round})`, async () => {
      const mpesa = install()
      const paid = await placeMpesa()
      const failed = await placeMpesa()
      const all = [await phone(mpesa, paid.ref), await phone(mpesa, failed.ref, 'timeout')]
      const storm = shuffled([...all, ...all, ...all])
      const results = await Promise.all(storm.map((cb) => deliver(cb)))
      for (const [i, r] of results.entries()) {
        expect([200, 409]).toContain(r.status)
        if (r.status === 409) expect((await deliver(storm[i]!)).status).toBe(200)
      }
      expect(await transitionsTo(paid.user, paid.order.id, 'paid')).toBe(1)
      expect(await orderStatus(failed.user, failed.order.id)).toBe('failed')
      expect(await transitionsTo(failed.user, failed.order.id, 'failed')).toBe(1)
      expect((await eventsOf('mpesa')).filter((e) => e.objectId === paid.ref || e.objectId === failed.ref)).toHaveLength(2)
      expect(await alertsFor(paid.order.id)).toHaveLength(0)
    })
  }
})

describe('M-Pesa: unsigned callbacks', () => {
  it('refuses a wrong or missing per-order secret with 404, and never pays on a callback the STK query does not confirm', async () => {
    const mpesa = install()
    const { user, order, ref } = await placeMpesa()
    const other = await placeMpesa()
    const url = mpesa.state.pushes.get(ref)!.callbackUrl
    const forgedBody = JSON.stringify({
      Body: {
        stkCallback: {
          MerchantRequestID: 'x',
          CheckoutRequestID: ref,
          ResultCode: 0,
          ResultDesc: 'ok',
          CallbackMetadata: {
            Item: [
              { Name: 'Amount', Value: 1700 },
              { Name: 'MpesaReceiptNumber', Value: 'FORGED' },
            ],
          },
        },
      },
    })
    const path = new URL(url).pathname
    const refused = await Promise.all([
      post(`/webhooks/mpesa/${order.id}`, forgedBody),
      post(`/webhooks/mpesa/${order.id}.${'0'.repeat(40)}`, forgedBody),
      // Another order's genuine secret cannot speak for this push.
      post(new URL(mpesa.state.pushes.get(other.ref)!.callbackUrl).pathname.replace(other.order.id, order.id), forgedBody),
    ])
    for (const r of refused) expect(r.status).toBe(404)
    expect((await eventsOf('mpesa')).filter((e) => e.objectId === ref)).toHaveLength(0)
    // The right URL (leaked, say) with a "paid" body the shopper never paid: the query says still processing.
    expect((await post(path, forgedBody)).body).toMatchObject({ outcome: 'still_pending' })
    expect(await orderStatus(user, order.id)).toBe('processing')
    // A callback for another order's push, under this order's secret, is an alert, not a payment.
    const otherCb = await phone(mpesa, other.ref)
    expect((await post(path, otherCb.body)).body).toMatchObject({ outcome: 'unknown_order' })
    expect(await orderStatus(other.user, other.order.id)).toBe('processing')
    // The real result then pays; replaying it later changes nothing.
    const genuine = await phone(mpesa, ref)
    expect((await deliver(genuine)).body).toMatchObject({ outcome: 'order_paid' })
    expect((await deliver(genuine)).body).toMatchObject({ duplicate: true })
  })

  it('refuses a confirmed payment whose callback amount differs from the total (alert, not paid)', async () => {
    const mpesa = install()
    const { user, order, ref } = await placeMpesa()
    const cb = await phone(mpesa, ref)
    const body = cb.body.replace('{"Name":"Amount","Value":1700}', '{"Name":"Amount","Value":1}')
    expect((await deliver({ url: cb.url, body })).body).toMatchObject({ outcome: 'amount_mismatch' })
    expect(await orderStatus(user, order.id)).toBe('processing')
    expect((await alertsFor(order.id)).map((a) => a.kind)).toContain('amount_mismatch')
  })
})

describe('M-Pesa: refunds and reconciliation', () => {
  it('refunds by reversing the whole transaction; the reversal result completes it; partial refunds are refused', async () => {
    const mpesa = install()
    const { user, order, ref } = await placeMpesa()
    await deliver(await phone(mpesa, ref))
    expect((await refund(order.id, { amount: 10_000 })).status).toBe(409)
    const full = await refund(order.id)
    expect(full.status).toBe(201)
    expect(full.body.refund).toMatchObject({ status: 'pending', amount: { amount: 170_000, currency: 'KES' } })
    expect(mpesa.state.reversals).toMatchObject([{ transactionId: mpesa.state.pushes.get(ref)!.receipt, amount: 1700 }])
    const result = mpesa.state.callbacks.at(-1)!
    expect(new URL(result.url).pathname).toMatch(/\/reversal$/)
    for (const r of [await deliver(result), await deliver(result)]) expect(r.status).toBe(200)
    expect(await orderStatus(user, order.id)).toBe('refunded')
    // The refused partial refund was released (failed); the reversal is the one succeeded refund.
    expect((await refundRows(order.id)).filter((r) => r.status === 'succeeded')).toMatchObject([{ amount: 170_000 }])
    expect(await paymentRow(order.id)).toMatchObject({ amountRefunded: 170_000 })
  })

  it('pays an order whose result callback was lost, through the STK push query', async () => {
    const mpesa = install()
    const { user, order, ref } = await placeMpesa()
    await phone(mpesa, ref) // the callback never arrives
    await age(order.id, 15)
    expect(await reconcilePendingPayments(env)).toMatchObject({ order_paid: 1 })
    expect(await orderStatus(user, order.id)).toBe('paid')
  })
})
