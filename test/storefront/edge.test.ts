/**
 * The storefront at the edge: the visitor's country (request.cf.country) preselects the shipping
 * and tax country, a cached catalog page is served without touching D1, and an order page whose
 * order cannot be read for a moment says so and retries instead of claiming the order is gone.
 */
import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { clearCatalogMemo } from '../../src/modules/catalog/cache'
import { seedStoreSettings } from '../../src/seed'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { uniqueIp } from '../accounts/util'
import { cookieHeader, get, guestForm, instrumentedD1, post, rawGet, type Jar } from './helpers'

const selected = (html: string, id: string) =>
  new RegExp(`id="${id}"[^>]*>[\\s\\S]*?<option value="([A-Z]{2})" selected=""`).exec(html)?.[1]

let product: Awaited<ReturnType<typeof createProduct>>

beforeAll(async () => {
  await seedStoreSettings(env.DB)
  product = await createProduct({ name: 'Edge Teapot', variants: [{ price: 5000, stock: 20 }] })
})

async function guestWithCart(): Promise<Jar> {
  const jar: Jar = new Map()
  expect((await post('/cart/add', { variant_id: product.variants[0]!.id, quantity: '1', back: '/cart' }, jar)).status).toBe(303)
  return jar
}

describe('the edge country preselects shipping and tax', () => {
  it('a visitor from Germany gets DE on the cart and at checkout with German VAT; their own choice wins', async () => {
    const jar = await guestWithCart()
    const fromDe = { cf: { country: 'DE' }, headers: { Cookie: cookieHeader(jar) } }
    const cart = await rawGet('/cart', fromDe)
    expect(cart.status).toBe(200)
    expect(selected(cart.html, 'ship-country')).toBe('DE')
    expect(cart.html).toContain('Tax (included)') // DE prices include 19 % MwSt (seeded)
    const checkout = await rawGet('/checkout', fromDe)
    expect(selected(checkout.html, 'f-country')).toBe('DE')

    // No country at the edge (local dev, Tor): the default, US, with its sales tax on top.
    const nowhere = await rawGet('/cart', { headers: { Cookie: cookieHeader(jar) } })
    expect(selected(nowhere.html, 'ship-country')).toBe('US')
    expect(nowhere.html).not.toContain('Tax (included)')

    // The shopper picks Great Britain: the cookie beats the edge country from then on.
    expect((await post('/preferences/country', { country: 'gb', back: '/cart' }, jar)).status).toBe(303)
    const chosen = await rawGet('/checkout', { cf: { country: 'DE' }, headers: { Cookie: cookieHeader(jar) } })
    expect(selected(chosen.html, 'f-country')).toBe('GB')
  })
})

describe('cached catalog pages', () => {
  it('a hit on home, category, search, product page and sitemap sends no statement to D1', async () => {
    const admin = await createUser('admin')
    const cat = await api('POST', '/api/v1/admin/categories', {
      headers: admin.auth,
      body: { name: `Edge ${crypto.randomUUID().slice(0, 6)}` },
    })
    expect(cat.status).toBe(201)
    const slug = (await api('GET', `/api/v1/products/${product.id}`)).body.slug as string
    for (const path of ['/', `/c/${cat.body.slug}`, '/search?q=teapot', `/p/${slug}`, '/sitemap.xml', '/sitemap-products-1.xml']) {
      const miss = instrumentedD1(env.DB)
      const first = await rawGet(path, { patch: { DB: miss.db } })
      expect(first.status, path).toBe(200)
      expect(miss.counter.calls, path).toBeGreaterThan(0) // the counter sees D1 when there is D1 to see
      // Served by the KV bulk read, not by this isolate's memo.
      clearCatalogMemo()
      const hit = instrumentedD1(env.DB)
      const second = await rawGet(path, { patch: { DB: hit.db } })
      expect(second.status, path).toBe(200)
      if (!path.startsWith('/sitemap')) expect(second.headers.get('X-Cache'), path).toBe('HIT')
      expect(hit.counter.calls, path).toBe(0)
      expect(second.html, path).toBe(first.html)
    }
  })
})

describe('the order page when the order cannot be read', () => {
  it('says so and reloads itself (503), keeping the URL; a wrong signature is still "not found"', async () => {
    const jar = await guestWithCart()
    const checkout = await get('/checkout', jar)
    const placed = await post(
      '/checkout',
      guestForm(checkout.html, { country: 'US', shipping_method_id: 'shp_seed_flat', payment_provider: 'manual' }),
      jar,
    )
    expect(placed.status).toBe(303)
    const url = `${placed.location!}&redirect_status=succeeded&wait=3`
    const busy = instrumentedD1(env.DB, { fail: true })
    const down = await rawGet(url, { patch: { DB: busy.db } })
    expect(down.status).toBe(503)
    expect(down.html).toContain('data-error="order-unavailable"')
    expect(down.html).toContain('We could not load your order just now.')
    expect(down.html).not.toContain('Page not found')
    expect(down.html).toContain(`<meta http-equiv="refresh" content="3;url=${url.replace(/&/g, '&amp;')}"`)
    expect(down.headers.get('Cache-Control')).toBe('private, no-store')
    // Once the database answers, the same URL shows the order.
    expect((await get(url, jar)).status).toBe(200)
    const wrong = placed.location!.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'))
    expect((await get(wrong, jar)).status).toBe(404)
    expect((await get(placed.location!.replace(/sig=.*/, 'sig=short'), jar)).status).toBe(404)
  })
})

describe('a catalog page whose API read failed for a moment', () => {
  it('answers 503 "try again" and stores nothing, so the next shopper gets the page (not a cached "not found")', async () => {
    const fresh = await createProduct({ name: 'Blip Kettle', variants: [{ price: 3000, stock: 5 }] })
    const slug = fresh.slug
    const busy = instrumentedD1(env.DB, { fail: true })
    const down = await rawGet(`/p/${slug}`, { patch: { DB: busy.db } })
    expect(down.status).toBe(503)
    expect(down.html).toContain('data-error="page-unavailable"')
    expect(down.html).not.toContain('Page not found')
    expect(down.headers.get('Cache-Control')).toBe('private, no-store')
    expect(down.headers.get('Retry-After')).toBe('5')
    clearCatalogMemo()
    const next = await rawGet(`/p/${slug}`)
    expect(next.status).toBe(200)
    expect(next.headers.get('X-Cache')).toBe('MISS')
    expect(next.html).toContain('Blip Kettle')
  })

  it('one visitor over the read limit gets 429 with Retry-After; other shoppers never see it', async () => {
    const tiny = { RATE_LIMIT_READ: env.RATE_LIMIT_TINY }
    const ip = uniqueIp()
    // Spend the visitor's allowance (3) on API reads that miss the catalog cache.
    const floor = 1 + Math.floor(Math.random() * 1_000_000)
    for (let i = 0; i < 3; i++) {
      const r = await rawGet(`/api/v1/products?limit=3&min_price=${floor + i}`, { patch: tiny, headers: { 'CF-Connecting-IP': ip } })
      expect(r.status).toBe(200)
    }
    // A new product: its page and its API entry are not cached, so the page's API read spends.
    const other = await createProduct({ name: 'Limit Teacup', variants: [{ price: 1000, stock: 5 }] })
    const otherSlug = other.slug
    const limited = await rawGet(`/p/${otherSlug}`, { patch: tiny, headers: { 'CF-Connecting-IP': ip } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(limited.headers.get('Cache-Control')).toBe('private, no-store')
    expect(limited.html).toContain('Too many requests from your network')
    clearCatalogMemo()
    const shopper = await rawGet(`/p/${otherSlug}`, { patch: tiny, headers: { 'CF-Connecting-IP': uniqueIp() } })
    expect(shopper.status).toBe(200)
    expect(shopper.html).toContain('Limit Teacup')
  })
})
