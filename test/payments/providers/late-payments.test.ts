/**
 * "Cancel what can still be paid" for every provider other than Stripe (test/payments/webhook.test.ts
 * covers Stripe): after the order is cancelled, a payment the shopper still completes at the provider
 * (none of these providers can cancel an open payment: see docs/payments.md) is refunded
 * automatically through the provider and recorded — once, under three duplicated callbacks — and the
 * order stays cancelled. Kaspi Pay has no refund API: staff get one clear "manual refund" alert.
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChapaFake } from '../../../fakes/chapa'
import { createKaspiPayFake, signKaspiNotification } from '../../../fakes/kaspi-pay'
import { createMpesaFake } from '../../../fakes/mpesa'
import { createPaypalFake } from '../../../fakes/paypal'
import { createPaystackFake } from '../../../fakes/paystack'
import { reconcilePendingPayments } from '../../../src/workflows/payment-reconcile'
import { routeFetch } from '../../fakes'
import { api, createUser } from '../../helpers'
import { age, alertsFor, orderDetail, orderStatus, paymentRow, placeOrder, post, refundRows, type PlacedOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })

async function cancel(placed: PlacedOrder) {
  const res = await api('POST', `/api/v1/orders/${placed.order.id}/cancel`, { headers: placed.user.auth, body: {} })
  expect(res.status).toBe(200)
  expect(res.body.status).toBe('cancelled')
}

/** Deliver the same callback three times at once; a 409 (another copy holds the lease) is retried as the provider would. */
async function deliverThrice(send: () => Promise<{ status: number; body: Record<string, unknown> }>) {
  const results = await Promise.all([send(), send(), send()])
  for (const r of results) {
    expect([200, 409]).toContain(r.status)
    if (r.status === 409) expect((await send()).status).toBe(200)
  }
  return results
}

/** The shared end state: cancelled, one recorded late-payment refund of the whole amount, no alert, one history note. */
async function expectRefundedOnce(placed: PlacedOrder, refundStatus: 'succeeded' | 'pending' = 'succeeded') {
  const { user, order } = placed
  expect(await orderStatus(user, order.id)).toBe('cancelled')
  const rows = await refundRows(order.id)
  expect(rows).toHaveLength(1)
  expect(rows[0]).toMatchObject({
    amount: order.total.amount,
    currency: order.total.currency,
    status: refundStatus,
    idempotencyKey: expect.stringMatching(/^late-payment:/),
  })
  expect(await paymentRow(order.id)).toMatchObject({
    status: 'succeeded',
    amountReceived: order.total.amount,
    amountRefunded: order.total.amount,
  })
  const notes = (await orderDetail(user, order.id)).timeline.filter(
    (t: { reason: string }) => t.reason === 'late payment refunded automatically',
  )
  expect(notes).toHaveLength(1)
  expect(await alertsFor(order.id)).toEqual([])
  const staff = await createUser('staff')
  const money = await api('GET', `/api/v1/admin/orders/${order.id}/payments`, { headers: staff.auth })
  expect(money.body.refunds).toEqual([expect.objectContaining({ amount: order.total })])
}

describe('a payment that arrives after the order was cancelled is refunded automatically', () => {
  it('PayPal: a capture completed as the order was cancelled is refunded through the capture refund API', async () => {
    const paypal = createPaypalFake({
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      webhookId: env.PAYPAL_WEBHOOK_ID,
    })
    routeFetch({ 'https://api-m.sandbox.paypal.com': paypal.fetch })
    const placed = await placeOrder({ provider: 'paypal', currency: 'USD' })
    const ref = (await paymentRow(placed.order.id))!.providerRef!
    expect((await paypal.app.request(`/fake/buyer/${ref}/approve`, json({ funding: 'ok' }))).status).toBe(200)
    // Our capture ran a moment before the cancel landed (PayPal cannot void a CAPTURE order, so
    // the race is closed by refunding, not by cancelling).
    const token = await (
      await paypal.app.request('/v1/oauth2/token', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa(`${env.PAYPAL_CLIENT_ID}:${env.PAYPAL_CLIENT_SECRET}`)}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json<{ access_token: string }>()
    expect(
      (
        await paypal.app.request(`/v2/checkout/orders/${ref}/capture`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(201)
    await cancel(placed)
    const completed = paypal.state.deliveries.find((d) => d.event.event_type === 'PAYMENT.CAPTURE.COMPLETED')!
    await deliverThrice(() => post('/webhooks/paypal', completed.body, completed.headers))
    const refunds = [...paypal.state.captures.values()].filter((c) => c.order_id === ref)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]!.refunded).toBe(placed.order.total.amount)
    await expectRefundedOnce(placed)
  })

  it('Paystack: a charge.success after cancel is refunded with POST /refund', async () => {
    const paystack = createPaystackFake({ secretKey: env.PAYSTACK_SECRET_KEY })
    routeFetch({ 'https://api.paystack.co': paystack.fetch })
    const placed = await placeOrder({ provider: 'paystack', currency: 'NGN' })
    const ref = (await paymentRow(placed.order.id))!.providerRef!
    await cancel(placed)
    // Paystack has no cancel for an initialized transaction: the shopper can still pay it.
    expect((await paystack.app.request(`/fake/checkout/${ref}`, json({ outcome: 'success' }))).status).toBe(200)
    const success = paystack.state.deliveries.find((d) => d.event.event === 'charge.success')!
    await deliverThrice(() => post('/webhooks/paystack', success.body, success.headers))
    expect(paystack.state.refunds).toHaveLength(1)
    expect(paystack.state.refunds[0]).toMatchObject({ amount: placed.order.total.amount, currency: 'NGN' })
    // Paystack queues refunds: refund.processed completes the recorded one.
    const processed = paystack.state.deliveries.find((d) => d.event.event === 'refund.processed')!
    await deliverThrice(() => post('/webhooks/paystack', processed.body, processed.headers))
    await expectRefundedOnce(placed)
  })

  it('Chapa: a charge.success after cancel is refunded with POST /v1/refund/:tx_ref', async () => {
    const chapa = createChapaFake({ secretKey: env.CHAPA_SECRET_KEY, webhookSecret: env.CHAPA_WEBHOOK_SECRET })
    routeFetch({ 'https://api.chapa.co': chapa.fetch })
    const placed = await placeOrder({ provider: 'chapa', currency: 'ETB', price: 150_050, shipping: 5_000 })
    const ref = (await paymentRow(placed.order.id))!.providerRef!
    await cancel(placed)
    expect((await chapa.app.request(`/fake/checkout/${ref}`, json({ outcome: 'success' }))).status).toBe(200)
    const success = chapa.state.deliveries.at(-1)!
    await deliverThrice(() => post('/webhooks/chapa', success.body, success.headers))
    expect(chapa.state.refunds).toHaveLength(1)
    expect(chapa.state.refunds[0]).toMatchObject({ amount: '1550.50' })
    await expectRefundedOnce(placed)
  })

  it('M-Pesa: a PIN entered after cancel is reversed; the reversal result completes the refund', async () => {
    const mpesa = createMpesaFake({
      consumerKey: env.MPESA_CONSUMER_KEY,
      consumerSecret: env.MPESA_CONSUMER_SECRET,
      passkey: env.MPESA_PASSKEY,
      shortcode: env.MPESA_SHORTCODE,
    })
    routeFetch({ 'https://sandbox.safaricom.co.ke': mpesa.fetch })
    const placed = await placeOrder({
      provider: 'mpesa',
      currency: 'KES',
      price: 150_000,
      shipping: 20_000,
      extra: { payment_phone: '+254712345678' },
    })
    const ref = (await paymentRow(placed.order.id))!.providerRef!
    await cancel(placed)
    // Daraja cannot withdraw an STK push: the prompt is still on the phone.
    expect((await mpesa.app.request(`/fake/phone/${ref}`, json({ outcome: 'pay' }))).status).toBe(200)
    const callback = mpesa.state.callbacks.at(-1)!
    await deliverThrice(() => post(new URL(callback.url).pathname, callback.body))
    expect(mpesa.state.reversals).toHaveLength(1)
    expect(mpesa.state.reversals[0]).toMatchObject({ transactionId: mpesa.state.pushes.get(ref)!.receipt, amount: 1700 })
    const result = mpesa.state.callbacks.at(-1)!
    expect(new URL(result.url).pathname).toMatch(/\/reversal$/)
    await deliverThrice(() => post(new URL(result.url).pathname, result.body))
    await expectRefundedOnce(placed)
  })

  it('Kaspi Pay: a payment after cancel cannot be refunded through the API: one clear manual-refund alert', async () => {
    const kaspi = createKaspiPayFake({ apiKey: env.KASPI_PAY_API_KEY, organizationBin: env.KASPI_PAY_ORGANIZATION_BIN })
    routeFetch({ 'https://qrapi-cert-ip.kaspi.kz': kaspi.fetch })
    const placed = await placeOrder({ provider: 'kaspi', currency: 'KZT', price: 1_250_000, shipping: 100_000 })
    const ref = (await paymentRow(placed.order.id))!.providerRef!
    await cancel(placed)
    // No documented way to withdraw a payment link: the shopper pays it in the Kaspi.kz app.
    expect((await kaspi.app.request(`/fake/app/${ref}`, json({ outcome: 'pay' }))).status).toBe(200)
    const body = JSON.stringify({ QrPaymentId: Number(ref), Status: 'Processed' })
    const signature = await signKaspiNotification(body, env.KASPI_PAY_WEBHOOK_SECRET)
    await deliverThrice(() => post('/webhooks/kaspi', body, { 'X-Kaspi-Signature': signature }))
    // A later poll (reconciliation) of the same payment must not alert again either.
    await age(placed.order.id, 30)
    await reconcilePendingPayments(env)
    expect(await orderStatus(placed.user, placed.order.id)).toBe('cancelled')
    expect(await paymentRow(placed.order.id)).toMatchObject({
      status: 'succeeded',
      amountReceived: placed.order.total.amount,
      amountRefunded: 0,
    })
    const alerts = await alertsFor(placed.order.id)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]!.kind).toBe('paid_after_terminal')
    expect(JSON.parse(alerts[0]!.details)).toMatchObject({
      manual_refund_needed: true,
      provider: 'kaspi',
      amount: placed.order.total.amount,
      currency: 'KZT',
      action: expect.stringMatching(/^manual refund needed/),
    })
    // The refused attempt is on record (failed, nothing reserved), not a silent gap.
    expect(await refundRows(placed.order.id)).toMatchObject([
      { status: 'failed', failureReason: expect.stringMatching(/Kaspi Pay cabinet/) },
    ])
  })
})
