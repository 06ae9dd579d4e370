/** Customers who really bought a product (checkout with the manual provider, staff confirm payment), for the review tests. */
import { expect } from 'vitest'
import { flatShipping, placeOrder } from '../orders/fixtures'
import { api, createUser } from '../helpers'

type TestUser = Awaited<ReturnType<typeof createUser>>

let setup: Promise<{ ship: string; admin: TestUser }> | undefined
const shared = () => (setup ??= (async () => ({ ship: await flatShipping(500), admin: await createUser('admin') }))())

/** A new customer with an order of the variant, unpaid (pending) unless `paid`. */
export async function customerWithOrder(variantId: string, opts: { paid?: boolean; user?: TestUser } = {}) {
  const { ship, admin } = await shared()
  const { user, order } = await placeOrder(variantId, ship, 1, opts.user)
  if (opts.paid ?? true) {
    const res = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: admin.auth, body: {} })
    expect(res.status).toBe(200)
  }
  return { user, order: order as { id: string }, admin }
}

/** A customer who bought the variant (a paid order). */
export const buyerOf = async (variantId: string) => (await customerWithOrder(variantId)).user
