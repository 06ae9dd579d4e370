// Bulk actions on selected products: archive, price by amount or percent (rounding, floor at 0,
// currency check), set stock with history; one result per product; sellers reach only their own.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { changedPrice } from '../../src/modules/bulk/service'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'

const bulk = (user: { auth: Record<string, string> }, body: unknown, kind = 'admin') =>
  api('POST', `/api/v1/${kind}/bulk/products`, { headers: user.auth, body })
const get = async (user: { auth: Record<string, string> }, id: string) =>
  (await api('GET', `/api/v1/admin/products/${id}`, { headers: user.auth })).body

describe('price rule', () => {
  it('rounds half away from zero and never goes below 0', () => {
    expect(changedPrice(999, { kind: 'percent', basis_points: 1000 })).toBe(1099) // 99.9 → 100
    expect(changedPrice(1005, { kind: 'percent', basis_points: -1000 })).toBe(904) // -100.5 → -101
    expect(changedPrice(5, { kind: 'percent', basis_points: 1000 })).toBe(6) // 0.5 → 1
    expect(changedPrice(5, { kind: 'percent', basis_points: -1000 })).toBe(4) // -0.5 → -1
    expect(changedPrice(1000, { kind: 'percent', basis_points: -10_000 })).toBe(0)
    expect(changedPrice(300, { kind: 'amount', amount: -500 })).toBe(0)
    expect(changedPrice(300, { kind: 'amount', amount: 250 })).toBe(550)
  })
})

describe('bulk product actions', () => {
  it('changes prices by a percentage in SQL with the documented rounding', async () => {
    const staff = await createUser('staff')
    const a = await createProduct({ variants: [{ price: 999 }, { price: 1005 }, { price: 5 }] })
    const b = await createProduct({ currency: 'JPY', variants: [{ price: 1500 }] })
    const res = await bulk(staff, { action: 'change_price', product_ids: [a.id, b.id], change: { kind: 'percent', basis_points: -1000 } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ succeeded: 2, failed: 0 })
    const prices = (await get(staff, a.id)).variants.map((v: { price: number }) => v.price)
    expect(prices).toEqual([999, 1005, 5].map((p) => changedPrice(p, { kind: 'percent', basis_points: -1000 })))
    expect(prices).toEqual([899, 904, 4])
    expect(res.body.results[0].product).toMatchObject({ id: a.id, price_min: 4, price_max: 904 })
    expect((await get(staff, b.id)).variants[0].price).toBe(1350)
    const stored = await env.DB.prepare('SELECT typeof(price) AS t FROM product_variants WHERE product_id = ?')
      .bind(a.id)
      .all<{ t: string }>()
    expect(stored.results.map((r) => r.t)).toEqual(['integer', 'integer', 'integer'])
  })

  it('changes by an amount only in that currency, floors at 0, and reports each product', async () => {
    const staff = await createUser('staff')
    const usd = await createProduct({ variants: [{ price: 300 }, { price: 2000 }] })
    const jpy = await createProduct({ currency: 'JPY', variants: [{ price: 1500 }] })
    const res = await bulk(staff, {
      action: 'change_price',
      product_ids: [usd.id, jpy.id, 'prd_missing'],
      change: { kind: 'amount', amount: -500, currency: 'USD' },
    })
    expect(res.status).toBe(200)
    expect(res.body.succeeded).toBe(1)
    expect(res.body.failed).toBe(2)
    expect(
      res.body.results.map((r: { product_id: string; ok: boolean; error?: { code: string } }) => [r.product_id, r.ok, r.error?.code]),
    ).toEqual([
      [usd.id, true, undefined],
      [jpy.id, false, 'unprocessable'],
      ['prd_missing', false, 'not_found'],
    ])
    expect((await get(staff, usd.id)).variants.map((v: { price: number }) => v.price)).toEqual([0, 1500])
    expect((await get(staff, jpy.id)).variants[0].price).toBe(1500)
  })

  it('archives and sets stock with a stock-history row per variant', async () => {
    const staff = await createUser('staff')
    const p = await createProduct({
      variants: [
        { price: 100, stock: 3 },
        { price: 200, stock: 9 },
      ],
    })
    const stock = await bulk(staff, { action: 'set_stock', product_ids: [p.id], stock: 4 })
    expect(stock.body.results[0].product).toMatchObject({ stock_total: 8 })
    const after = await get(staff, p.id)
    expect(after.variants.map((v: { stock: number }) => v.stock)).toEqual([4, 4])
    const history = await api('GET', `/api/v1/admin/products/${p.id}/variants/${p.variants[0]!.id}/stock`, { headers: staff.auth })
    expect(history.body.data).toEqual([expect.objectContaining({ kind: 'set', quantity: 4, user_id: staff.id })])
    const archived = await bulk(staff, { action: 'archive', product_ids: [p.id] })
    expect(archived.body.results[0].product.status).toBe('archived')
    expect((await api('GET', `/api/v1/products/${p.id}`)).status).toBe(404)
  })

  it('concurrent percentage changes both apply (no lost update)', async () => {
    const staff = await createUser('staff')
    const p = await createProduct({ variants: [{ price: 10_000 }] })
    const body = { action: 'change_price', product_ids: [p.id], change: { kind: 'percent', basis_points: 1000 } }
    const [x, y] = await Promise.all([bulk(staff, body), bulk(staff, body)])
    expect([x.status, y.status]).toEqual([200, 200])
    expect((await get(staff, p.id)).variants[0].price).toBe(12_100)
  })

  it('validates input and scopes sellers to their own products', async () => {
    const staff = await createUser('staff')
    const seller = await createUser('seller')
    const own = await createProduct({ sellerId: seller.id, variants: [{ price: 100 }] })
    const other = await createProduct({ variants: [{ price: 100 }] })
    for (const body of [
      { action: 'explode', product_ids: [own.id] },
      { action: 'archive', product_ids: [] },
      { action: 'archive', product_ids: [own.id, own.id] },
      { action: 'set_stock', product_ids: [own.id], stock: -1 },
      { action: 'set_stock', product_ids: [own.id], stock: 1.5 },
      { action: 'change_price', product_ids: [own.id], change: { kind: 'amount', amount: 1.5, currency: 'USD' } },
      { action: 'change_price', product_ids: [own.id], change: { kind: 'amount', amount: 100 } },
      { action: 'change_price', product_ids: [own.id], change: { kind: 'percent', basis_points: -10_001 } },
    ]) {
      const res = await bulk(staff, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
    }
    expect((await bulk(seller, { action: 'archive', product_ids: [own.id] })).status).toBe(403)
    const mine = await bulk(seller, { action: 'set_stock', product_ids: [own.id, other.id], stock: 2 }, 'seller')
    expect(mine.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false])
    expect((await get(staff, other.id)).variants[0].stock).toBe(10)
  })
})
