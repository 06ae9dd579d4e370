import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping } from './fixtures'

afterEach(() => vi.restoreAllMocks())

describe('checkout and the cart', () => {
  it('removes only the lines it bought: items added while the checkout ran stay in the cart', async () => {
    const ship = await flatShipping(0)
    const bought = await createProduct({ variants: [{ price: 1000, stock: 10 }] })
    const later = await createProduct({ variants: [{ price: 700, stock: 10 }] })
    const user = await createUser('customer')
    await addToCart(user, bought.variants[0]!.id, 2)

    // Between the checkout reading the cart and removing what it bought, the shopper (another
    // tab) adds a new item and one more of the bought one.
    const realGet = env.CART.get.bind(env.CART)
    vi.spyOn(env.CART, 'get').mockImplementation((id: DurableObjectId) => {
      const stub = realGet(id)
      return new Proxy(stub, {
        get(target, prop) {
          if (prop === 'removeBought') {
            return async (lines: { variant_id: string; quantity: number }[]) => {
              vi.restoreAllMocks()
              await addToCart(user, later.variants[0]!.id, 1)
              await addToCart(user, bought.variants[0]!.id, 1)
              return target.removeBought(lines)
            }
          }
          if (prop === 'lines') return () => target.lines()
          return Reflect.get(target, prop, target)
        },
      })
    })
    const res = await checkout(user, crypto.randomUUID(), checkoutBody(ship))
    expect(res.status).toBe(201)
    expect(res.body.order.lines).toEqual([expect.objectContaining({ variant_id: bought.variants[0]!.id, quantity: 2 })])

    const cart = await api('GET', '/api/v1/cart', { headers: user.auth })
    const lines = (cart.body.lines ?? cart.body.items) as { variant_id: string; quantity: number }[]
    expect(lines.map((l) => [l.variant_id, l.quantity]).sort()).toEqual(
      [
        [bought.variants[0]!.id, 1],
        [later.variants[0]!.id, 1],
      ].sort(),
    )
  })
})
