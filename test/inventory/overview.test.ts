// GET /admin/inventory: low-stock and sold-out variants, lowest first, paginated, staff only.
import { describe, expect, it } from 'vitest'
import { createProduct, updateVariant } from '../fixtures/catalog'
import { api, createUser } from '../helpers'

describe('inventory overview', () => {
  it('lists variants at or below the threshold, lowest stock first, with seller names; archived products are left out', async () => {
    const staff = await createUser('staff')
    const seller = await createUser('seller', { name: 'Inge Inventory' })
    const p = await createProduct({
      sellerId: seller.id,
      variants: [
        { price: 100, stock: 0 },
        { price: 100, stock: 2 },
        { price: 100, stock: 50 },
      ],
    })
    const archived = await createProduct({ sellerId: seller.id, status: 'archived', variants: [{ price: 100, stock: 0 }] })
    // Other tests' products share the database: read every page and look at ours.
    const all: { variant_id: string; stock: number; seller_name: string | null }[] = []
    let cursor: string | null = null
    let first: { sold_out_count: number; low_count: number } | undefined
    do {
      const res: { status: number; body: any } = await api(
        'GET',
        `/api/v1/admin/inventory?threshold=2&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: staff.auth },
      )
      expect(res.status).toBe(200)
      first ??= res.body
      all.push(...res.body.data)
      cursor = res.body.next_cursor
    } while (cursor)
    const stocks = all.map((r) => r.stock)
    expect([...stocks].sort((a, b) => a - b)).toEqual(stocks)
    expect(stocks.every((s) => s <= 2)).toBe(true)
    const mine = all.filter((r) => p.variants.some((v) => v.id === r.variant_id))
    expect(mine.map((r) => [r.stock, r.seller_name])).toEqual([
      [0, 'Inge Inventory'],
      [2, 'Inge Inventory'],
    ])
    expect(all.some((r) => r.variant_id === archived.variants[0]!.id)).toBe(false)
    expect(first!.low_count).toBe(all.length)
    expect(first!.sold_out_count).toBe(stocks.filter((s) => s === 0).length)

    const soldOut = await api('GET', '/api/v1/admin/inventory?sold_out=true&limit=100', { headers: staff.auth })
    expect(soldOut.body.data.every((r: { stock: number }) => r.stock === 0)).toBe(true)
    expect(soldOut.body.data.some((r: { variant_id: string }) => r.variant_id === p.variants[0]!.id)).toBe(true)

    // Restocked, the variant leaves the list.
    await updateVariant(p.variants[0]!.id, { stock: 10 })
    const after = await api('GET', '/api/v1/admin/inventory?sold_out=true&limit=100', { headers: staff.auth })
    expect(after.body.data.some((r: { variant_id: string }) => r.variant_id === p.variants[0]!.id)).toBe(false)
  })

  it('refuses a bad threshold or cursor, and anyone but staff', async () => {
    const staff = await createUser('staff')
    expect((await api('GET', '/api/v1/admin/inventory?threshold=-1', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/inventory?threshold=abc', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/inventory?cursor=nonsense', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/inventory', { headers: (await createUser('seller')).auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/inventory')).status).toBe(401)
  })
})
