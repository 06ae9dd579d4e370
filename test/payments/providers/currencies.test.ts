/**
 * Every currency the brief names checks out and pays through the provider its shoppers use, and the
 * amount the provider's fake is asked for is the order total in that provider's own units:
 * Kaspi Pay tenge with two decimals, Chapa birr with two decimals, Paystack subunits (kobo, pesewas,
 * cents), M-Pesa whole shillings, PayPal decimal strings. (Stripe, with its zero- and three-decimal
 * rules, is covered for all of them in test/payments/currencies.test.ts.)
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChapaFake } from '../../../fakes/chapa'
import { createKaspiPayFake } from '../../../fakes/kaspi-pay'
import { createMpesaFake } from '../../../fakes/mpesa'
import { createPaypalFake } from '../../../fakes/paypal'
import { createPaystackFake } from '../../../fakes/paystack'
import { routeFetch } from '../../fakes'
import { api } from '../../helpers'
import { orderStatus, paymentRow, placeOrder, post } from './harness'

afterEach(() => vi.restoreAllMocks())

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })

interface Case {
  currency: string
  provider: string
  price: number
  shipping: number
  /** The total as the provider's API must receive it. */
  atProvider: string | number
}

const CASES: Case[] = [
  { currency: 'KZT', provider: 'kaspi', price: 1_234_567, shipping: 100_000, atProvider: '13345.67' },
  { currency: 'ETB', provider: 'chapa', price: 123_457, shipping: 5_000, atProvider: '1284.57' },
  { currency: 'NGN', provider: 'paystack', price: 1_234_567, shipping: 150_000, atProvider: 1_384_567 },
  { currency: 'GHS', provider: 'paystack', price: 4_999, shipping: 1, atProvider: 5_000 },
  { currency: 'ZAR', provider: 'paystack', price: 129_999, shipping: 2_500, atProvider: 132_499 },
  { currency: 'KES', provider: 'mpesa', price: 123_400, shipping: 20_000, atProvider: 1_434 },
  { currency: 'USD', provider: 'paypal', price: 1_234_567, shipping: 150_000, atProvider: '13845.67' },
  { currency: 'EUR', provider: 'paypal', price: 999, shipping: 1, atProvider: '10.00' },
]

describe('each currency pays through its own provider, in that provider’s units', () => {
  for (const c of CASES) {
    it(`${c.currency} through ${c.provider}: the fake is asked for ${c.atProvider} and the order is paid`, async () => {
      const extra = c.provider === 'mpesa' ? { payment_phone: '+254712345678' } : undefined
      const fakes = {
        kaspi: createKaspiPayFake({ apiKey: env.KASPI_PAY_API_KEY, organizationBin: env.KASPI_PAY_ORGANIZATION_BIN }),
        chapa: createChapaFake({ secretKey: env.CHAPA_SECRET_KEY, webhookSecret: env.CHAPA_WEBHOOK_SECRET }),
        paystack: createPaystackFake({ secretKey: env.PAYSTACK_SECRET_KEY }),
        mpesa: createMpesaFake({
          consumerKey: env.MPESA_CONSUMER_KEY,
          consumerSecret: env.MPESA_CONSUMER_SECRET,
          passkey: env.MPESA_PASSKEY,
          shortcode: env.MPESA_SHORTCODE,
        }),
        paypal: createPaypalFake({
          clientId: env.PAYPAL_CLIENT_ID,
          clientSecret: env.PAYPAL_CLIENT_SECRET,
          webhookId: env.PAYPAL_WEBHOOK_ID,
        }),
      }
      routeFetch({
        'https://qrapi-cert-ip.kaspi.kz': fakes.kaspi.fetch,
        'https://api.chapa.co': fakes.chapa.fetch,
        'https://api.paystack.co': fakes.paystack.fetch,
        'https://sandbox.safaricom.co.ke': fakes.mpesa.fetch,
        'https://api-m.sandbox.paypal.com': fakes.paypal.fetch,
      })
      const { user, order } = await placeOrder({ provider: c.provider, currency: c.currency, price: c.price, shipping: c.shipping, extra })
      expect(order.total).toEqual({ amount: c.price + c.shipping, currency: c.currency })
      const ref = (await paymentRow(order.id))!.providerRef!

      switch (c.provider) {
        case 'kaspi': {
          expect(fakes.kaspi.state.payments.get(ref)!.amount).toBe(c.atProvider)
          expect((await fakes.kaspi.app.request(`/fake/app/${ref}`, json({ outcome: 'pay' }))).status).toBe(200)
          expect((await api('POST', `/api/v1/orders/${order.id}/pay`, { headers: user.auth })).body.status).toBe('succeeded')
          break
        }
        case 'chapa': {
          expect(fakes.chapa.state.transactions.get(ref)).toMatchObject({ amount: c.atProvider, currency: c.currency })
          expect((await fakes.chapa.app.request(`/fake/checkout/${ref}`, json({ outcome: 'success' }))).status).toBe(200)
          const d = fakes.chapa.state.deliveries.at(-1)!
          expect((await post('/webhooks/chapa', d.body, d.headers)).body).toMatchObject({ outcome: 'order_paid' })
          break
        }
        case 'paystack': {
          expect(fakes.paystack.state.transactions.get(ref)).toMatchObject({ amount: c.atProvider, currency: c.currency })
          expect((await fakes.paystack.app.request(`/fake/checkout/${ref}`, json({ outcome: 'success' }))).status).toBe(200)
          const d = fakes.paystack.state.deliveries.at(-1)!
          expect((await post('/webhooks/paystack', d.body, d.headers)).body).toMatchObject({ outcome: 'order_paid' })
          break
        }
        case 'mpesa': {
          expect(fakes.mpesa.state.pushes.get(ref)).toMatchObject({ amount: c.atProvider })
          expect((await fakes.mpesa.app.request(`/fake/phone/${ref}`, json({ outcome: 'pay' }))).status).toBe(200)
          const cb = fakes.mpesa.state.callbacks.at(-1)!
          expect((await post(new URL(cb.url).pathname, cb.body)).body).toMatchObject({ outcome: 'order_paid' })
          break
        }
        case 'paypal': {
          expect(fakes.paypal.state.orders.get(ref)!.purchase_units[0]!.amount).toEqual({ currency_code: c.currency, value: c.atProvider })
          expect((await fakes.paypal.app.request(`/fake/buyer/${ref}/approve`, json({ funding: 'ok' }))).status).toBe(200)
          const d = fakes.paypal.state.deliveries.find((x) => x.event.event_type === 'CHECKOUT.ORDER.APPROVED')!
          expect((await post('/webhooks/paypal', d.body, d.headers)).body).toMatchObject({ outcome: 'order_paid' })
          const capture = [...fakes.paypal.state.captures.values()].find((x) => x.order_id === ref)!
          expect(capture.amount).toEqual({ currency_code: c.currency, value: c.atProvider })
          break
        }
      }
      expect(await orderStatus(user, order.id)).toBe('paid')
      expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: c.price + c.shipping, currency: c.currency })
    })
  }
})
