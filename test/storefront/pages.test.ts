import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { seedStoreSettings } from '../../src/seed'
import { BASE, api, createUser } from '../helpers'
import { confirmIntent, deliver, installStripe, lastEvent, paymentRow } from '../payments/harness'
import turnstileFake, { TURNSTILE_DUMMY_TOKEN, TURNSTILE_TEST_SECRETS } from '../../fakes/turnstile'
import { routeFetch } from '../fakes'
import { cookieHeader, get, post, rawGet } from './helpers'

type Seller = Awaited<ReturnType<typeof createUser>>

async function page(path: string, init: RequestInit = {}) {
  const res = await SELF.fetch(`${BASE}${path}`, { redirect: 'manual', ...init })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

async function createProduct(
  seller: Seller,
  name: string,
  variants: { sku: string; price: number; stock: number; name?: string }[],
  categoryId?: string,
) {
  const res = await api('POST', '/api/v1/seller/products', {
    headers: seller.auth,
    body: {
      name,
      description: `A fine ${name}.`,
      currency: 'USD',
      status: 'active',
      ...(categoryId ? { category_id: categoryId } : {}),
      variants,
    },
  })
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { id: string; slug: string; variants: { id: string }[] }
}

describe('storefront pages', () => {
  let seller: Seller
  let product: { id: string; slug: string; variants: { id: string }[] }
  let categorySlug: string
  beforeAll(async () => {
    await seedStoreSettings(env.DB)
    seller = await createUser('seller')
    const admin = await createUser('admin')
    const cat = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: 'Kitchen' } })
    expect(cat.status).toBe(201)
    categorySlug = cat.body.slug
    product = await createProduct(
      seller,
      'Copper Kettle',
      [
        { sku: `KTL-S-${Date.now()}`, price: 4500, stock: 3, name: 'Small' },
        { sku: `KTL-L-${Date.now()}`, price: 6500, stock: 0, name: 'Large' },
      ],
      cat.body.id,
    )
  })

  it('home, category and search render as HTML with the product', async () => {
    const home = await page('/')
    expect(home.status).toBe(200)
    expect(home.headers.get('Content-Type')).toContain('text/html')
    expect(home.html).toContain('Copper Kettle')
    const cat = await page(`/c/${categorySlug}`)
    expect(cat.status).toBe(200)
    expect(cat.html).toContain(`/p/${product.slug}`)
    const ld = [...cat.html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) => JSON.parse(m[1]!))
    expect(ld.find((d) => d['@type'] === 'BreadcrumbList')?.itemListElement).toHaveLength(2)
    const search = await page('/search?q=kettle')
    expect(search.html).toContain('Copper Kettle')
    expect(search.html).toMatch(/Kitchen <span class="count">\(1\)<\/span>/)
    // Bad filter input is a readable message, not an error code.
    const bad = await page(`/c/${categorySlug}?min=abc`)
    expect(bad.status).toBe(200)
    expect(bad.html).toContain('enter a number such as 25 or 25.50')
  })

  it('product page: variants with price and stock, sold-out variant, JSON-LD Product/Offer', async () => {
    const p = await page(`/p/${product.slug}`)
    expect(p.status).toBe(200)
    expect(p.html).toContain('$45.00')
    expect(p.html).toContain('Only 3 left')
    expect(p.html).toMatch(/value="[^"]+" disabled=""|disabled="" [^>]*value=/)
    const ld = [...p.html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) => JSON.parse(m[1]!))
    const prod = ld.find((d) => d['@type'] === 'Product')
    expect(prod.offers).toHaveLength(2)
    expect(prod.offers[0]).toMatchObject({
      '@type': 'Offer',
      price: '45.00',
      priceCurrency: 'USD',
      availability: 'https://schema.org/InStock',
    })
    expect(prod.offers[1].availability).toBe('https://schema.org/OutOfStock')
    expect(p.html).toContain(`<link rel="canonical" href="${BASE}/p/${product.slug}"`)
    expect(p.html).toContain('property="og:title"')
    expect(p.html).not.toMatch(/<script(?![^>]*(type="application\/(ld\+)?json"|src=))[^>]*>/)
    expect((await page('/p/no-such-product')).status).toBe(404)
  })

  it('a cached product page changes after a price edit', async () => {
    const first = await page(`/p/${product.slug}`)
    const second = await page(`/p/${product.slug}`)
    expect(second.headers.get('X-Cache')).toBe('HIT')
    expect(second.html).toBe(first.html)
    const edit = await api('PATCH', `/api/v1/seller/products/${product.id}/variants/${product.variants[0]!.id}`, {
      headers: seller.auth,
      body: { price: 3999 },
    })
    expect(edit.status).toBe(200)
    const after = await page(`/p/${product.slug}`)
    expect(after.headers.get('X-Cache')).toBe('MISS')
    expect(after.html).toContain('$39.99')
    expect(after.html).not.toContain('$45.00')
  })

  it('Russian by Accept-Language, and the switcher cookie wins', async () => {
    const ru = await page(`/p/${product.slug}`, { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.8' } })
    expect(ru.html).toContain('<html lang="ru">')
    expect(ru.html).toContain('В корзину')
    expect(ru.html).toMatch(/39,99\s\$/)
    const jar = new Map<string, string>()
    const sw = await post('/preferences/language', { locale: 'en', back: `/p/${product.slug}` }, jar)
    expect(sw.status).toBe(303)
    expect(sw.location).toBe(`/p/${product.slug}`)
    const en = await SELF.fetch(`${BASE}/p/${product.slug}`, { headers: { 'Accept-Language': 'ru', Cookie: cookieHeader(jar) } })
    expect(await en.text()).toContain('Add to cart')
    // A post from another site is refused.
    const foreign = await SELF.fetch(`${BASE}/preferences/language`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: 'locale=ru&back=/',
    })
    expect(foreign.status).toBe(400)
    expect(foreign.headers.getSetCookie().join()).not.toContain('ec_lang')
  })

  it('a guest buys through the forms: add, discount, checkout, signed order page', async () => {
    const before = await page(`/p/${product.slug}`)
    expect((await page(`/p/${product.slug}`)).headers.get('X-Cache')).toBe('HIT')
    expect(before.html).toContain('Only 3 left')
    const jar = new Map<string, string>()
    const add = await post('/cart/add', { variant_id: product.variants[0]!.id, quantity: '2', back: `/p/${product.slug}` }, jar)
    expect(add.status).toBe(303)
    expect(jar.get('ec_cart')).toMatch(/^cart_/)
    const cart = await get('/cart', jar)
    expect(cart.html).toContain('Copper Kettle')
    expect(cart.html).toContain('Added to your cart.')
    const badCode = await post('/cart/discount', { code: 'NOPE' }, jar)
    expect(badCode.status).toBe(303)
    expect((await get('/cart', jar)).html).toMatch(/role="alert"/)
    await post('/cart/discount', { code: 'welcome10' }, jar)
    const discounted = await get('/cart', jar)
    expect(discounted.html).toContain('WELCOME10')
    const checkout = await get('/checkout', jar)
    expect(checkout.status).toBe(200)
    const key = /name="idempotency_key" value="([^"]+)"/.exec(checkout.html)![1]!
    const code = /name="discount_code" value="([^"]*)"/.exec(checkout.html)![1]!
    expect(code).toBe('WELCOME10')
    const missing = await post(
      '/checkout',
      { idempotency_key: key, email: 'nope', shipping_method_id: 'shp_seed_flat', payment_provider: 'manual' },
      jar,
    )
    expect(missing.status).toBe(400)
    expect(missing.html).toContain('Enter your email address')
    expect(missing.html).toContain('Enter the street address.')
    const form = {
      idempotency_key: key,
      email: 'shopper@example.test',
      name: 'Ada Guest',
      line1: '1 Main St',
      city: 'Nairobi',
      country: 'KE',
      shipping_method_id: 'shp_seed_flat',
      payment_provider: 'manual',
      discount_code: code,
    }
    const placed = await post('/checkout', form, jar)
    expect(placed.status).toBe(303)
    expect(placed.location).toMatch(/^\/orders\/ord_[a-z0-9]+\?sig=[A-Za-z0-9_-]{43}$/)
    // Submitting the same form again (double click) replays the same order.
    const again = await post('/checkout', form, jar)
    expect(again.location).toBe(placed.location)
    const order = await get(placed.location!, jar)
    expect(order.status).toBe(200)
    expect(order.html).toContain('Copper Kettle')
    expect(order.html).toContain('Payment instructions')
    expect(order.html).not.toContain('role="alert"') // the discount error was shown once, then forgotten
    expect(order.html).toContain('$80.97') // 2 × 39.99 − 10% (8.00) + 8.99 flat; KE VAT is included in prices
    const tampered = placed.location!.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'))
    expect((await get(tampered, jar)).status).toBe(404)
    expect((await get('/cart', jar)).html).toContain('Your cart is empty.')
    // The cached product page shows the stock the order took (it was stale before: cached under
    // the lists' tag only, which orders replace only when a product sells out).
    const after = await page(`/p/${product.slug}`)
    expect(after.headers.get('X-Cache')).toBe('MISS')
    expect(after.html).toContain('Only 1 left')
  })

  it('card payment: a declined card keeps the order payable with the same form; no publishable key shows an error, never a made-up key', async () => {
    const { stripe } = installStripe()
    const jar = new Map<string, string>()
    await post('/cart/add', { variant_id: product.variants[0]!.id, quantity: '1', back: `/p/${product.slug}` }, jar)
    const checkout = await get('/checkout', jar)
    const key = /name="idempotency_key" value="([^"]+)"/.exec(checkout.html)![1]!
    const placed = await post(
      '/checkout',
      {
        idempotency_key: key,
        email: 'card@example.test',
        name: 'Card Guest',
        line1: '1 Main St',
        city: 'Austin',
        country: 'US',
        postal_code: '73301',
        shipping_method_id: 'shp_seed_flat',
        payment_provider: 'stripe',
      },
      jar,
    )
    expect(placed.status).toBe(303)
    const first = await get(placed.location!, jar)
    expect(first.html).toContain('id="payment-form"')
    expect(first.html).toContain('data-publishable-key="pk_test_vitest"')
    const orderId = /^\/orders\/(ord_[a-z0-9]+)/.exec(placed.location!)![1]!
    const piId = (await paymentRow(orderId))!.providerRef!
    await confirmIntent(stripe, piId, 'pm_card_chargeDeclined')
    expect((await deliver(lastEvent(stripe, 'payment_intent.payment_failed', piId))).body).toMatchObject({ outcome: 'payment_declined' })
    // Back from the declined attempt: the order is kept and the same intent is offered again.
    const back = await get(`${placed.location!}&redirect_status=failed`, jar)
    expect(back.html).toContain('The payment did not go through. Your order is kept: try again.')
    expect(back.html).toContain('id="payment-form"')
    expect(back.html).toContain(`data-client-secret="${piId}_secret_`)
    expect(back.html).toMatch(/data-status="processing"/)

    const saved = env.STRIPE_PUBLISHABLE_KEY
    ;(env as { STRIPE_PUBLISHABLE_KEY: string }).STRIPE_PUBLISHABLE_KEY = ''
    try {
      const broken = await get(placed.location!, jar)
      expect(broken.html).toContain('data-error="payments-not-configured"')
      expect(broken.html).not.toContain('id="payment-form"')
      expect(broken.html).not.toMatch(/pk_test_/)
    } finally {
      ;(env as { STRIPE_PUBLISHABLE_KEY: string }).STRIPE_PUBLISHABLE_KEY = saved
    }
  })

  it('a dashboard sign-in is carried over to the storefront by /account/handoff; a bad token is refused', async () => {
    const customer = await createUser('customer')
    const jar = new Map<string, string>()
    const refused = await post('/account/handoff', { access_token: 'not-a-token' }, jar)
    expect(refused.status).toBe(401)
    expect(jar.size).toBe(0)
    const token = customer.token
    const handed = await post('/account/handoff', { access_token: token }, jar)
    expect(handed.status).toBe(204)
    expect(jar.get('ec_rt')).toBeTruthy()
    const account = await get('/account', jar)
    expect(account.status).toBe(200)
    expect(account.html).toContain(customer.email)
    // From another site (a foreign Origin) the form post is refused and sets no session.
    const foreign = await SELF.fetch(`${BASE}/account/handoff`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: new URLSearchParams({ access_token: token }).toString(),
    })
    expect([400, 403]).toContain(foreign.status)
    expect(foreign.headers.getSetCookie().filter((k) => k.startsWith('ec_'))).toEqual([])
  })

  it('in-stock filter is applied by the query: every page is full and the cursor walks only in-stock products', async () => {
    const admin = await createUser('admin')
    const cat = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: 'Stock Test Shelf' } })
    expect(cat.status).toBe(201)
    const names: { name: string; inStock: boolean }[] = []
    for (let i = 0; i < 6; i++) {
      const inStock = i % 2 === 0
      const name = `Shelf Item ${i} ${inStock ? 'Available' : 'Gone'}`
      await createProduct(
        seller,
        name,
        [{ sku: `SHELF-${i}-${crypto.randomUUID().slice(0, 6)}`, price: 1000 + i, stock: inStock ? 3 : 0 }],
        cat.body.id,
      )
      names.push({ name, inStock })
    }
    const seen: string[] = []
    let cursor: string | null = null
    const pages: number[] = []
    do {
      const res: { status: number; body: any } = await api(
        'GET',
        `/api/v1/products?category=${cat.body.id}&in_stock=true&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      expect(res.status).toBe(200)
      pages.push(res.body.data.length)
      for (const p of res.body.data as { name: string; in_stock: boolean }[]) {
        expect(p.in_stock).toBe(true)
        seen.push(p.name)
      }
      cursor = res.body.next_cursor
    } while (cursor)
    expect(pages[0]).toBe(2)
    expect(seen.sort()).toEqual(
      names
        .filter((n) => n.inStock)
        .map((n) => n.name)
        .sort(),
    )
    expect((await api('GET', '/api/v1/products?in_stock=maybe')).status).toBe(400)
    const html = (await page(`/c/${cat.body.slug}?in_stock=1`)).html
    for (const n of names) expect(html.includes(n.name)).toBe(n.inStock)
  })

  it('Turnstile: with a site key the forms render the widget (script allowed by the CSP) and pass its token to the API', async () => {
    routeFetch({ 'https://challenges.cloudflare.com': (r) => turnstileFake.fetch(r) })
    const vars = env as unknown as Record<string, string>
    const saved = { ...vars }
    Object.assign(vars, {
      TURNSTILE_SITE_KEY: '1x00000000000000000000AA',
      TURNSTILE_SCRIPT_URL: 'http://localhost:8787/__fakes/turnstile-fake/turnstile/v0/api.js',
      TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.alwaysPass,
      TURNSTILE_BASE_URL: 'https://challenges.cloudflare.com',
    })
    try {
      for (const path of ['/account/sign-up', '/account/sign-in', '/forgot-password']) {
        const form = await page(path)
        expect(form.html, path).toContain('class="cf-turnstile" data-sitekey="1x00000000000000000000AA"')
        expect(form.html).toContain('<script src="http://localhost:8787/__fakes/turnstile-fake/turnstile/v0/api.js" async="" defer="">')
        expect(form.headers.get('Content-Security-Policy')).toMatch(/script-src [^;]*http:\/\/localhost:8787/)
      }
      const email = `ts-${crypto.randomUUID().slice(0, 8)}@example.test`
      const fields = { name: 'Tia Storefront', email, password: 'turnstile-pass-123' }
      const without = await post('/account/sign-up', fields, new Map())
      expect(without.status).toBe(400)
      expect(without.html).toContain('Turnstile')
      expect(without.html).not.toContain('challenge_required')
      const jar = new Map<string, string>()
      const withToken = await post('/account/sign-up', { ...fields, 'cf-turnstile-response': TURNSTILE_DUMMY_TOKEN }, jar)
      expect(withToken.status).toBe(303)
      expect(jar.get('ec_rt')).toBeTruthy()
    } finally {
      for (const k of ['TURNSTILE_SITE_KEY', 'TURNSTILE_SCRIPT_URL', 'TURNSTILE_SECRET_KEY', 'TURNSTILE_BASE_URL']) {
        if (saved[k] === undefined) delete vars[k]
        else vars[k] = saved[k]
      }
    }
    // Off again: no widget.
    expect((await page('/account/sign-up')).html).not.toContain('cf-turnstile')
  })

  it('forgot password: a refused request shows the form again with the email and the errors (400); an accepted one redirects to the notice', async () => {
    const jar = new Map<string, string>()
    const empty = await get('/forgot-password', jar)
    expect(empty.status).toBe(200)
    expect(empty.html).toContain('action="/forgot-password"')
    expect(empty.html).not.toContain('class="alert')

    const refused = await post('/forgot-password', { email: 'not-an-email' }, jar)
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('action="/forgot-password"')
    expect(refused.html).toContain('value="not-an-email"')
    expect(refused.html).toContain('class="alert error"')

    const accepted = await post('/forgot-password', { email: 'nobody@example.test' }, jar)
    expect(accepted.status).toBe(303)
    expect(accepted.location).toBe('/forgot-password')
    const notice = await get('/forgot-password', jar)
    expect(notice.html).toContain('class="alert notice"')
    expect(notice.html).toContain('If an account exists for that email')
  })

  it('sitemaps list every active product and category; robots points at the index', async () => {
    const robots = await page('/robots.txt')
    expect(robots.html).toContain(`Sitemap: ${BASE}/sitemap.xml`)
    const index = await page('/sitemap.xml')
    const files = [...index.html.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!)
    expect(files).toContain(`${BASE}/sitemap-categories.xml`)
    const urls: string[] = []
    for (const f of files) {
      const r = await page(new URL(f).pathname)
      expect(r.status).toBe(200)
      urls.push(...[...r.html.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!))
    }
    const { results } = await env.DB.prepare("SELECT slug FROM products WHERE status = 'active'").all<{ slug: string }>()
    for (const r of results) expect(urls).toContain(`${BASE}/p/${r.slug}`)
    expect(urls).toContain(`${BASE}/c/${categorySlug}`)
    expect((await page('/sitemap-products-99.xml')).status).toBe(404)
  })

  it('split over many product sitemap files, every active product appears exactly once', async () => {
    const patch = { SITEMAP_PRODUCTS_PER_FILE: '2' } as Partial<Env>
    const index = await rawGet('/sitemap.xml', { patch })
    const files = [...index.html.matchAll(/<loc>([^<]+)<\/loc>/g)]
      .map((m) => new URL(m[1]!).pathname)
      .filter((f) => f.startsWith('/sitemap-products-'))
    const { results } = await env.DB.prepare("SELECT slug FROM products WHERE status = 'active'").all<{ slug: string }>()
    expect(results.length).toBeGreaterThan(2)
    expect(files).toHaveLength(Math.ceil(results.length / 2))
    const listed: string[] = []
    for (const f of files) {
      const r = await rawGet(f, { patch })
      expect(r.status, f).toBe(200)
      listed.push(...[...r.html.matchAll(/<loc>[^<]+\/p\/([^<]+)<\/loc>/g)].map((m) => m[1]!))
    }
    expect(listed.sort()).toEqual(results.map((r) => r.slug).sort())
    expect((await rawGet(`/sitemap-products-${files.length + 1}.xml`, { patch })).status).toBe(404)
  })
})
