/**
 * Issue 9: "nothing is lost: a failed payment keeps the order and cart recoverable". A guest's card
 * is declined (the order stays payable), the payment time then runs out (the OrderDO's alarm fails the
 * order and releases its stock), and the order page puts its items back in the cart beside what the
 * guest added since; an item sold out meanwhile is named in a readable message, the rest still goes back.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { OrderDO } from '../../src/modules/orders/order-do'
import { seedStoreSettings } from '../../src/seed'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { confirmIntent, deliver, installStripe, lastEvent, paymentRow } from '../payments/harness'
import { get, guestForm, post, type Jar } from './helpers'

const stubFor = (orderId: string) => env.ORDER.get(env.ORDER.idFromName(orderId)) as DurableObjectStub<OrderDO>

/** The payment deadline passes: move it into the past and let the OrderDO's alarm fire. */
async function paymentTimeRunsOut(orderId: string) {
  const stub = stubFor(orderId)
  await runInDurableObject(stub, (_i, state) => {
    const s = JSON.parse(state.storage.sql.exec<{ body: string }>('SELECT body FROM state').one().body)
    s.payment_due_at = new Date(Date.now() - 1000).toISOString()
    state.storage.sql.exec('UPDATE state SET body = ?', JSON.stringify(s))
  })
  expect(await runDurableObjectAlarm(stub)).toBe(true)
}

const stockOf = async (variantId: string) =>
  (await env.DB.prepare('SELECT stock FROM product_variants WHERE id = ?').bind(variantId).first<{ stock: number }>())!.stock

beforeAll(async () => {
  await seedStoreSettings(env.DB)
})

describe('a failed payment loses nothing', () => {
  it('declined, then out of time: the order page puts the items back in the cart, next to what was added since', async () => {
    const { stripe } = installStripe()
    const lamp = await createProduct({ name: 'Recovery lamp', variants: [{ price: 2_500, stock: 5 }] })
    const mug = await createProduct({ name: 'Recovery mug', variants: [{ price: 900, stock: 1 }] })
    const scarf = await createProduct({ name: 'Recovery scarf', variants: [{ price: 1_900, stock: 9 }] })
    const [lampId, mugId, scarfId] = [lamp.variants[0]!.id, mug.variants[0]!.id, scarf.variants[0]!.id]
    const jar: Jar = new Map()
    await post('/cart/add', { variant_id: lampId, quantity: '2', back: '/cart' }, jar)
    await post('/cart/add', { variant_id: mugId, quantity: '1', back: '/cart' }, jar)
    const checkout = await get('/checkout', jar)
    const placed = await post(
      '/checkout',
      guestForm(checkout.html, { country: 'US', shipping_method_id: 'shp_seed_flat', payment_provider: 'stripe' }),
      jar,
    )
    expect(placed.status, placed.html.slice(0, 500)).toBe(303)
    const orderId = /^\/orders\/(ord_[a-z0-9]+)/.exec(placed.location!)![1]!
    expect(await stockOf(lampId)).toBe(3)

    // Declined: the order is kept and stays payable.
    const piId = (await paymentRow(orderId))!.providerRef!
    await confirmIntent(stripe, piId, 'pm_card_chargeDeclined')
    expect((await deliver(lastEvent(stripe, 'payment_intent.payment_failed', piId))).body).toMatchObject({ outcome: 'payment_declined' })
    const declined = await get(`${placed.location!}&redirect_status=failed`, jar)
    expect(declined.html).toContain('data-status="processing"')
    expect(declined.html).toContain('id="payment-form"')
    expect(declined.html).not.toContain('Put the items back in my cart')

    // The shopper adds something else meanwhile; someone else buys the last mug.
    await post('/cart/add', { variant_id: scarfId, quantity: '1', back: '/cart' }, jar)
    await paymentTimeRunsOut(orderId)
    expect(await stockOf(lampId)).toBe(5)
    const admin = await createUser('admin')
    expect(
      (await api('POST', `/api/v1/admin/products/${mug.id}/variants/${mugId}/stock`, { headers: admin.auth, body: { stock: 0 } })).status,
      'mug sold out',
    ).toBeLessThan(300)

    const failed = await get(placed.location!, jar)
    expect(failed.html).toContain('data-status="failed"')
    expect(failed.html).toContain('Put the items back in my cart')
    const action = /<form method="post" action="([^"]+\/reorder[^"]*)"/.exec(failed.html)![1]!.replace(/&amp;/g, '&')
    const back = await post(action, {}, jar)
    expect(back.status).toBe(303)
    expect(back.location).toBe('/cart')
    const cart = await get('/cart', jar)
    expect(cart.html).toContain('Recovery lamp')
    expect(cart.html).toContain('Recovery scarf')
    expect(cart.html).toMatch(/role="alert"[\s\S]*Recovery mug/)
    expect(cart.html).not.toMatch(/\b(out_of_stock|unprocessable|validation_error)\b/)
    const lines = (await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': jar.get('ec_cart')! } })).body.items as {
      variant_id: string
      quantity: number
    }[]
    expect(lines.map((l) => [l.variant_id, l.quantity]).sort()).toEqual(
      [
        [lampId, 2],
        [scarfId, 1],
      ].sort(),
    )
  })

  it('a wrong signature cannot refill anyone’s cart', async () => {
    const jar: Jar = new Map()
    const res = await post('/orders/ord_nope/reorder?sig=AAAA', {}, jar)
    expect(res.status).toBe(404)
  })
})
