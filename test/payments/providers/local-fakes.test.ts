/**
 * Under `npm start` a shopper pays through the fakes Worker: the storefront's "Pay now" link opens the
 * fake's hosted page, its button does what the shopper does at the provider, and the fake sends its
 * signed callback to the payment webhooks Worker (FAKE_WEBHOOKS_BASE_URL, set in
 * workers/fakes/wrangler.toml), so the order ends paid with nobody calling /fake/* by hand.
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChapaFake } from '../../../fakes/chapa'
import { createKaspiPayFake } from '../../../fakes/kaspi-pay'
import { createPaypalFake } from '../../../fakes/paypal'
import { createPaystackFake, signPaystack } from '../../../fakes/paystack'
import fakesWorker from '../../../workers/fakes/index'
import webhooks from '../../../workers/payment-webhooks/index'
import { routeFetch } from '../../fakes'
import { orderStatus, paymentRow, placeOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const HOOKS = 'https://hooks.local.test'
/** What the fakes Worker gets from its wrangler.toml [vars] and the root .dev.vars. */
const FAKES_ENV = { FAKE_WEBHOOKS_BASE_URL: HOOKS, KASPI_PAY_WEBHOOK_SECRET: env.KASPI_PAY_WEBHOOK_SECRET }

/** Serve a fake (its fetch given the fakes Worker's env) at its API origin, and the webhooks Worker at HOOKS. */
function serve(origin: string, fake: (req: Request) => Response | Promise<Response>) {
  const hooks: string[] = []
  routeFetch({
    [origin]: async (req) => fake(req),
    [HOOKS]: async (req) => {
      hooks.push(new URL(req.url).pathname)
      return webhooks.fetch(req as Parameters<typeof webhooks.fetch>[0], env)
    },
  })
  return hooks
}

/** The shopper opens the link and presses the button with `outcome`. */
async function shopperPays(link: string, outcome: string) {
  const page = await fetch(link)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain(`value="${outcome}"`)
  const done = await fetch(link, { method: 'POST', body: new URLSearchParams({ outcome }) })
  expect(done.status).toBe(200)
  expect(await done.text()).toContain('Return to the shop')
}

describe('npm start: the payment fakes complete a payment on their own', () => {
  it('Paystack: authorization_url is the fake’s page; paying there delivers charge.success and the order is paid', async () => {
    const paystack = createPaystackFake({ secretKey: env.PAYSTACK_SECRET_KEY, hosted: true })
    const hooks = serve('https://api.paystack.co', (req) => paystack.app.fetch(req, FAKES_ENV))
    const { user, order, checkout } = await placeOrder({ provider: 'paystack', currency: 'NGN' })
    const link = String(checkout.payment.next_action!.authorization_url)
    expect(link).toBe(`https://api.paystack.co/fake/pay/${(await paymentRow(order.id))!.providerRef}`)
    await shopperPays(link, 'success')
    expect(hooks).toEqual(['/webhooks/paystack'])
    expect(await orderStatus(user, order.id)).toBe('paid')
  })

  it('Chapa: checkout_url is the fake’s page; paying there delivers the signed webhook and the order is paid', async () => {
    const chapa = createChapaFake({ secretKey: env.CHAPA_SECRET_KEY, webhookSecret: env.CHAPA_WEBHOOK_SECRET, hosted: true })
    const hooks = serve('https://api.chapa.co', (req) => chapa.app.fetch(req, FAKES_ENV))
    const { user, order, checkout } = await placeOrder({ provider: 'chapa', currency: 'ETB' })
    await shopperPays(String(checkout.payment.next_action!.checkout_url), 'success')
    expect(hooks).toEqual(['/webhooks/chapa'])
    expect(await orderStatus(user, order.id)).toBe('paid')
  })

  it('PayPal: approving on the fake’s page delivers CHECKOUT.ORDER.APPROVED; the shop captures and the order is paid', async () => {
    const paypal = createPaypalFake({
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      webhookId: env.PAYPAL_WEBHOOK_ID,
      hosted: true,
    })
    const hooks = serve('https://api-m.sandbox.paypal.com', (req) => paypal.app.fetch(req, FAKES_ENV))
    const { user, order, checkout } = await placeOrder({ provider: 'paypal', currency: 'USD' })
    await shopperPays(String(checkout.payment.next_action!.approve_url), 'ok')
    // The approval, then the capture our webhook made, each reached the webhooks Worker.
    expect(hooks).toEqual(['/webhooks/paypal', '/webhooks/paypal'])
    expect(await orderStatus(user, order.id)).toBe('paid')
  })

  it('Kaspi Pay: paying on the fake’s payment link sends a signed notification; the shop polls and the order is paid', async () => {
    const kaspi = createKaspiPayFake({ apiKey: env.KASPI_PAY_API_KEY, organizationBin: env.KASPI_PAY_ORGANIZATION_BIN, hosted: true })
    const hooks = serve('https://qrapi-cert-ip.kaspi.kz', (req) => kaspi.app.fetch(req, FAKES_ENV))
    const { user, order, checkout } = await placeOrder({ provider: 'kaspi', currency: 'KZT' })
    await shopperPays(String(checkout.payment.next_action!.payment_link), 'pay')
    expect(hooks).toEqual(['/webhooks/kaspi'])
    expect(await orderStatus(user, order.id)).toBe('paid')
  })

  it('the fakes Worker serves the hosted pages under its /<provider> mounts and targets FAKE_WEBHOOKS_BASE_URL', async () => {
    const sent: { url: string; body: string; headers: Headers }[] = []
    routeFetch({ [HOOKS]: async (req) => (sent.push({ url: req.url, body: await req.text(), headers: req.headers }), new Response('{}')) })
    const init = await fakesWorker.request(
      '/paystack/transaction/initialize',
      {
        method: 'POST',
        headers: { Authorization: 'Bearer sk_test_local_fake_paystack', 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'a@example.com', amount: '150000', currency: 'NGN', reference: `local-${crypto.randomUUID()}` }),
      },
      FAKES_ENV,
    )
    const link = new URL(((await init.json()) as { data: { authorization_url: string } }).data.authorization_url)
    expect(link.pathname).toMatch(/^\/paystack\/fake\/pay\/local-/)
    // No API key on the shopper's page, as on the real hosted page.
    expect((await fakesWorker.request(link.pathname, {}, FAKES_ENV)).status).toBe(200)
    expect(
      (await fakesWorker.request(link.pathname, { method: 'POST', body: new URLSearchParams({ outcome: 'success' }) }, FAKES_ENV)).status,
    ).toBe(200)
    expect(sent.map((s) => s.url)).toEqual([`${HOOKS}/webhooks/paystack`])
    expect(sent[0]!.headers.get('x-paystack-signature')).toBe(await signPaystack(sent[0]!.body, 'sk_test_local_fake_paystack'))
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ event: 'charge.success', data: { amount: 150000, currency: 'NGN' } })
  })
})
