import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeRateMinor } from '../../fakes/carrier-common'
import { rateCacheKey, weightBand } from '../../src/modules/shipping/rates'
import { shipFrom } from '../../src/modules/shipping/config'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { ADDRESS, addToCart, checkout } from '../orders/fixtures'
import { carrierMethod, installCarriers, uniquePostal } from './harness'

afterEach(() => vi.restoreAllMocks())

async function cartWith(grams: number, quantity = 1) {
  const product = await createProduct({ variants: [{ price: 2000, stock: 20, weight_grams: grams }] })
  const user = await createUser('customer')
  await addToCart(user, product.variants[0]!.id, quantity)
  return { user, product }
}

const cartQuote = (user: { auth: Record<string, string> }, methodId: string, postal: string, country = 'GB') =>
  api('GET', `/api/v1/cart?country=${country}&postal_code=${encodeURIComponent(postal)}&shipping_method_id=${methodId}`, {
    headers: user.auth,
  })

describe('live carrier rates at checkout', () => {
  it('quotes the carrier for the weight band and destination; checkout charges exactly the quote', async () => {
    const { ups } = installCarriers()
    const method = await carrierMethod('ups', '03', 999)
    const { user } = await cartWith(1200)
    const postal = uniquePostal()

    const res = await cartQuote(user, method.id, postal)
    expect(res.status).toBe(200)
    // 1200 g is in the 1500 g band, quoted as 1.5 kg: 850 + 2 started kg × 150, doubled US → GB.
    const expected = fakeRateMinor('03', 1.5, true)
    expect(expected).toBe(2300)
    expect(res.body.shipping).toBe(expected)
    expect(res.body.shipping_quote).toMatchObject({
      method_id: method.id,
      carrier: 'ups',
      service_code: '03',
      amount: expected,
      currency: 'USD',
      source: 'carrier',
      weight_band_grams: 1500,
    })
    expect(res.body.total).toBe(2000 + expected)
    expect(ups.state.calls.rate).toBe(1)
    expect(ups.state.calls.token).toBeGreaterThanOrEqual(1)

    // The carrier is down by now: the quoted price is still what checkout charges, without asking again.
    ups.failNext(500, 5)
    const order = await checkout(user, crypto.randomUUID(), {
      shipping_address: { ...ADDRESS, postal_code: postal },
      shipping_method_id: method.id,
      shipping_quote_id: res.body.shipping_quote.id,
      payment_provider: 'manual',
      expected_total: 2000 + expected,
    })
    expect(order.status).toBe(201)
    expect(order.body.order).toMatchObject({
      shipping: { amount: expected },
      total: { amount: 2000 + expected },
      shipping_method: { id: method.id },
    })
    expect(ups.state.calls.rate).toBe(1)
  })

  it('serves a second quote in the same band from the KV cache; another band asks the carrier again', async () => {
    const { fedex } = installCarriers()
    const method = await carrierMethod('fedex', 'FEDEX_GROUND', 999)
    const { user, product } = await cartWith(700)
    const postal = uniquePostal()

    const first = await cartQuote(user, method.id, postal)
    expect(first.body.shipping_quote).toMatchObject({ source: 'carrier', weight_band_grams: 1000 })
    const second = await cartQuote(user, method.id, postal)
    expect(second.body.shipping_quote).toMatchObject({ source: 'cache', amount: first.body.shipping_quote.amount })
    expect(fedex.state.calls.rate).toBe(1)
    const origin = shipFrom(env)
    expect(
      await env.CATALOG_CACHE.get(
        rateCacheKey({ carrier: 'fedex', service_code: 'FEDEX_GROUND' }, origin, { country: 'GB', postal_code: postal }, weightBand(700)),
        'json',
      ),
    ).toEqual({
      amount: first.body.shipping_quote.amount,
      currency: 'USD',
    })

    // Two units weigh 1400 g: the 1500 g band is a new question for the carrier.
    await addToCart(user, product.variants[0]!.id, 1)
    const heavier = await cartQuote(user, method.id, postal)
    expect(heavier.body.shipping_quote).toMatchObject({
      source: 'carrier',
      weight_band_grams: 1500,
      amount: fakeRateMinor('FEDEX_GROUND', 1.5, true),
    })
    expect(fedex.state.calls.rate).toBe(2)
  })

  it('a carrier that does not answer in time: the fallback price, and the quote still checks out', async () => {
    const { fedex } = installCarriers()
    const method = await carrierMethod('fedex', 'FEDEX_2_DAY', 1234)
    const { user } = await cartWith(300)
    const postal = uniquePostal()
    fedex.hangNext()

    const res = await cartQuote(user, method.id, postal)
    expect(res.status).toBe(200)
    expect(res.body.shipping).toBe(1234)
    expect(res.body.shipping_quote).toMatchObject({ source: 'fallback', amount: 1234 })
    expect(fedex.state.calls.rate).toBe(1)

    const order = await checkout(user, crypto.randomUUID(), {
      shipping_address: { ...ADDRESS, postal_code: postal },
      shipping_method_id: method.id,
      shipping_quote_id: res.body.shipping_quote.id,
      payment_provider: 'manual',
    })
    expect(order.status).toBe(201)
    expect(order.body.order.shipping.amount).toBe(1234)
  })

  it('a carrier answering 500: the fallback price, nothing cached', async () => {
    const { ups } = installCarriers()
    const method = await carrierMethod('ups', '02', 1500)
    const { user } = await cartWith(300)
    const postal = uniquePostal()
    ups.failNext(500)

    const down = await cartQuote(user, method.id, postal)
    expect(down.body).toMatchObject({ shipping: 1500, shipping_quote: { source: 'fallback', amount: 1500 } })
    // The outage is over: the next quote asks again (a fallback is never cached).
    const up = await cartQuote(user, method.id, postal)
    expect(up.body.shipping_quote).toMatchObject({ source: 'carrier', amount: fakeRateMinor('02', 0.5, true) })
    expect(ups.state.calls.rate).toBe(2)
  })

  it('refuses a quote id for another destination, a tampered one, and a made-up one (409 price_changed)', async () => {
    installCarriers()
    const method = await carrierMethod('ups', '03', 999)
    const { user } = await cartWith(1000)
    const postal = uniquePostal()
    const quoted = await cartQuote(user, method.id, postal)
    const id: string = quoted.body.shipping_quote.id
    const body = (quoteId: string, postalCode = postal) => ({
      shipping_address: { ...ADDRESS, postal_code: postalCode },
      shipping_method_id: method.id,
      shipping_quote_id: quoteId,
      payment_provider: 'manual',
    })

    const elsewhere = await checkout(user, crypto.randomUUID(), body(id, uniquePostal()))
    expect(elsewhere.status).toBe(409)
    expect(elsewhere.body.error).toMatchObject({ code: 'price_changed' })
    expect(elsewhere.body.error.details[0].message).toMatch(/another destination/)

    const [payload, sig] = id.slice(4).split('.')
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')))
    const cheaper = btoa(JSON.stringify({ ...claims, a: 1 }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
    const tampered = await checkout(user, crypto.randomUUID(), body(`shq_${cheaper}.${sig}`))
    expect(tampered.status).toBe(409)
    expect(tampered.body.error.details[0].message).toMatch(/not valid/)

    expect((await checkout(user, crypto.randomUUID(), body('shq_nonsense'))).status).toBe(409)
  })

  it('admin: a carrier method needs a carrier and a service code; other kinds take neither', async () => {
    const staff = await createUser('staff')
    const base = { name: 'Live UPS', kind: 'carrier', currency: 'USD', amount: 900 }
    const missing = await api('POST', '/api/v1/admin/shipping-methods', { headers: staff.auth, body: { ...base, carrier: 'ups' } })
    expect(missing.status).toBe(400)
    expect(missing.body.error.details[0]).toMatchObject({ path: 'service_code' })
    const badCarrier = await api('POST', '/api/v1/admin/shipping-methods', {
      headers: staff.auth,
      body: { ...base, carrier: 'dhl', service_code: 'X' },
    })
    expect(badCarrier.status).toBe(400)
    const flatWithCarrier = await api('POST', '/api/v1/admin/shipping-methods', {
      headers: staff.auth,
      body: { ...base, kind: 'flat', carrier: 'ups', service_code: '03' },
    })
    expect(flatWithCarrier.status).toBe(400)
    const ok = await api('POST', '/api/v1/admin/shipping-methods', {
      headers: staff.auth,
      body: { ...base, carrier: 'ups', service_code: '03' },
    })
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ kind: 'carrier', carrier: 'ups', service_code: '03', amount: 900 })
  })
})
