/**
 * Currencies: every currency the brief names prices, checks out and pays in integer minor units,
 * and the Stripe adapter converts to Stripe's units where they differ (zero-decimal, ISK's
 * two-decimal compatibility, three-decimal amounts ending in 0).
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { currencyExponent, formatMinor, rescaleMinor } from '../../src/lib/money'
import { fromStripeAmount, toStripeAmount } from '../../src/modules/payments/providers/stripe'
import { createShippingMethod } from '../../src/modules/pricing/service'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody } from '../orders/fixtures'
import { confirmIntent, deliver, getOrderAs, installStripe, lastEvent, paymentRow } from './harness'

afterEach(() => vi.restoreAllMocks())

async function shippingIn(currency: string, amount: number) {
  const m = await createShippingMethod(getDb(env), {
    name: `Flat ${currency}`,
    kind: 'flat',
    currency,
    amount,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    active: true,
    position: 0,
  })
  return m.id
}

/** Check out one unit priced `price` in `currency` with Stripe; returns the order and the fake's PaymentIntent. */
async function stripeOrderIn(stripe: ReturnType<typeof installStripe>['stripe'], currency: string, price: number, shipping: number) {
  const product = await createProduct({ currency, variants: [{ price, stock: 5 }] })
  const ship = await shippingIn(currency, shipping)
  const user = await createUser('customer')
  await addToCart(user, product.variants[0]!.id, 1)
  const res = await checkout(user, crypto.randomUUID(), checkoutBody(ship, { payment_provider: 'stripe' }))
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  const payment = await paymentRow(res.body.order.id)
  return {
    user,
    order: res.body.order,
    payment,
    pi: payment?.providerRef ? stripe.state.paymentIntents.get(payment.providerRef) : undefined,
    res,
  }
}

describe('money: minor units', () => {
  it('knows each currency’s exponent and rescales and formats without floats', () => {
    expect(['USD', 'EUR', 'KZT', 'ETB', 'NGN', 'GHS', 'ZAR', 'KES'].map(currencyExponent)).toEqual([2, 2, 2, 2, 2, 2, 2, 2])
    expect(['JPY', 'KRW', 'ISK', 'UGX'].map(currencyExponent)).toEqual([0, 0, 0, 0])
    expect(['BHD', 'KWD', 'JOD', 'OMR', 'TND'].map(currencyExponent)).toEqual([3, 3, 3, 3, 3])
    expect(rescaleMinor(500, 0, 2)).toBe(50000)
    expect(rescaleMinor(12300, 2, 0)).toBe(123)
    expect(rescaleMinor(12345, 2, 0)).toBeNull()
    expect([formatMinor(1999, 'USD'), formatMinor(1999, 'JPY'), formatMinor(1999, 'KWD'), formatMinor(5, 'KZT')]).toEqual([
      '19.99',
      '1999',
      '1.999',
      '0.05',
    ])
  })

  it('converts to and from Stripe’s units as Stripe documents them', () => {
    // Two-decimal (most, including every currency the brief names), zero-decimal, HUF/TWD charged as two-decimal.
    for (const [amount, currency] of [
      [123456, 'KZT'],
      [1999, 'USD'],
      [500, 'JPY'],
      [500, 'KRW'],
      [1000, 'UGX'],
      [12345, 'HUF'],
      [12345, 'TWD'],
    ] as const) {
      expect(toStripeAmount(amount, currency)).toBe(amount)
      expect(fromStripeAmount(amount, currency)).toBe(amount)
    }
    // ISK: zero-decimal, but Stripe's API takes it as two decimals with 00.
    expect(toStripeAmount(500, 'ISK')).toBe(50000)
    expect(fromStripeAmount(50000, 'ISK')).toBe(500)
    // MGA: two decimals in ISO 4217, whole ariary at Stripe.
    expect(toStripeAmount(10000, 'MGA')).toBe(100)
    expect(() => toStripeAmount(10050, 'MGA')).toThrow(/cannot be charged through Stripe/)
    // Three-decimal: the last digit must be 0.
    expect(toStripeAmount(1230, 'KWD')).toBe(1230)
    expect(() => toStripeAmount(1235, 'KWD')).toThrow(/last digit must be 0/)
  })
})

describe('every currency the brief names checks out and pays through Stripe', () => {
  for (const currency of ['KZT', 'ETB', 'NGN', 'GHS', 'ZAR', 'KES', 'USD', 'EUR']) {
    it(`${currency}: order total in minor units is what Stripe is asked for and what pays the order`, async () => {
      const { stripe } = installStripe()
      const { user, order, pi } = await stripeOrderIn(stripe, currency, 1234567, 150000)
      expect(order.total).toEqual({ amount: 1384567, currency })
      expect(pi).toMatchObject({ amount: 1384567, currency: currency.toLowerCase() })
      await confirmIntent(stripe, pi!.id as string)
      expect((await deliver(lastEvent(stripe, 'payment_intent.succeeded', pi!.id as string))).body).toMatchObject({ outcome: 'order_paid' })
      expect((await getOrderAs(user, order.id)).status).toBe('paid')
      expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: 1384567, currency })
    })
  }

  it('JPY (zero-decimal) and ISK (two-decimal at Stripe) pay correctly', async () => {
    const { stripe } = installStripe()
    const jpy = await stripeOrderIn(stripe, 'JPY', 4980, 500)
    expect(jpy.pi).toMatchObject({ amount: 5480, currency: 'jpy' })
    const isk = await stripeOrderIn(stripe, 'ISK', 4980, 500)
    expect(isk.order.total).toEqual({ amount: 5480, currency: 'ISK' })
    expect(isk.pi).toMatchObject({ amount: 548000, currency: 'isk' })
    for (const { user, order, pi } of [jpy, isk]) {
      await confirmIntent(stripe, pi!.id as string)
      expect((await deliver(lastEvent(stripe, 'payment_intent.succeeded', pi!.id as string))).body).toMatchObject({ outcome: 'order_paid' })
      expect((await getOrderAs(user, order.id)).status).toBe('paid')
    }
    expect(await paymentRow(isk.order.id)).toMatchObject({ amountReceived: 5480 })
    // A refund of part of the ISK order is sent in Stripe's units and recorded in ours.
    const staff = await createUser('admin')
    const refund = await api('POST', `/api/v1/admin/orders/${isk.order.id}/refunds`, { headers: staff.auth, body: { amount: 480 } })
    expect(refund.status).toBe(201)
    expect(refund.body.refund.amount).toEqual({ amount: 480, currency: 'ISK' })
    expect([...stripe.state.refunds.values()].find((r) => r.payment_intent === isk.pi!.id)).toMatchObject({ amount: 48000 })
  })

  it('a three-decimal total Stripe cannot charge is refused with a clear 422, not a 500', async () => {
    const { stripe } = installStripe()
    const { user, order, res } = await stripeOrderIn(stripe, 'KWD', 12345, 0)
    expect(res.body.payment).toMatchObject({ status: 'initiation_failed' })
    const pay = await api('POST', `/api/v1/orders/${order.id}/pay`, { headers: user.auth })
    expect(pay.status).toBe(422)
    expect(pay.body.error.message).toMatch(/KWD.*last digit must be 0/)
    const ok = await stripeOrderIn(stripe, 'KWD', 12340, 0)
    expect(ok.pi).toMatchObject({ amount: 12340, currency: 'kwd' })
  })
})
