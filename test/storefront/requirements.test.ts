/**
 * Parts of issue 9 no other storefront test held (docs/storefront.md, "Requirement → test"): images
 * with `srcset` when Image Resizing is on, the reviews' rating summary, a category's sort and price
 * range, tracking numbers on the order-status page, which pages are never cached, and the static
 * files of public/ (favicon, icons, manifest).
 */
import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { clearCatalogMemo } from '../../src/modules/catalog/cache'
import { seedStoreSettings } from '../../src/seed'
import { BASE, api, createUser } from '../helpers'
import { get, guestForm, post, rawGet, unescapeAttr, type Jar } from './helpers'

type User = Awaited<ReturnType<typeof createUser>>

// A 1×1 PNG.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'), (ch) =>
  ch.charCodeAt(0),
)

let seller: User
let staff: User
let categorySlug: string
let products: { id: string; slug: string; variants: { id: string }[] }[]

async function product(name: string, price: number, categoryId: string) {
  const res = await api('POST', '/api/v1/seller/products', {
    headers: seller.auth,
    body: {
      name,
      currency: 'USD',
      status: 'active',
      category_id: categoryId,
      variants: [{ sku: `REQ-${crypto.randomUUID().slice(0, 8)}`, price, stock: 10 }],
    },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as { id: string; slug: string; variants: { id: string }[] }
}

/** Product slugs in the order a page lists them. */
const listed = (html: string) => [...new Set([...html.matchAll(/href="\/p\/([^"]+)"/g)].map((m) => m[1]!))]

beforeAll(async () => {
  await seedStoreSettings(env.DB)
  seller = await createUser('seller')
  staff = await createUser('staff')
  const admin = await createUser('admin')
  const cat = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: `Lamps ${Date.now()}` } })
  expect(cat.status).toBe(201)
  categorySlug = cat.body.slug
  products = [
    await product('Req Desk Lamp', 3_000, cat.body.id),
    await product('Req Floor Lamp', 9_000, cat.body.id),
    await product('Req Wall Lamp', 5_000, cat.body.id),
  ]
})

describe('issue 9 requirements without a test elsewhere', () => {
  it('a category sorts by price both ways and keeps to a price range', async () => {
    const [desk, floor, wall] = products.map((p) => p.slug)
    expect(listed((await get(`/c/${categorySlug}?sort=price_asc`)).html)).toEqual([desk, wall, floor])
    expect(listed((await get(`/c/${categorySlug}?sort=price_desc`)).html)).toEqual([floor, wall, desk])
    const range = await get(`/c/${categorySlug}?sort=price_asc&min=40&max=60`)
    expect(listed(range.html)).toEqual([wall])
    // The form shows the range it applied.
    expect(range.html).toMatch(/name="min"[^>]*value="40"|value="40"[^>]*name="min"/)
  })

  it('product images: srcset through Cloudflare Image Resizing when it is on, the original alone when off', async () => {
    const upload = async (p: { id: string }) => {
      const res = await SELF.fetch(`${BASE}/api/v1/seller/products/${p.id}/images`, {
        method: 'POST',
        headers: { ...seller.auth, 'Content-Type': 'image/png' },
        body: PNG,
      })
      const up = (await res.json()) as { url?: string; key?: string }
      expect(res.status, JSON.stringify(up)).toBe(201)
      return String(up.url ?? up.key).replace(/^.*\/images\//, '')
    }
    // Two products: the HTML cache keeps each page as first rendered.
    const [desk, , wall] = products
    const deskKey = await upload(desk!)
    const wallKey = await upload(wall!)
    clearCatalogMemo()
    const off = await rawGet(`/p/${desk!.slug}`, { patch: { IMAGE_RESIZING: 'off' } as unknown as Partial<Env> })
    expect(off.html).toContain(`/images/${deskKey}`)
    expect(off.html).not.toContain('srcset=')
    const on = await rawGet(`/p/${wall!.slug}`, { patch: { IMAGE_RESIZING: 'cloudflare' } as unknown as Partial<Env> })
    const srcset = unescapeAttr(/srcset="([^"]+)"/.exec(on.html)?.[1] ?? '')
    for (const w of [320, 640, 960]) expect(srcset).toContain(`/cdn-cgi/image/width=${w},format=auto/images/${wallKey} ${w}w`)
  })

  it('the product page summarises its reviews: average, count, each review', async () => {
    const [, floor] = products
    const buyers = [
      [5, 'Bright'],
      [3, 'Fine'],
    ] as const
    for (const [rating, title] of buyers) {
      const u = await createUser('customer')
      const row = { id: `rev_${crypto.randomUUID().slice(0, 12)}`, now: new Date().toISOString() }
      await env.DB.prepare(
        `INSERT INTO reviews (id, product_id, user_id, rating, title, body, status, created_at) VALUES (?, ?, ?, ?, ?, NULL, 'published', ?)`,
      )
        .bind(row.id, floor!.id, u.id, rating, title, row.now)
        .run()
    }
    await env.DB.prepare('UPDATE products SET rating_sum = 8, rating_count = 2, rating_avg_x100 = 400 WHERE id = ?').bind(floor!.id).run()
    clearCatalogMemo()
    const page = await rawGet(`/p/${floor!.slug}?reviews`)
    expect(page.html).toContain('4.0 out of 5 (2 reviews)')
    expect(page.html).toContain('Bright')
    expect(page.html).toContain('Fine')
    const ld = [...page.html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) => JSON.parse(m[1]!))
    expect(ld.find((d) => d['@type'] === 'Product')?.aggregateRating).toMatchObject({ ratingValue: 4, reviewCount: 2 })
  })

  it('the order-status page shows the carrier and tracking number once the order ships', async () => {
    const jar: Jar = new Map()
    await post('/cart/add', { variant_id: products[2]!.variants[0]!.id, quantity: '1', back: '/cart' }, jar)
    const checkout = await get('/checkout', jar)
    expect(checkout.headers.get('Cache-Control')).toBe('private, no-store')
    expect((await get('/cart', jar)).headers.get('Cache-Control')).toBe('private, no-store')
    const placed = await post(
      '/checkout',
      guestForm(checkout.html, { country: 'US', shipping_method_id: 'shp_seed_flat', payment_provider: 'manual' }),
      jar,
    )
    expect(placed.status).toBe(303)
    const orderId = /^\/orders\/(ord_[a-z0-9]+)/.exec(placed.location!)![1]!
    const before = await get(placed.location!, jar)
    expect(before.headers.get('Cache-Control')).toBe('private, no-store')
    expect(before.html).not.toContain('ZX123456789')
    expect(
      (await api('POST', `/api/v1/admin/orders/${orderId}/confirm-payment`, { headers: staff.auth, body: { reference: 'req-test' } }))
        .status,
    ).toBe(200)
    const shipped = await api('POST', `/api/v1/admin/orders/${orderId}/transition`, {
      headers: staff.auth,
      body: { to: 'shipped', carrier: 'DHL', tracking_number: 'ZX123456789' },
    })
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200)
    const after = await get(placed.location!, jar)
    expect(after.html).toContain('data-status="shipped"')
    expect(after.html).toMatch(/Carrier DHL, Tracking number <strong>ZX123456789<\/strong>/)
    expect(after.html).toMatch(/<strong>shipped<\/strong>[^<]*<time[^>]*>[^<]*<\/time><span> · Tracking number: ZX123456789/)
  })

  it('payment instructions read in the shopper’s language: labels translated, the deadline as a date, not ISO text', async () => {
    const jar: Jar = new Map()
    await post('/cart/add', { variant_id: products[0]!.variants[0]!.id, quantity: '1', back: '/cart' }, jar)
    const checkout = await get('/checkout', jar)
    const placed = await post(
      '/checkout',
      guestForm(checkout.html, { country: 'US', shipping_method_id: 'shp_seed_flat', payment_provider: 'manual' }),
      jar,
    )
    expect(placed.status).toBe(303)
    const en = await get(placed.location!, jar)
    const deadline = (html: string) => /<dt>[^<]*<\/dt><dd>([^<]*)<\/dd>/.exec(html.slice(html.indexOf('id="pay-instr"')))?.[1] ?? ''
    expect(en.html).toContain('<dt>pay before</dt>')
    expect(deadline(en.html)).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M UTC$/)
    expect(en.html).not.toMatch(/<dd>\d{4}-\d{2}-\d{2}T/)
    jar.set('ec_lang', 'ru')
    const ru = await get(placed.location!, jar)
    expect(ru.html).toContain('<dt>Оплатить до</dt>')
    expect(ru.html).toContain('<dt>Назначение платежа</dt>')
    expect(deadline(ru.html)).toMatch(/\d{4} г\., \d{2}:\d{2} UTC$/)
  })

  it('catalog pages may be cached by browsers only with revalidation', async () => {
    const home = await get('/')
    expect(home.headers.get('Cache-Control')).toBe('public, max-age=0, must-revalidate')
  })

  it('public/ serves the favicon, the icons and the web app manifest', async () => {
    for (const [path, type] of [
      ['/favicon.ico', 'image/'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/icons/icon-192.png', 'image/png'],
      ['/icons/icon-512.png', 'image/png'],
      ['/site.webmanifest', ''],
    ] as const) {
      const res = await env.ASSETS.fetch(new Request(`${BASE}${path}`))
      expect(res.status, path).toBe(200)
      expect(res.headers.get('Content-Type') ?? '', path).toContain(type)
      await res.arrayBuffer()
    }
    const manifest = await (await env.ASSETS.fetch(new Request(`${BASE}/site.webmanifest`))).json<{ icons: { src: string }[] }>()
    for (const icon of manifest.icons) expect((await env.ASSETS.fetch(new Request(`${BASE}${icon.src}`))).status, icon.src).toBe(200)
  })
})
