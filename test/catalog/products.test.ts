import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeProduct, sku } from './fixtures'

describe('seller product CRUD', () => {
  it('creates, reads, edits, adds and edits variants, keeps aggregates in step, archives and deletes', async () => {
    const seller = await createUser('seller')
    const s1 = sku()
    const created = await api('POST', '/api/v1/seller/products', {
      headers: seller.auth,
      body: {
        name: 'Кофе Арабика 250 г',
        description: 'Свежая обжарка',
        currency: 'KZT',
        variants: [
          { sku: s1, name: '250 g', price: 450000, stock: 3, attributes: { weight: '250g' } },
          { sku: sku(), name: '1 kg', price: 1500000, stock: 2 },
        ],
      },
    })
    expect(created.status).toBe(201)
    const p = created.body
    expect(p).toMatchObject({
      slug: 'kofe-arabika-250-g',
      status: 'draft',
      seller_id: seller.id,
      currency: 'KZT',
      price_min: 450000,
      price_max: 1500000,
      stock_total: 5,
      in_stock: true,
      rating: { average: 0, count: 0 },
    })
    expect(p.variants).toHaveLength(2)
    expect(p.variants[0]).toMatchObject({ sku: s1, currency: 'KZT', attributes: { weight: '250g' } })

    // Drafts are invisible publicly but visible to the owner.
    expect((await api('GET', `/api/v1/products/${p.id}`)).status).toBe(404)
    expect((await api('GET', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })).status).toBe(200)

    const activated = await api('PATCH', `/api/v1/seller/products/${p.id}`, {
      headers: seller.auth,
      body: { status: 'active', name: 'Coffee Arabica' },
    })
    expect(activated.status).toBe(200)
    expect(activated.body).toMatchObject({ status: 'active', name: 'Coffee Arabica', slug: 'kofe-arabika-250-g' })
    const bySlug = await api('GET', '/api/v1/products/kofe-arabika-250-g')
    expect(bySlug.status).toBe(200)
    expect(bySlug.body.id).toBe(p.id)

    const added = await api('POST', `/api/v1/seller/products/${p.id}/variants`, {
      headers: seller.auth,
      body: { sku: sku(), price: 300000, stock: 10 },
    })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ price_min: 300000, price_max: 1500000, stock_total: 15 })

    const v0 = p.variants[0].id
    const edited = await api('PATCH', `/api/v1/seller/products/${p.id}/variants/${v0}`, {
      headers: seller.auth,
      body: { price: 2000000, stock: 0 },
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ price_min: 300000, price_max: 2000000, stock_total: 12 })

    const adjusted = await api('POST', `/api/v1/seller/products/${p.id}/variants/${v0}/stock`, { headers: seller.auth, body: { delta: 4 } })
    expect(adjusted.body.stock_total).toBe(16)
    const tooMuch = await api('POST', `/api/v1/seller/products/${p.id}/variants/${v0}/stock`, { headers: seller.auth, body: { delta: -5 } })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.body.error.code).toBe('out_of_stock')
    const set = await api('POST', `/api/v1/seller/products/${p.id}/variants/${v0}/stock`, { headers: seller.auth, body: { stock: 1 } })
    expect(set.body.stock_total).toBe(13)
    expect(set.body.variants.find((v: { id: string }) => v.id === v0).stock).toBe(1)

    const removed = await api('DELETE', `/api/v1/seller/products/${p.id}/variants/${v0}`, { headers: seller.auth })
    expect(removed.status).toBe(200)
    expect(removed.body).toMatchObject({ price_min: 300000, price_max: 1500000, stock_total: 12 })

    const list = await api('GET', '/api/v1/seller/products', { headers: seller.auth })
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([p.id])

    expect((await api('DELETE', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })).status).toBe(409)
    const archived = await api('POST', `/api/v1/seller/products/${p.id}/archive`, { headers: seller.auth })
    expect(archived.body.status).toBe('archived')
    expect((await api('GET', `/api/v1/products/${p.id}`)).status).toBe(404)
    expect((await api('DELETE', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })).status).toBe(200)
    expect((await api('GET', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })).status).toBe(404)
  })

  it('records stock changes and applies an Idempotency-Key retry once', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller, { variants: [{ sku: sku(), price: 100, stock: 10 }] })
    const v = p.variants[0]!.id
    const url = `/api/v1/seller/products/${p.id}/variants/${v}/stock`
    const headers = { ...seller.auth, 'Idempotency-Key': 'restock-42' }
    const first = await api('POST', url, { headers, body: { delta: -4 } })
    expect(first.status).toBe(200)
    expect(first.body.stock_total).toBe(6)
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
    const retry = await api('POST', url, { headers, body: { delta: -4 } })
    expect(retry.status).toBe(200)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(retry.body.stock_total).toBe(6)
    const misuse = await api('POST', url, { headers, body: { delta: -1 } })
    expect(misuse.status).toBe(409)
    expect(misuse.body.error.code).toBe('idempotency_conflict')
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => api('POST', url, { headers: { ...seller.auth, 'Idempotency-Key': 'burst' }, body: { delta: 1 } })),
    )
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200])
    await api('PATCH', `/api/v1/seller/products/${p.id}/variants/${v}`, { headers: seller.auth, body: { stock: 50 } })
    // Without a key every call applies.
    await api('POST', url, { headers: seller.auth, body: { delta: 1 } })
    await api('POST', url, { headers: seller.auth, body: { delta: 1 } })
    const after = await api('GET', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })
    expect(after.body.stock_total).toBe(52)

    type Entry = { id: string; kind: string; quantity: number; idempotency_key: string | null; user_id: string; created_at: string }
    const history = await api('GET', `${url}?limit=3`, { headers: seller.auth })
    expect(history.status).toBe(200)
    const rest = await api('GET', `${url}?limit=10&cursor=${history.body.next_cursor}`, { headers: seller.auth })
    const entries: Entry[] = [...history.body.data, ...rest.body.data]
    expect(entries.map((h) => `${h.kind}:${h.quantity}:${h.idempotency_key}`).sort()).toEqual(
      ['delta:-4:restock-42', 'delta:1:burst', 'delta:1:null', 'delta:1:null', 'set:50:null'].sort(),
    )
    // Newest first by (created_at, id), across the page boundary.
    const keys = entries.map((h) => `${h.created_at}|${h.id}`)
    expect(keys).toEqual([...keys].sort().reverse())
    expect(entries.every((h) => h.user_id === seller.id)).toBe(true)
    const other = await createUser('seller')
    expect((await api('GET', url, { headers: other.auth })).status).toBe(404)
  })

  it('refuses to delete the last variant', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const res = await api('DELETE', `/api/v1/seller/products/${p.id}/variants/${p.variants[0]!.id}`, { headers: seller.auth })
    expect(res.status).toBe(409)
  })

  it('generates unique slugs and refuses taken slugs and SKUs', async () => {
    const seller = await createUser('seller')
    const a = await makeProduct(seller, { name: 'Red Mug' })
    const b = await makeProduct(seller, { name: 'Red  Mug!' })
    const c = await makeProduct(seller, { name: 'red mug' })
    expect([a.slug, b.slug, c.slug]).toEqual(['red-mug', 'red-mug-2', 'red-mug-3'])

    const taken = await api('POST', '/api/v1/seller/products', {
      headers: seller.auth,
      body: { name: 'x', slug: 'red-mug', currency: 'USD', variants: [{ sku: sku(), price: 1 }] },
    })
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('slug_taken')
    const patchTaken = await api('PATCH', `/api/v1/seller/products/${b.id}`, { headers: seller.auth, body: { slug: 'red-mug' } })
    expect(patchTaken.body.error.code).toBe('slug_taken')

    const dupSku = await api('POST', '/api/v1/seller/products', {
      headers: seller.auth,
      body: { name: 'y', currency: 'USD', variants: [{ sku: a.variants[0]!.sku, price: 1 }] },
    })
    expect(dupSku.status).toBe(409)
    expect(dupSku.body.error.code).toBe('sku_taken')
    const dupVariant = await api('POST', `/api/v1/seller/products/${b.id}/variants`, {
      headers: seller.auth,
      body: { sku: a.variants[0]!.sku, price: 5 },
    })
    expect(dupVariant.body.error.code).toBe('sku_taken')
  })
})

describe('ownership and roles', () => {
  it("answers 404 to a seller touching another seller's product, and leaves it unchanged", async () => {
    const owner = await createUser('seller')
    const other = await createUser('seller')
    const p = await makeProduct(owner, { name: 'Owned thing' })
    const v = p.variants[0]!.id
    const attempts = [
      api('GET', `/api/v1/seller/products/${p.id}`, { headers: other.auth }),
      api('PATCH', `/api/v1/seller/products/${p.id}`, { headers: other.auth, body: { name: 'Stolen' } }),
      api('PATCH', `/api/v1/seller/products/${p.id}/variants/${v}`, { headers: other.auth, body: { price: 1 } }),
      api('POST', `/api/v1/seller/products/${p.id}/variants/${v}/stock`, { headers: other.auth, body: { stock: 0 } }),
      api('POST', `/api/v1/seller/products/${p.id}/variants`, { headers: other.auth, body: { sku: sku(), price: 1 } }),
      api('POST', `/api/v1/seller/products/${p.id}/archive`, { headers: other.auth }),
      api('DELETE', `/api/v1/seller/products/${p.id}`, { headers: other.auth }),
    ]
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404)
      expect(res.body.error.code).toBe('not_found')
    }
    const list = await api('GET', '/api/v1/seller/products', { headers: other.auth })
    expect(list.body.data).toEqual([])
    const fresh = await api('GET', `/api/v1/products/${p.id}`)
    expect(fresh.body).toMatchObject({ name: 'Owned thing', price_min: 1000, stock_total: 5, status: 'active' })
  })

  it('lets staff edit any product and admins create for a seller', async () => {
    const seller = await createUser('seller')
    const staff = await createUser('staff')
    const admin = await createUser('admin')
    const p = await makeProduct(seller)
    const res = await api('PATCH', `/api/v1/admin/products/${p.id}`, { headers: staff.auth, body: { name: 'Fixed by staff' } })
    expect(res.status).toBe(200)
    expect(res.body.name).toBe('Fixed by staff')
    const forSeller = await makeProduct(admin, { seller_id: seller.id })
    expect(forSeller.seller_id).toBe(seller.id)
    const mine = await api('GET', '/api/v1/seller/products', { headers: seller.auth })
    expect(mine.body.data.map((x: { id: string }) => x.id).sort()).toEqual([p.id, forSeller.id].sort())
    const unknownSeller = await api('POST', '/api/v1/admin/products', {
      headers: admin.auth,
      body: { name: 'z', currency: 'USD', seller_id: 'usr_nope', variants: [{ sku: sku(), price: 1 }] },
    })
    expect(unknownSeller.status).toBe(422)
  })

  it('refuses customers (403) and anonymous callers (401) on seller and admin routes', async () => {
    const customer = await createUser('customer')
    const seller = await createUser('seller')
    const body = { name: 'x', currency: 'USD', variants: [{ sku: sku(), price: 1 }] }
    expect((await api('POST', '/api/v1/seller/products', { headers: customer.auth, body })).status).toBe(403)
    expect((await api('GET', '/api/v1/seller/products', { headers: customer.auth })).status).toBe(403)
    expect((await api('POST', '/api/v1/admin/products', { headers: customer.auth, body })).status).toBe(403)
    expect((await api('POST', '/api/v1/admin/products', { headers: seller.auth, body })).status).toBe(403)
    expect((await api('POST', '/api/v1/admin/categories', { headers: seller.auth, body: { name: 'c' } })).status).toBe(403)
    const anon = await api('POST', '/api/v1/seller/products', { body })
    expect(anon.status).toBe(401)
    expect(anon.body.error.code).toBe('unauthorized')
  })
})

describe('validation', () => {
  it('answers bad product input with 400 in the error envelope', async () => {
    const seller = await createUser('seller')
    const base = { name: 'Valid', currency: 'USD', variants: [{ sku: sku(), price: 100 }] }
    const cases: [string, unknown][] = [
      ['negative price', { ...base, variants: [{ sku: sku(), price: -1 }] }],
      ['float price', { ...base, variants: [{ sku: sku(), price: 19.99 }] }],
      ['bad currency', { ...base, currency: 'usd' }],
      ['no variants', { ...base, variants: [] }],
      ['bad slug', { ...base, slug: 'Not A Slug' }],
      ['missing name', { currency: 'USD', variants: base.variants }],
    ]
    for (const [label, body] of cases) {
      const res = await api('POST', '/api/v1/seller/products', { headers: seller.auth, body })
      expect(res.status, label).toBe(400)
      expect(res.body.error.code, label).toBe('validation_error')
      expect(res.body.error.details?.length, label).toBeGreaterThan(0)
      expect(res.body.error.request_id, label).toBeTruthy()
    }
    const p = await makeProduct(seller)
    const negStock = await api('PATCH', `/api/v1/seller/products/${p.id}/variants/${p.variants[0]!.id}`, {
      headers: seller.auth,
      body: { stock: -3 },
    })
    expect(negStock.status).toBe(400)
    const malformed = await api('POST', '/api/v1/seller/products', {
      headers: { ...seller.auth, 'Content-Type': 'application/json' },
      body: '{"name":',
    })
    expect(malformed.status).toBe(400)
    const unknownCategory = await api('POST', '/api/v1/seller/products', {
      headers: seller.auth,
      body: { ...base, variants: [{ sku: sku(), price: 1 }], category_id: 'cat_nope' },
    })
    expect(unknownCategory.status).toBe(422)
  })
})
