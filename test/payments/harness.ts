/** Shared setup for the payments tests: the Stripe fake, paid-for orders, signed webhook deliveries. */
import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { createStripeFake, signStripePayload } from '../../fakes/stripe'
import { getDb } from '../../src/lib/db'
import { paymentEvents, payments } from '../../src/modules/payments/tables'
import worker from '../../workers/payment-webhooks/index'
import { routeFetch } from '../fakes'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { addToCart, checkout, checkoutBody, flatShipping } from '../orders/fixtures'

export type StripeFake = ReturnType<typeof createStripeFake>
export type TestUser = Awaited<ReturnType<typeof createUser>>

/** A fresh Stripe fake reached at https://api.stripe.com (the vitest STRIPE_API_BASE). */
export function installStripe() {
  const stripe = createStripeFake()
  const fetchSpy = routeFetch({ 'https://api.stripe.com': stripe.fetch })
  return { stripe, fetchSpy }
}

/** A customer's checked-out order (default: one unit at 2000 + 500 shipping, USD, paid by Stripe). */
export async function placeOrder(
  opts: { provider?: 'stripe' | 'manual'; price?: number; stock?: number; quantity?: number; user?: TestUser } = {},
) {
  const product = await createProduct({ variants: [{ price: opts.price ?? 2000, stock: opts.stock ?? 10 }] })
  const ship = await flatShipping(500)
  const user = opts.user ?? (await createUser('customer'))
  await addToCart(user, product.variants[0]!.id, opts.quantity ?? 1)
  const res = await checkout(user, crypto.randomUUID(), checkoutBody(ship, { payment_provider: opts.provider ?? 'stripe' }))
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { user, order: res.body.order as { id: string; total: { amount: number; currency: string } }, checkout: res.body, product }
}

export async function getOrderAs(user: TestUser, orderId: string) {
  return (await api('GET', `/api/v1/orders/${orderId}`, { headers: user.auth })).body
}

export async function paymentRow(orderId: string) {
  const [row] = await getDb(env).select().from(payments).where(eq(payments.orderId, orderId))
  return row
}

export async function eventRow(eventId: string) {
  const [row] = await getDb(env).select().from(paymentEvents).where(eq(paymentEvents.id, eventId))
  return row
}

/** Confirm a PaymentIntent at the fake, as Stripe.js would in the browser; returns the events it produced. */
export async function confirmIntent(stripe: StripeFake, piId: string, paymentMethod = 'pm_card_visa') {
  const before = stripe.state.events.length
  const res = await stripe.app.request(`/v1/payment_intents/${piId}/confirm`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sk_test_vitest', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ payment_method: paymentMethod }).toString(),
  })
  if (res.status !== 200) throw new Error(`confirm failed: ${res.status} ${await res.text()}`)
  return stripe.state.events.slice(0, stripe.state.events.length - before)
}

/** The most recent event of `type` the fake recorded (for `objectId` if given). */
export function lastEvent(stripe: StripeFake, type: string, objectId?: string) {
  const event = stripe.state.events.find(
    (e) => e.type === type && (!objectId || (e.data as { object: { id: string } }).object.id === objectId),
  )
  if (!event) throw new Error(`no ${type} event recorded`)
  return event
}

/**
 * POST an event to the webhook Worker (its real fetch handler, running on this test's D1 and
 * OrderDO bindings), signed with the webhook secret unless told otherwise.
 */
export async function deliver(
  event: Record<string, unknown>,
  opts: { secret?: string; timestamp?: number; signature?: string | null; body?: string } = {},
) {
  const body = opts.body ?? JSON.stringify(event)
  const signature =
    opts.signature === undefined ? await signStripePayload(body, opts.secret ?? env.STRIPE_WEBHOOK_SECRET, opts.timestamp) : opts.signature
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (signature !== null) headers['Stripe-Signature'] = signature
  const res = await worker.fetch(new Request('http://webhooks.test/webhooks/stripe', { method: 'POST', headers, body }), env)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Pay an order end to end: confirm the intent at Stripe and deliver payment_intent.succeeded. */
export async function payWithCard(stripe: StripeFake, orderId: string) {
  const payment = await paymentRow(orderId)
  if (!payment?.providerRef) throw new Error('order has no PaymentIntent')
  await confirmIntent(stripe, payment.providerRef)
  const res = await deliver(lastEvent(stripe, 'payment_intent.succeeded', payment.providerRef))
  if (res.status !== 200) throw new Error(`webhook failed: ${res.status} ${JSON.stringify(res.body)}`)
  return payment.providerRef
}
