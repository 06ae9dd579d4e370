import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { clearCatalogMemo } from '../../src/modules/catalog/cache'
import { BASE, api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'
import { makeProduct, sku, uniqueWord } from './fixtures'

/**
 * A D1 binding that counts every statement sent to the database (prepare, batch, exec, and the
 * same on sessions made from it), so a test can prove a request never touched D1.
 */
function countingD1(db: D1Database) {
  const counter = { calls: 0 }
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver)
        if (typeof value !== 'function') return value
        if (prop === 'prepare' || prop === 'batch' || prop === 'exec') {
          return (...args: unknown[]) => {
            counter.calls++
            return (value as (...a: unknown[]) => unknown).apply(t, args)
          }
        }
        if (prop === 'withSession') return (...args: unknown[]) => wrap((value as (...a: unknown[]) => object).apply(t, args))
        return value.bind(t)
      },
    })
  return { db: wrap(db), counter }
}

/** One request through the Worker's fetch handler with a D1 that counts statements. */
async function countedGet(path: string) {
  const { db, counter } = countingD1(env.DB)
  const ctx = createExecutionContext()
  const res = await worker.fetch!(new Request(`${BASE}${path}`) as Request<unknown, IncomingRequestCfProperties>, { ...env, DB: db }, ctx)
  await waitOnExecutionContext(ctx)
  const body = await res.json()
  return { status: res.status, cache: res.headers.get('X-Cache'), d1: counter.calls, body }
}

describe('catalog cache tags', () => {
  it('a cached hit (list, search, category, detail, categories) sends no statement to D1', async () => {
    const admin = await createUser('admin')
    const word = uniqueWord()
    const category = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: `Cat ${word}` } })
    expect(category.status).toBe(201)
    const p = await makeProduct(admin, { name: `${word} lamp`, category_id: category.body.id })
    const paths = [
      '/api/v1/products?limit=20',
      `/api/v1/products?q=${word}`,
      `/api/v1/products?category=${category.body.slug}`,
      `/api/v1/products/${p.slug}`,
      `/api/v1/products/${p.id}`,
      '/api/v1/categories',
      `/api/v1/categories/${category.body.slug}`,
    ]
    for (const path of paths) {
      const miss = await countedGet(path)
      expect(miss.status, path).toBe(200)
      expect(miss.cache, path).toBe('MISS')
      expect(miss.d1, path).toBeGreaterThan(0) // the counter sees D1 when there is D1 to see
      // Memo cleared: the hit below is served by the KV bulk read, not by this isolate's memory.
      clearCatalogMemo()
      const hit = await countedGet(path)
      expect(hit.cache, path).toBe('HIT')
      expect(hit.d1, path).toBe(0)
      expect(hit.body, path).toEqual(miss.body)
      // And the isolate memo serves the next one without KV or D1.
      const memo = await countedGet(path)
      expect([memo.cache, memo.d1], path).toEqual(['HIT', 0])
    }
  })

  it('orders of one product invalidate its detail page only; other pages keep hitting until it sells out', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const hot = await makeProduct(seller, { name: `${word} hot`, variants: [{ sku: sku(), price: 500, stock: 3 }] })
    const other = await makeProduct(seller, { name: `${word} other`, variants: [{ sku: sku(), price: 700, stock: 3 }] })
    const shipping = await flatShipping()
    const list = `/api/v1/products?q=${word}`
    const pages = [list, `/api/v1/products/${other.slug}`, `/api/v1/products/${other.id}`]
    for (const path of [...pages, `/api/v1/products/${hot.slug}`]) await api('GET', path)

    await placeOrder(hot.variants[0]!.id, shipping, 1)
    await placeOrder(hot.variants[0]!.id, shipping, 1)
    clearCatalogMemo()
    for (const path of pages) expect([path, (await api('GET', path)).headers.get('X-Cache')]).toEqual([path, 'HIT'])
    const hotDetail = await api('GET', `/api/v1/products/${hot.slug}`)
    expect(hotDetail.headers.get('X-Cache')).toBe('MISS')
    expect(hotDetail.body.stock_total).toBe(1)

    // The last unit: the product sells out, so lists (which show in_stock) are invalidated too.
    await placeOrder(hot.variants[0]!.id, shipping, 1)
    clearCatalogMemo()
    const afterSellOut = await api('GET', list)
    expect(afterSellOut.headers.get('X-Cache')).toBe('MISS')
    expect(afterSellOut.body.data.find((s: { id: string }) => s.id === hot.id)).toMatchObject({ stock_total: 0, in_stock: false })
    expect((await api('GET', `/api/v1/products/${other.slug}`)).headers.get('X-Cache')).toBe('HIT')
  })

  it('a rename drops the page cached under the old slug; a price edit drops lists and the detail', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller, { variants: [{ sku: sku(), price: 1000, stock: 5 }] })
    const oldUrl = `/api/v1/products/${p.slug}`
    await api('GET', oldUrl)
    expect((await api('GET', oldUrl)).headers.get('X-Cache')).toBe('HIT')
    const renamed = await api('PATCH', `/api/v1/seller/products/${p.id}`, { headers: seller.auth, body: { slug: `${p.slug}-new` } })
    expect(renamed.status).toBe(200)
    expect((await api('GET', oldUrl)).status).toBe(404)
    expect((await api('GET', `/api/v1/products/${p.slug}-new`)).body.slug).toBe(`${p.slug}-new`)

    await api('GET', `/api/v1/products/${p.id}`)
    await api('PATCH', `/api/v1/seller/products/${p.id}/variants/${p.variants[0]!.id}`, { headers: seller.auth, body: { price: 1500 } })
    clearCatalogMemo()
    const detail = await api('GET', `/api/v1/products/${p.id}`)
    expect(detail.headers.get('X-Cache')).toBe('MISS')
    expect(detail.body.price_min).toBe(1500)
  })

  it('a category rename drops the detail pages that embed the category', async () => {
    const admin = await createUser('admin')
    const category = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: `Cat ${uniqueWord()}` } })
    const p = await makeProduct(admin, { category_id: category.body.id })
    const url = `/api/v1/products/${p.id}`
    await api('GET', url)
    const renamed = await api('PATCH', `/api/v1/admin/categories/${category.body.id}`, { headers: admin.auth, body: { name: 'Renamed' } })
    expect(renamed.status).toBe(200)
    clearCatalogMemo()
    const after = await api('GET', url)
    expect(after.headers.get('X-Cache')).toBe('MISS')
    expect(after.body.category.name).toBe('Renamed')
  })

  it('a failed write invalidates nothing', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const url = `/api/v1/products/${p.id}`
    await api('GET', url)
    const bad = await api('PATCH', `/api/v1/seller/products/${p.id}`, { headers: seller.auth, body: { status: 'nope' } })
    expect(bad.status).toBe(400)
    clearCatalogMemo()
    expect((await api('GET', url)).headers.get('X-Cache')).toBe('HIT')
  })
})
