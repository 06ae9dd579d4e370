import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { issueActionToken } from '../../src/modules/accounts/action-tokens'
import { GUEST_SERVICE_EMAIL, guestUserId, signOrderId } from '../../src/modules/orders/guest'
import { orders } from '../../src/modules/orders/tables'
import { users } from '../../src/modules/accounts/tables'
import { createProduct, variantStock } from '../fixtures/catalog'
import { ADDRESS, flatShipping } from '../orders/fixtures'
import { api, createUser } from '../helpers'
import { login, PASSWORD, register, uniqueEmail } from '../accounts/util'

const db = () => getDb(env)

async function guestCart(variantId: string, quantity = 1): Promise<string> {
  const res = await api('POST', '/api/v1/cart/items', { body: { variant_id: variantId, quantity } })
  expect(res.status).toBe(200)
  return res.headers.get('X-Cart-Token')!
}

const guestCheckout = (token: string, key: string, body: Record<string, unknown>) =>
  api('POST', '/api/v1/checkout', { headers: { 'X-Cart-Token': token, 'Idempotency-Key': key }, body })

describe('guest checkout: POST /api/v1/checkout with X-Cart-Token and an email', () => {
  let ship: string
  let variantId: string
  beforeAll(async () => {
    ship = await flatShipping(500)
    const seller = await createUser('seller')
    const p = await createProduct({ sellerId: seller.id, name: 'Teapot', variants: [{ price: 3000, stock: 20, sku: `TEA-${Date.now()}` }] })
    variantId = p.variants[0]!.id
  })

  it('creates an order without an account, empties the guest cart, and returns a signed order link', async () => {
    const token = await guestCart(variantId, 2)
    const email = uniqueEmail('guest')
    const res = await guestCheckout(token, 'g-1', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email,
    })
    expect(res.status).toBe(201)
    const { order, order_link } = res.body
    expect(order).toMatchObject({ email, total: { amount: 6500, currency: 'USD' }, item_count: 2 })
    expect(order.user_id).toBe(await guestUserId(db()))
    expect(order_link).toMatch(new RegExp(`/orders/${order.id}\\?sig=[A-Za-z0-9_-]{43}$`))
    // No account was created for the shopper's email.
    expect(await db().select().from(users).where(eq(users.email, email))).toHaveLength(0)
    const cart = await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': token } })
    expect(cart.body.items ?? cart.body.lines).toHaveLength(0)

    // The link reads the order; the order is not readable through another's account.
    const sig = new URL(order_link).searchParams.get('sig')!
    const read = await api('GET', `/api/v1/guest-orders/${order.id}?sig=${sig}`)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id: order.id, email })
  })

  it('is idempotent: the same key replays the same order, stock is reserved once', async () => {
    const before = await variantStock(variantId)
    const token = await guestCart(variantId, 1)
    const body = { shipping_address: ADDRESS, shipping_method_id: ship, payment_provider: 'manual', email: uniqueEmail('idem') }
    const [a, b] = await Promise.all([guestCheckout(token, 'same-key', body), guestCheckout(token, 'same-key', body)])
    expect([a.status, b.status].sort()).toEqual([200, 201])
    expect(a.body.order.id).toBe(b.body.order.id)
    const c = await guestCheckout(token, 'same-key', body)
    expect(c.status).toBe(200)
    expect(c.headers.get('Idempotent-Replayed')).toBe('true')
    expect(c.body.order.id).toBe(a.body.order.id)
    expect(await variantStock(variantId)).toBe(before - 1)
    // Same key, different body: conflict.
    const d = await guestCheckout(token, 'same-key', { ...body, email: uniqueEmail('other') })
    expect(d.status).toBe(409)
    expect(d.body.error.code).toBe('idempotency_conflict')
  })

  it('keys are scoped per cart: two guests with the same key get two orders', async () => {
    const t1 = await guestCart(variantId)
    const t2 = await guestCart(variantId)
    const body = { shipping_address: ADDRESS, shipping_method_id: ship, payment_provider: 'manual', email: uniqueEmail('scope') }
    const a = await guestCheckout(t1, 'shared', body)
    const b = await guestCheckout(t2, 'shared', body)
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.order.id).not.toBe(b.body.order.id)
  })

  it('refuses bad input with a clear 4xx', async () => {
    const token = await guestCart(variantId)
    const noEmail = await guestCheckout(token, 'bad-1', { shipping_address: ADDRESS, shipping_method_id: ship, payment_provider: 'manual' })
    expect(noEmail.status).toBe(400)
    expect(noEmail.body.error.message).toMatch(/email/i)
    const saved = await guestCheckout(token, 'bad-2', {
      address_id: 'adr_x',
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: 'a@b.test',
    })
    expect(saved.status).toBe(400)
    const badEmail = await guestCheckout(token, 'bad-3', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: 'nope',
    })
    expect(badEmail.status).toBe(400)
    const noToken = await api('POST', '/api/v1/checkout', {
      headers: { 'Idempotency-Key': 'bad-4' },
      body: { shipping_address: ADDRESS, shipping_method_id: ship, payment_provider: 'manual', email: 'a@b.test' },
    })
    expect(noToken.status).toBe(401)
    const forged = await guestCheckout('cart_not-a-real-token', 'bad-5', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: 'a@b.test',
    })
    expect(forged.status).toBe(400)
    const empty = await guestCheckout(`cart_${'A'.repeat(43)}`, 'bad-6', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: 'a@b.test',
    })
    expect(empty.status).toBe(422)
  })

  it('a tampered or foreign signature is refused (404), the right one works', async () => {
    const token = await guestCart(variantId)
    const res = await guestCheckout(token, 'sig', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: uniqueEmail('sig'),
    })
    const id = res.body.order.id as string
    const sig = new URL(res.body.order_link).searchParams.get('sig')!
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)
    expect((await api('GET', `/api/v1/guest-orders/${id}?sig=${flipped}`)).status).toBe(404)
    expect((await api('GET', `/api/v1/guest-orders/${id}?sig=${sig.slice(0, -1)}`)).status).toBe(404)
    expect((await api('GET', `/api/v1/guest-orders/${id}`)).status).toBe(400)
    // A valid signature of another order does not open this one.
    const other = await signOrderId(env, 'ord_someone_else')
    expect((await api('GET', `/api/v1/guest-orders/${id}?sig=${other}`)).status).toBe(404)
    expect((await api('POST', `/api/v1/guest-orders/${id}/pay?sig=${flipped}`)).status).toBe(404)
    const pay = await api('POST', `/api/v1/guest-orders/${id}/pay?sig=${sig}`)
    expect(pay.status).toBe(200)
    expect(pay.body).toMatchObject({ provider: 'manual', status: 'awaiting_confirmation' })
  })

  it('guest orders join the account that verifies the same email, and a verified sign-in attaches later ones', async () => {
    const email = uniqueEmail('attach')
    const token = await guestCart(variantId)
    const first = await guestCheckout(token, 'a-1', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: email.toUpperCase(),
    })
    expect(first.status).toBe(201)

    const account = await register({ email })
    // Not verified yet: the orders stay with the guest owner.
    const mine = await api('GET', '/api/v1/orders', { headers: { Authorization: `Bearer ${account.access_token}` } })
    expect(mine.body.data).toHaveLength(0)

    const { token: verifyToken } = await issueActionToken(db(), {
      userId: account.user.id,
      email,
      purpose: 'verify_email',
      ttlSeconds: 600,
    })
    const verified = await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token: verifyToken } })
    expect(verified.status).toBe(200)
    const after = await api('GET', '/api/v1/orders', { headers: { Authorization: `Bearer ${account.access_token}` } })
    expect(after.body.data.map((o: { id: string }) => o.id)).toEqual([first.body.order.id])

    // A later guest order with the same email joins at the next sign-in.
    const token2 = await guestCart(variantId)
    const second = await guestCheckout(token2, 'a-2', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email,
    })
    const signedIn = await login(email, PASSWORD)
    expect(signedIn.status).toBe(200)
    const [row] = await db().select({ userId: orders.userId }).from(orders).where(eq(orders.id, second.body.order.id))
    expect(row!.userId).toBe(account.user.id)

    // An unverified account with another guest's email gets nothing.
    const other = uniqueEmail('unverified')
    const token3 = await guestCart(variantId)
    const third = await guestCheckout(token3, 'a-3', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email: other,
    })
    await register({ email: other })
    expect((await login(other, PASSWORD)).status).toBe(200)
    const [kept] = await db().select({ userId: orders.userId }).from(orders).where(eq(orders.id, third.body.order.id))
    expect(kept!.userId).toBe(await guestUserId(db()))
  })

  it('the guest owner is a disabled service account nobody can sign in as', async () => {
    await guestUserId(db())
    const [row] = await db().select().from(users).where(eq(users.email, GUEST_SERVICE_EMAIL))
    expect(row!.disabledAt).not.toBeNull()
    expect((await login(GUEST_SERVICE_EMAIL, '!service-account')).status).toBe(401)
  })
})

describe('guest order emails', () => {
  it('the order confirmation goes to the checkout email with the signed order link', async () => {
    const { deliver, installProviderFakes, orderEvent } = await import('../notifications/harness')
    const ship = await flatShipping(300)
    const seller = await createUser('seller')
    const p = await createProduct({ sellerId: seller.id, name: 'Cup', variants: [{ price: 1000, stock: 5, sku: `CUP-${Date.now()}` }] })
    const token = await guestCart(p.variants[0]!.id)
    const email = uniqueEmail('mail')
    const res = await guestCheckout(token, 'mail', {
      shipping_address: ADDRESS,
      shipping_method_id: ship,
      payment_provider: 'manual',
      email,
    })
    const fakes = installProviderFakes()
    await deliver([orderEvent('order.paid', res.body.order.user_id, { order_id: res.body.order.id })])
    // The paid order also alerts the line's seller; the shopper gets exactly one confirmation.
    const toShopper = fakes.sendgrid.sent.filter((m) => m.to.some((r) => r.email === email))
    expect(toShopper).toHaveLength(1)
    const mail = toShopper[0]!
    expect(mail.to).toEqual([{ email, name: ADDRESS.name }])
    expect(fakes.sendgrid.sent.filter((m) => m.to.some((r) => r.email === seller.email))).toHaveLength(1)
    const link = res.body.order_link as string
    expect(mail.text).toContain(link)
    expect(mail.html).toContain(link)
  })
})
