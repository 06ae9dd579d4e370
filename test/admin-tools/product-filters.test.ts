// The management product list finds products by a piece of a variant's SKU (issue 13), next to
// the public list's filters and sorts.
import { describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'

describe('product list by SKU', () => {
  it('matches text inside any variant SKU, case-insensitively, with % and _ literal, combined with the other filters', async () => {
    const staff = await createUser('staff')
    const seller = await createUser('seller')
    const tag = crypto.randomUUID().slice(0, 6).toUpperCase()
    const lamp = await createProduct({
      sellerId: seller.id,
      variants: [
        { price: 1000, sku: `LMP-${tag}-RED` },
        { price: 1500, sku: `LMP-${tag}-BLUE` },
      ],
    })
    const vase = await createProduct({ sellerId: seller.id, variants: [{ price: 3000, sku: `VAS-${tag}` }], status: 'draft' })
    const ids = async (query: string) => {
      const res = await api('GET', `/api/v1/admin/products?${query}&limit=50`, { headers: staff.auth })
      expect(res.status).toBe(200)
      return (res.body.data as { id: string }[]).map((p) => p.id)
    }
    expect(await ids(`sku=${tag.toLowerCase()}&sort=price_asc`)).toEqual([lamp.id, vase.id])
    expect(await ids(`sku=${tag}-blue`)).toEqual([lamp.id])
    expect(await ids(`sku=${tag}&status=draft`)).toEqual([vase.id])
    expect(await ids(`sku=${tag}&max_price=2000`)).toEqual([lamp.id])
    expect(await ids(`sku=LMP_${tag}`)).toEqual([])
    // A seller's own list takes the same filter, and never shows someone else's product.
    const sellerList = await api('GET', `/api/v1/seller/products?sku=${tag}`, { headers: seller.auth })
    expect(sellerList.body.data).toHaveLength(2)
    const other = await createUser('seller')
    expect((await api('GET', `/api/v1/seller/products?sku=${tag}`, { headers: other.auth })).body.data).toEqual([])
    const tooLong = await api('GET', `/api/v1/admin/products?sku=${'x'.repeat(65)}`, { headers: staff.auth })
    expect(tooLong.status).toBe(400)
  })
})
