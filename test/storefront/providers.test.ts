/**
 * Every payment provider the store has enabled is offered at the storefront's checkout for the
 * currencies it can charge, and a guest pays through each one's fake from the order page: the
 * storefront's "Pay now" link opens the fake's hosted page (M-Pesa: the prompt on the phone), the
 * fake calls the payment webhooks Worker, and the order page then shows the order paid.
 */
import { env } from 'cloudflare:test'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createChapaFake } from '../../fakes/chapa'
import { createKaspiPayFake } from '../../fakes/kaspi-pay'
import { createMpesaFake } from '../../fakes/mpesa'
import { createPaypalFake } from '../../fakes/paypal'
import { createPaystackFake } from '../../fakes/paystack'
import { getDb } from '../../src/lib/db'
import { createShippingMethod } from '../../src/modules/pricing/service'
import { seedStoreSettings } from '../../src/seed'
import webhooks from '../../workers/payment-webhooks/index'
import { routeFetch } from '../fakes'
import { createProduct } from '../fixtures/catalog'
import { api } from '../helpers'
import { get, guestForm, post, unescapeAttr, type Jar } from './helpers'

afterEach(() => vi.restoreAllMocks())

const HOOKS = 'https://hooks.storefront.test'
const FAKES_ENV = { FAKE_WEBHOOKS_BASE_URL: HOOKS, KASPI_PAY_WEBHOOK_SECRET: env.KASPI_PAY_WEBHOOK_SECRET }

/** Serves a provider's fake at its API origin and the payment webhooks Worker at HOOKS. */
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

/** A guest with one item in `currency` in the cart, and a shipping method in that currency. */
async function guestCart(currency: string, price: number): Promise<{ jar: Jar; shipping: string }> {
  const product = await createProduct({ name: `Pay ${currency} lamp`, currency, variants: [{ price, stock: 10 }] })
  const method = await createShippingMethod(getDb(env), {
    name: `Post ${currency}`,
    kind: 'flat',
    currency,
    amount: 0,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    active: true,
    position: 0,
  })
  const jar: Jar = new Map()
  expect((await post('/cart/add', { variant_id: product.variants[0]!.id, quantity: '1', back: '/cart' }, jar)).status).toBe(303)
  return { jar, shipping: method.id }
}

const offered = (html: string) => [...html.matchAll(/name="payment_provider" value="([a-z_]+)"/g)].map((m) => m[1]!).sort()

/** Checks out as a guest with `provider`; returns the order page's path. */
async function placeWith(jar: Jar, shipping: string, provider: string, country: string, extra: Record<string, string> = {}) {
  const checkout = await get('/checkout', jar)
  expect(checkout.status).toBe(200)
  const placed = await post(
    '/checkout',
    guestForm(checkout.html, { country, shipping_method_id: shipping, payment_provider: provider, ...extra }),
    jar,
  )
  expect(placed.status, placed.html.slice(0, 2000)).toBe(303)
  return placed.location!
}

/** The order page's "Pay now" link (the provider's hosted page). */
function payLink(html: string): string {
  const href = /<a class="button primary" href="([^"]+)">Pay now<\/a>/.exec(html)?.[1]
  expect(href, 'no Pay now link on the order page').toBeTruthy()
  return unescapeAttr(href!)
}

/** The shopper opens the hosted page and presses the button with `outcome`. */
async function shopperPays(link: string, outcome: string) {
  const page = await fetch(link)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain(`value="${outcome}"`)
  const done = await fetch(link, { method: 'POST', body: new URLSearchParams({ outcome }) })
  expect(done.status).toBe(200)
}

async function expectPaid(orderPath: string, jar: Jar) {
  const page = await get(orderPath, jar)
  expect(page.status).toBe(200)
  expect(page.html).toContain('data-status="paid"')
  expect(page.html).toContain('Thank you! Your order is paid.')
}

/** The M-Pesa fake at Daraja's sandbox origin. */
function serveMpesa() {
  const mpesa = createMpesaFake({
    consumerKey: env.MPESA_CONSUMER_KEY,
    consumerSecret: env.MPESA_CONSUMER_SECRET,
    passkey: env.MPESA_PASSKEY,
    shortcode: env.MPESA_SHORTCODE,
  })
  routeFetch({ 'https://sandbox.safaricom.co.ke': mpesa.fetch })
  return mpesa
}

/** The payer approves push `ref` on the phone; Safaricom's result callback reaches the webhooks Worker. */
async function approveOnPhone(mpesa: ReturnType<typeof createMpesaFake>, ref: string) {
  const answered = await mpesa.app.request(`/fake/phone/${ref}`, {
    method: 'POST',
    body: JSON.stringify({ outcome: 'pay' }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(answered.status).toBe(200)
  const callback = mpesa.state.callbacks.at(-1)!
  const res = await webhooks.fetch(
    new Request(`${HOOKS}${new URL(callback.url).pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: callback.body,
    }) as Parameters<typeof webhooks.fetch>[0],
    env,
  )
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  await seedStoreSettings(env.DB)
})

describe('checkout offers the providers enabled for the cart’s currency', () => {
  it('each currency lists exactly the enabled providers that charge it (GET /payment-methods)', async () => {
    const methods = (await api('GET', '/api/v1/payment-methods')).body.data as { provider: string; currencies: string[] | null }[]
    // The test environment enables every provider (vitest.config.ts bindings).
    expect(methods.map((m) => m.provider).sort()).toEqual(['chapa', 'kaspi', 'manual', 'mpesa', 'paypal', 'paystack', 'stripe'])
    for (const currency of ['USD', 'NGN', 'ETB', 'KZT', 'KES']) {
      const { jar } = await guestCart(currency, 100_000)
      const expected = methods
        .filter((m) => !m.currencies || m.currencies.includes(currency))
        .map((m) => m.provider)
        .sort()
      const page = await get('/checkout', jar)
      expect(offered(page.html), currency).toEqual(expected)
      expect(page.html.includes('name="payment_phone"'), currency).toBe(expected.includes('mpesa'))
    }
  })
})

describe('paying through each provider’s fake from the storefront', () => {
  it('Paystack (NGN): the order page links the hosted page; paying there marks the order paid', async () => {
    const paystack = createPaystackFake({ secretKey: env.PAYSTACK_SECRET_KEY, hosted: true })
    const hooks = serve('https://api.paystack.co', (req) => paystack.app.fetch(req, FAKES_ENV))
    const { jar, shipping } = await guestCart('NGN', 1_500_000)
    const order = await placeWith(jar, shipping, 'paystack', 'NG')
    await shopperPays(payLink((await get(order, jar)).html), 'success')
    expect(hooks).toEqual(['/webhooks/paystack'])
    await expectPaid(order, jar)
  })

  it('Chapa (ETB): the order page links the hosted page; paying there marks the order paid', async () => {
    const chapa = createChapaFake({ secretKey: env.CHAPA_SECRET_KEY, webhookSecret: env.CHAPA_WEBHOOK_SECRET, hosted: true })
    const hooks = serve('https://api.chapa.co', (req) => chapa.app.fetch(req, FAKES_ENV))
    const { jar, shipping } = await guestCart('ETB', 150_050)
    const order = await placeWith(jar, shipping, 'chapa', 'ET')
    await shopperPays(payLink((await get(order, jar)).html), 'success')
    expect(hooks).toEqual(['/webhooks/chapa'])
    await expectPaid(order, jar)
  })

  it('PayPal (USD): approving on the hosted page gets the order captured and paid', async () => {
    const paypal = createPaypalFake({
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      webhookId: env.PAYPAL_WEBHOOK_ID,
      hosted: true,
    })
    serve('https://api-m.sandbox.paypal.com', (req) => paypal.app.fetch(req, FAKES_ENV))
    const { jar, shipping } = await guestCart('USD', 4_500)
    const order = await placeWith(jar, shipping, 'paypal', 'US')
    await shopperPays(payLink((await get(order, jar)).html), 'ok')
    await expectPaid(order, jar)
  })

  it('Kaspi Pay (KZT): the order page links the payment link; paying there marks the order paid', async () => {
    const kaspi = createKaspiPayFake({ apiKey: env.KASPI_PAY_API_KEY, organizationBin: env.KASPI_PAY_ORGANIZATION_BIN, hosted: true })
    const hooks = serve('https://qrapi-cert-ip.kaspi.kz', (req) => kaspi.app.fetch(req, FAKES_ENV))
    const { jar, shipping } = await guestCart('KZT', 1_234_500)
    const order = await placeWith(jar, shipping, 'kaspi', 'KZ')
    await shopperPays(payLink((await get(order, jar)).html), 'pay')
    expect(hooks).toEqual(['/webhooks/kaspi'])
    await expectPaid(order, jar)
  })

  it('M-Pesa (KES): checkout wants a Kenyan phone (readable message), the prompt goes to it, and approving it marks the order paid', async () => {
    const mpesa = serveMpesa()
    const { jar, shipping } = await guestCart('KES', 150_000)
    const checkout = await get('/checkout', jar)
    const noPhone = await post(
      '/checkout',
      guestForm(checkout.html, { country: 'KE', shipping_method_id: shipping, payment_provider: 'mpesa', payment_phone: '0712' }),
      jar,
    )
    expect(noPhone.status).toBe(400)
    expect(noPhone.html).toContain('For M-Pesa, enter the Kenyan phone number that gets the payment prompt')
    const order = await placeWith(jar, shipping, 'mpesa', 'KE', { payment_phone: '+254 712 345 678' })
    const ref = [...mpesa.state.pushes.keys()].at(-1)!
    expect(mpesa.state.pushes.get(ref)).toMatchObject({ phone: '254712345678', amount: 1500 })
    const page = await get(order, jar)
    expect(page.html).toContain('Payment instructions')
    expect(page.html).not.toContain('role="alert"')
    // The payer approves the prompt; Safaricom calls back the webhooks Worker.
    await approveOnPhone(mpesa, ref)
    await expectPaid(order, jar)
  })

  it('M-Pesa: a push that failed at checkout is sent again from the order page to the phone given there (checked like checkout’s), and paying it marks the order paid', async () => {
    const mpesa = serveMpesa()
    // Another prompt is still open on the phone: Daraja refuses the checkout's push.
    await mpesa.app.request('/fake/busy/254712000111', { method: 'POST' })
    const { jar, shipping } = await guestCart('KES', 250_000)
    const order = await placeWith(jar, shipping, 'mpesa', 'KE', { payment_phone: '+254712000111' })
    expect(mpesa.state.pushes.size).toBe(0)
    const page = await get(order, jar)
    expect(page.html).toContain('data-status="pending"')
    // The order page asks for the phone (a labelled field), not an error code or a dead end.
    expect(page.html).toContain('data-retry="mpesa"')
    expect(page.html).toMatch(/<label for="f-payment_phone">M-Pesa phone number<\/label>/)
    expect(page.html).not.toContain('role="alert"')
    const action = unescapeAttr(/<form method="post" action="([^"]+\/pay\?sig=[^"]+)"/.exec(page.html)![1]!)

    // A number M-Pesa cannot prompt: checkout's message, nothing sent.
    const bad = await post(action, { payment_phone: '0712' }, jar)
    expect(bad.status).toBe(303)
    expect((await get(bad.location!, jar)).html).toContain('For M-Pesa, enter the Kenyan phone number that gets the payment prompt')
    expect(mpesa.state.pushes.size).toBe(0)

    const sent = await post(action, { payment_phone: '+254 712 000 111' }, jar)
    expect(sent.status).toBe(303)
    const ref = [...mpesa.state.pushes.keys()].at(-1)!
    expect(mpesa.state.pushes.get(ref)).toMatchObject({ phone: '254712000111', amount: 2500 })
    const after = await get(sent.location!, jar)
    expect(after.html).toContain('The payment prompt is on its way to +254712000111')
    expect(after.html).toContain('data-status="processing"')
    expect(after.html).not.toContain('data-retry="mpesa"')
    // A reload asks Daraja about the same push; it never pushes twice.
    await get(order, jar)
    expect(mpesa.state.pushes.size).toBe(1)

    await approveOnPhone(mpesa, ref)
    await expectPaid(order, jar)
  })

  it('M-Pesa through the API: a guest order whose push failed is paid through POST /guest-orders/{id}/pay with a phone', async () => {
    const mpesa = serveMpesa()
    await mpesa.app.request('/fake/busy/254112000222', { method: 'POST' })
    const { jar, shipping } = await guestCart('KES', 100_000)
    const order = new URL(await placeWith(jar, shipping, 'mpesa', 'KE', { payment_phone: '+254112000222' }), 'https://x.test')
    const pay = `/api/v1/guest-orders/${order.pathname.split('/').at(-1)}/pay${order.search}`
    expect((await api('POST', pay)).status).toBe(400)
    expect((await api('POST', pay, { body: { phone: '0112000222' } })).status).toBe(400)
    const started = await api('POST', pay, { body: { phone: '+254112000222' } })
    expect(started.status).toBe(200)
    expect(started.body).toMatchObject({ provider: 'mpesa', status: 'requires_payment' })
    expect([...mpesa.state.pushes.values()].map((p) => p.phone)).toEqual(['254112000222'])
  })
})
