import { env } from 'cloudflare:test'
import { eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { products } from '../../src/modules/catalog/tables'
import { orderLines, orders } from '../../src/modules/orders/tables'
import { createProduct, updateVariant, variantStock } from '../fixtures/catalog'
import { createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping } from './fixtures'

describe('the last-unit race', () => {
  it('60 parallel checkouts for the last 7 units: exactly 7 orders, the rest 409 out_of_stock, stock ends at 0', async () => {
    const K = 7
    const N = 60
    const ship = await flatShipping(0)
    // Plenty of stock while carts fill, so every cart holds the item; then only K are left.
    const p = await createProduct({ variants: [{ price: 1500, stock: 1000 }] })
    const variantId = p.variants[0]!.id
    const users = await Promise.all(Array.from({ length: N }, () => createUser('customer')))
    for (const u of users) await addToCart(u, variantId, 1)
    await updateVariant(variantId, { stock: K })

    const results = await Promise.all(users.map((u, i) => checkout(u, `race-${i}`, checkoutBody(ship))))

    const won = results.filter((r) => r.status === 201)
    const lost = results.filter((r) => r.status !== 201)
    expect(won).toHaveLength(K)
    expect(lost).toHaveLength(N - K)
    for (const r of lost) {
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('out_of_stock')
    }
    expect(await variantStock(variantId)).toBe(0)

    const db = getDb(env)
    const rows = await db
      .select()
      .from(orders)
      .where(
        inArray(
          orders.userId,
          users.map((u) => u.id),
        ),
      )
    expect(rows).toHaveLength(K)
    const lines = await db.select().from(orderLines).where(eq(orderLines.variantId, variantId))
    expect(lines.reduce((n, l) => n + l.quantity, 0)).toBe(K)
    const [product] = await db.select().from(products).where(eq(products.id, p.id))
    expect(product!.stockTotal).toBe(0)
  }, 120_000) // 60 checkouts through CartDO and OrderDO: heavy on a loaded 2-core machine
})
