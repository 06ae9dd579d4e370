// GET /admin/search: orders, accounts and products in one call, "contains" matching, staff only.
import { beforeAll, describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

describe('admin search', () => {
  let staff: Awaited<ReturnType<typeof createUser>>
  let orderId: string
  let productId: string
  const tag = crypto.randomUUID().slice(0, 6)
  beforeAll(async () => {
    staff = await createUser('staff')
    const seller = await createUser('seller', { name: `Seller ${tag}` })
    const p = await createProduct({
      sellerId: seller.id,
      name: `Lamp ${tag}`,
      variants: [{ price: 1200, stock: 5, sku: `LMP-${tag}-BLUE` }],
    })
    productId = p.id
    const buyer = await createUser('customer', { email: `grace.${tag}@example.test`, name: `Grace ${tag}` })
    orderId = (await placeOrder(p.variants[0]!.id, await flatShipping(0), 1, buyer)).order.id
  })
  const search = (q: string, who = staff) => api('GET', `/api/v1/admin/search?q=${encodeURIComponent(q)}`, { headers: who.auth })

  it('finds an order by its number, its customer by a piece of the email, and a product by a piece of its SKU', async () => {
    const byNumber = await search(orderId)
    expect(byNumber.status).toBe(200)
    expect(byNumber.body.orders.map((o: { id: string }) => o.id)).toEqual([orderId])
    expect(byNumber.body.orders[0]).toMatchObject({ customer_name: `Grace ${tag}`, total: { amount: 1200, currency: 'USD' } })

    const byEmail = await search(`ace.${tag}`)
    expect(byEmail.body.customers).toEqual([
      expect.objectContaining({ email: `grace.${tag}@example.test`, name: `Grace ${tag}`, role: 'customer' }),
    ])
    expect(byEmail.body.orders.map((o: { id: string }) => o.id)).toContain(orderId)

    const bySku = await search(`${tag}-blu`)
    expect(bySku.body.products).toEqual([
      { id: productId, name: `Lamp ${tag}`, status: 'active', seller_name: `Seller ${tag}`, sku: `LMP-${tag}-BLUE` },
    ])
    const byName = await search(`lamp ${tag}`)
    expect(byName.body.products.map((p: { id: string }) => p.id)).toEqual([productId])
  })

  it('takes % and _ literally', async () => {
    const res = await search('%%')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ orders: [], customers: [], products: [] })
  })

  it('refuses a query shorter than 2 characters, and anyone but staff', async () => {
    const short = await search('a')
    expect(short.status).toBe(400)
    expect(short.body.error.code).toBe('validation_error')
    expect((await search(tag, await createUser('customer'))).status).toBe(403)
    expect((await search(tag, await createUser('seller'))).status).toBe(403)
    expect((await api('GET', `/api/v1/admin/search?q=${tag}`)).status).toBe(401)
  })
})
