/** Shared setup for the provider tests: an order in the provider's currency, webhook deliveries, rows. */
import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { getDb } from '../../../src/lib/db'
import { createShippingMethod } from '../../../src/modules/pricing/service'
import { paymentAlerts, paymentEvents, payments, refunds } from '../../../src/modules/payments/tables'
import worker from '../../../workers/payment-webhooks/index'
import { createProduct } from '../../fixtures/catalog'
import { api, createUser } from '../../helpers'
import { ADDRESS, addToCart, checkout } from '../../orders/fixtures'

export type TestUser = Awaited<ReturnType<typeof createUser>>

export interface PlacedOrder {
  user: TestUser
  order: { id: string; status: string; total: { amount: number; currency: string } }
  checkout: { order: Record<string, unknown>; payment: { provider: string; status: string; next_action?: Record<string, unknown> } }
  product: Awaited<ReturnType<typeof createProduct>>
}

/** A customer's checked-out order paid with `provider`, priced in `currency` (price + shipping). */
export async function placeOrder(opts: {
  provider: string
  currency: string
  price?: number
  shipping?: number
  stock?: number
  quantity?: number
  extra?: Record<string, unknown>
}): Promise<PlacedOrder> {
  const product = await createProduct({ currency: opts.currency, variants: [{ price: opts.price ?? 2000, stock: opts.stock ?? 10 }] })
  const ship = await createShippingMethod(getDb(env), {
    name: `Flat ${opts.currency}`,
    kind: 'flat',
    currency: opts.currency,
    amount: opts.shipping ?? 500,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    active: true,
    position: 0,
  })
  const user = await createUser('customer')
  await addToCart(user, product.variants[0]!.id, opts.quantity ?? 1)
  const res = await checkout(user, crypto.randomUUID(), {
    shipping_address: ADDRESS,
    shipping_method_id: ship.id,
    payment_provider: opts.provider,
    ...opts.extra,
  })
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { user, order: res.body.order, checkout: res.body, product }
}

export async function orderStatus(user: TestUser, orderId: string): Promise<string> {
  return (await api('GET', `/api/v1/orders/${orderId}`, { headers: user.auth })).body.status
}

export async function orderDetail(user: TestUser, orderId: string) {
  return (await api('GET', `/api/v1/orders/${orderId}`, { headers: user.auth })).body
}

export async function paymentRow(orderId: string) {
  const [row] = await getDb(env).select().from(payments).where(eq(payments.orderId, orderId))
  return row
}

export async function refundRows(orderId: string) {
  return getDb(env).select().from(refunds).where(eq(refunds.orderId, orderId))
}

export async function alertsFor(orderId: string) {
  return getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, orderId))
}

export async function eventsOf(provider: string) {
  return getDb(env).select().from(paymentEvents).where(eq(paymentEvents.provider, provider))
}

/** POST to the payment webhooks Worker's real fetch handler (this test's D1 and OrderDO). */
export async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await worker.fetch(
    new Request(`https://hooks.edge-commerce.test${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    }),
    env,
  )
  const text = await res.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = { raw: text }
  }
  return { status: res.status, body: parsed }
}

/** A staff user's refund request. */
export async function refund(orderId: string, body: Record<string, unknown> = {}) {
  const staff = await createUser('staff')
  return api('POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    headers: { ...staff.auth, 'Idempotency-Key': crypto.randomUUID() },
    body,
  })
}

/** Pretend the payment started `minutes` ago, so reconciliation looks at it. */
export async function age(orderId: string, minutes: number) {
  const at = new Date(Date.now() - minutes * 60_000).toISOString()
  await getDb(env).update(payments).set({ createdAt: at }).where(eq(payments.orderId, orderId))
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Count of timeline entries moving the order to `to` (a double transition shows up as 2). */
export async function transitionsTo(user: TestUser, orderId: string, to: string) {
  return (await orderDetail(user, orderId)).timeline.filter((t: { to: string }) => t.to === to).length
}
