import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createKaspiPayFake, signKaspiNotification } from '../../../fakes/kaspi-pay'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { variantStock } from '../../fixtures/catalog'
import { routeFetch } from '../../fakes'
import { api } from '../../helpers'
import { age, eventsOf, orderStatus, paymentRow, placeOrder, post, refund, shuffled, transitionsTo } from './harness'

afterEach(() => vi.restoreAllMocks())

function install() {
  const kaspi = createKaspiPayFake({ apiKey: env.KASPI_PAY_API_KEY, organizationBin: env.KASPI_PAY_ORGANIZATION_BIN })
  routeFetch({ 'https://qrapi-cert-ip.kaspi.kz': kaspi.fetch })
  return kaspi
}
type Fake = ReturnType<typeof install>

const app = async (kaspi: Fake, id: string, outcome: 'pay' | 'decline' = 'pay') =>
  expect(
    (
      await kaspi.app.request(`/fake/app/${id}`, {
        method: 'POST',
        body: JSON.stringify({ outcome }),
        headers: { 'Content-Type': 'application/json' },
      })
    ).status,
  ).toBe(200)

async function notify(ref: string, status: string, secret = env.KASPI_PAY_WEBHOOK_SECRET) {
  const body = JSON.stringify({ QrPaymentId: Number(ref), Status: status })
  return post('/webhooks/kaspi', body, { 'X-Kaspi-Signature': await signKaspiNotification(body, secret) })
}

async function placeKaspi(opts: { stock?: number } = {}) {
  const placed = await placeOrder({ provider: 'kaspi', currency: 'KZT', price: 1_250_000, shipping: 100_000, stock: opts.stock })
  return { ...placed, ref: (await paymentRow(placed.order.id))!.providerRef! }
}

describe('Kaspi Pay', () => {
  it('creates a payment link for the tenge total and pays when the shopper page polls POST /orders/{id}/pay', async () => {
    const kaspi = install()
    const { user, order, checkout, ref } = await placeKaspi()
    expect(checkout.payment.next_action).toMatchObject({
      type: 'kaspi_payment',
      qr_payment_id: ref,
      payment_link: `https://pay.kaspi.kz/pay/${ref}`,
    })
    expect(kaspi.state.payments.get(ref)).toMatchObject({ amount: '13500.00', externalId: `ec-pay-${order.id}-kaspi` })
    const poll = () => api('POST', `/api/v1/orders/${order.id}/pay`, { headers: user.auth })
    expect((await poll()).body.status).toBe('requires_payment')
    await app(kaspi, ref)
    expect((await poll()).body.status).toBe('succeeded')
    expect(await orderStatus(user, order.id)).toBe('paid')
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 1_350_000, currency: 'KZT' })
  })

  it('fails the order when Kaspi reports an error, releasing the stock', async () => {
    const kaspi = install()
    const { user, order, ref, product } = await placeKaspi({ stock: 2 })
    await app(kaspi, ref, 'decline')
    expect((await notify(ref, 'Error')).body).toMatchObject({ outcome: 'order_failed' })
    expect(await orderStatus(user, order.id)).toBe('failed')
    expect(await variantStock(product.variants[0]!.id)).toBe(2)
  })

  for (const round of [1, 2, 3]) {
    it(`applies duplicate and shuffled notifications once (round ${round})`, async () => {
      const kaspi = install()
      const paid = await placeKaspi()
      const failed = await placeKaspi()
      await app(kaspi, paid.ref)
      await app(kaspi, failed.ref, 'decline')
      const storm = shuffled([paid, failed, paid, failed, paid, failed].map((p) => () => notify(p.ref, p === paid ? 'Processed' : 'Error')))
      const results = await Promise.all(storm.map((send) => send()))
      for (const [i, r] of results.entries()) {
        expect([200, 409]).toContain(r.status)
        if (r.status === 409) expect((await storm[i]!()).status).toBe(200)
      }
      expect(await transitionsTo(paid.user, paid.order.id, 'paid')).toBe(1)
      expect(await transitionsTo(failed.user, failed.order.id, 'failed')).toBe(1)
    })
  }

  it('refuses unsigned, forged and tampered notifications with 401; a genuine one only triggers a status poll', async () => {
    const _kaspi = install()
    const { user, order, ref } = await placeKaspi()
    const body = JSON.stringify({ QrPaymentId: Number(ref), Status: 'Processed' })
    const refused = await Promise.all([
      post('/webhooks/kaspi', body),
      post('/webhooks/kaspi', body, { 'X-Kaspi-Signature': await signKaspiNotification(body, 'someone-else') }),
      post('/webhooks/kaspi', body.replace('Processed', 'Wait'), {
        'X-Kaspi-Signature': await signKaspiNotification(body, env.KASPI_PAY_WEBHOOK_SECRET),
      }),
    ])
    for (const r of refused) expect(r.status).toBe(401)
    expect((await eventsOf('kaspi')).filter((e) => e.objectId === ref)).toHaveLength(0)
    // Genuinely signed but Kaspi has not been paid: nothing happens.
    expect((await notify(ref, 'Processed')).body).toMatchObject({ outcome: 'still_pending' })
    expect(await orderStatus(user, order.id)).toBe('processing')
  })

  it('pays a forgotten order by polling in reconciliation; refunds are refused (made in the Kaspi Pay cabinet)', async () => {
    const kaspi = install()
    const { user, order, ref } = await placeKaspi()
    await app(kaspi, ref)
    await age(order.id, 15)
    expect(await reconcilePendingPayments(env)).toMatchObject({ order_paid: 1 })
    expect(await orderStatus(user, order.id)).toBe('paid')
    const res = await refund(order.id)
    expect(res.status).toBe(409)
    expect(res.body.error.message).toMatch(/Kaspi Pay cabinet/)
    expect(await orderStatus(user, order.id)).toBe('paid')
  })
})
