/** Shared setup for the orders tests: a shipping method, a cart, a checkout request. */
import { env } from 'cloudflare:test'
import { getDb } from '../../src/lib/db'
import { createDiscount, createShippingMethod } from '../../src/modules/pricing/service'
import { api, createUser } from '../helpers'

export type TestUser = Awaited<ReturnType<typeof createUser>>

export const ADDRESS = { name: 'Ada Lovelace', line1: '1 Analytical St', city: 'London', country: 'GB', postal_code: 'N1 1AA' }

/** A flat-rate USD shipping method that ships everywhere. */
export async function flatShipping(amount = 500): Promise<string> {
  const m = await createShippingMethod(getDb(env), {
    name: `Flat ${amount}`,
    kind: 'flat',
    currency: 'USD',
    amount,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    active: true,
    position: 0,
  })
  return m.id
}

export async function discountCode(opts: {
  code: string
  percent?: number
  usage_limit?: number | null
  per_customer_limit?: number | null
}) {
  return createDiscount(getDb(env), {
    code: opts.code,
    description: null,
    kind: 'percentage',
    value: (opts.percent ?? 10) * 100,
    currency: null,
    min_subtotal: 0,
    usage_limit: opts.usage_limit ?? null,
    per_customer_limit: opts.per_customer_limit ?? null,
    starts_at: null,
    expires_at: null,
    active: true,
  })
}

export async function addToCart(user: TestUser, variantId: string, quantity: number) {
  const res = await api('POST', '/api/v1/cart/items', { headers: user.auth, body: { variant_id: variantId, quantity } })
  if (res.status >= 300) throw new Error(`add to cart failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res
}

export function checkoutBody(shippingMethodId: string, extra: Record<string, unknown> = {}) {
  return { shipping_address: ADDRESS, shipping_method_id: shippingMethodId, payment_provider: 'manual', ...extra }
}

export function checkout(user: TestUser, key: string, body: Record<string, unknown>) {
  return api('POST', '/api/v1/checkout', { headers: { ...user.auth, 'Idempotency-Key': key }, body })
}

/** A signed-in customer with `quantity` of the variant in the cart, checked out; returns the order. */
export async function placeOrder(variantId: string, shippingMethodId: string, quantity = 1, user?: TestUser) {
  const customer = user ?? (await createUser('customer'))
  await addToCart(customer, variantId, quantity)
  const res = await checkout(customer, crypto.randomUUID(), checkoutBody(shippingMethodId))
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { user: customer, order: res.body.order, response: res.body }
}
