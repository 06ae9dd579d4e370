import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeProduct, sku, uniqueWord } from './fixtures'

describe('KV catalog cache', () => {
  it('serves MISS then HIT, and never a stale price or stock after an edit', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const p = await makeProduct(seller, { name: `${word} kettle`, variants: [{ sku: sku(), price: 1000, stock: 5 }] })
    const listUrl = `/api/v1/products?q=${word}`
    const detailUrl = `/api/v1/products/${p.slug}`

    const first = await api('GET', listUrl)
    expect(first.headers.get('X-Cache')).toBe('MISS')
    const second = await api('GET', listUrl)
    expect(second.headers.get('X-Cache')).toBe('HIT')
    expect(second.body).toEqual(first.body)
    expect((await api('GET', detailUrl)).headers.get('X-Cache')).toBe('MISS')
    const cachedDetail = await api('GET', detailUrl)
    expect(cachedDetail.headers.get('X-Cache')).toBe('HIT')
    expect(cachedDetail.body.price_min).toBe(1000)

    const edit = await api('PATCH', `/api/v1/seller/products/${p.id}/variants/${p.variants[0]!.id}`, {
      headers: seller.auth,
      body: { price: 1299 },
    })
    expect(edit.status).toBe(200)
    const afterList = await api('GET', listUrl)
    expect(afterList.headers.get('X-Cache')).toBe('MISS')
    expect(afterList.body.data[0].price_min).toBe(1299)
    const afterDetail = await api('GET', detailUrl)
    expect(afterDetail.body.variants[0].price).toBe(1299)
    expect((await api('GET', detailUrl)).headers.get('X-Cache')).toBe('HIT')

    await api('POST', `/api/v1/seller/products/${p.id}/variants/${p.variants[0]!.id}/stock`, { headers: seller.auth, body: { delta: -5 } })
    const soldOut = await api('GET', detailUrl)
    expect(soldOut.body).toMatchObject({ stock_total: 0, in_stock: false })

    await api('PATCH', `/api/v1/seller/products/${p.id}`, { headers: seller.auth, body: { status: 'draft' } })
    expect((await api('GET', detailUrl)).status).toBe(404)
    expect((await api('GET', listUrl)).body.data).toEqual([])
  })

  it('invalidates the category tree when a category is added', async () => {
    const admin = await createUser('admin')
    await api('GET', '/api/v1/categories?format=flat')
    const hit = await api('GET', '/api/v1/categories?format=flat')
    expect(hit.headers.get('X-Cache')).toBe('HIT')
    const created = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body: { name: `Toys ${uniqueWord()}` } })
    const after = await api('GET', '/api/v1/categories?format=flat')
    expect(after.headers.get('X-Cache')).toBe('MISS')
    expect(after.body.data.map((c: { id: string }) => c.id)).toContain(created.body.id)
  })
})

describe('product list queries seen valid before', () => {
  it('are answered like the first time, while a query that fails validation keeps failing (also after valid ones)', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    await makeProduct(seller, { name: `${word} teapot`, variants: [{ sku: sku(), price: 700, stock: 3 }] })
    const good = `/api/v1/products?q=${word}&limit=5&in_stock=1`
    const first = await api('GET', good)
    expect(first.status).toBe(200)
    expect(first.body.data.map((p: { name: string }) => p.name)).toEqual([`${word} teapot`])
    // The second answer skips the validator (the string was seen valid): same page, same parsed filters.
    const again = await api('GET', good)
    expect(again.status).toBe(200)
    expect(again.headers.get('X-Cache')).toBe('HIT')
    expect(again.body).toEqual(first.body)
    for (const bad of [
      `/api/v1/products?q=${word}&limit=5&in_stock=yes`,
      `/api/v1/products?q=${word}&limit=0`,
      '/api/v1/products?min_price=-1',
    ]) {
      for (let i = 0; i < 2; i++) {
        const res = await api('GET', bad)
        expect(res.status).toBe(400)
        expect(res.body.error.code).toBe('validation_error')
      }
    }
  })
})
