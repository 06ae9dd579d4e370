/** Shared setup for the returns tests: delivered orders (paid manually, shipped, delivered). */
import { env, runInDurableObject } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { getDb } from '../../src/lib/db'
import { productVariants } from '../../src/modules/catalog/tables'
import type { OrderState } from '../../src/modules/orders/model'
import { orderStub } from '../../src/modules/orders/service'
import type { CarrierName } from '../../src/modules/shipping/carriers/types'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { ADDRESS, addToCart, checkout, flatShipping } from '../orders/fixtures'
import { carrierMethod } from '../shipping/harness'

export type TestUser = Awaited<ReturnType<typeof createUser>>

interface Opts {
  /** Ship with a carrier label (UPS/FedEx fakes must be installed) instead of a typed-in tracking number. */
  carrier?: CarrierName
  /** Units per seller's line (one line per seller). */
  quantities?: number[]
  price?: number
  /** Leave the order shipped (not delivered). */
  stopAt?: 'shipped'
}

/**
 * An order of one line per seller (default one seller, 2 units at 2000 + 500 flat shipping, USD),
 * paid by manual payment confirmed by staff (so a payment exists to refund), shipped and delivered.
 */
export async function deliveredOrder(opts: Opts = {}) {
  const quantities = opts.quantities ?? [2]
  const customer = await createUser('customer')
  const staff = await createUser('staff')
  const sellers: TestUser[] = []
  const variants: string[] = []
  for (const q of quantities) {
    const seller = await createUser('seller')
    sellers.push(seller)
    const p = await createProduct({ sellerId: seller.id, variants: [{ price: opts.price ?? 2000, stock: 10, weight_grams: 500 }] })
    variants.push(p.variants[0]!.id)
    await addToCart(customer, p.variants[0]!.id, q)
  }
  const method = opts.carrier
    ? (await carrierMethod(opts.carrier, opts.carrier === 'ups' ? '03' : 'FEDEX_GROUND')).id
    : await flatShipping(500)
  const res = await checkout(customer, crypto.randomUUID(), {
    shipping_address: ADDRESS,
    shipping_method_id: method,
    payment_provider: 'manual',
  })
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  const order = res.body.order as {
    id: string
    total: { amount: number; currency: string }
    shipping: { amount: number }
    lines: { id: string; seller_id: string; total: { amount: number }; quantity: number }[]
  }
  const paid = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: staff.auth, body: {} })
  if (paid.status !== 200) throw new Error(`confirm failed: ${paid.status} ${JSON.stringify(paid.body)}`)
  if (opts.carrier) {
    const label = await api('POST', `/api/v1/admin/orders/${order.id}/shipments`, {
      headers: { ...staff.auth, 'Idempotency-Key': crypto.randomUUID() },
      body: { line_ids: order.lines.map((l) => l.id) },
    })
    if (label.status !== 201) throw new Error(`label failed: ${label.status} ${JSON.stringify(label.body)}`)
  } else {
    const shipped = await api('POST', `/api/v1/admin/orders/${order.id}/transition`, {
      headers: staff.auth,
      body: { to: 'shipped', carrier: 'DHL', tracking_number: 'JD0001' },
    })
    if (shipped.status !== 200) throw new Error(`ship failed: ${shipped.status} ${JSON.stringify(shipped.body)}`)
  }
  const lineOf = (i: number) => order.lines.find((l) => l.seller_id === sellers[i]!.id)!
  if (opts.stopAt === 'shipped') return { customer, staff, sellers, variants, order, lineOf }
  const delivered = await api('POST', `/api/v1/admin/orders/${order.id}/transition`, { headers: staff.auth, body: { to: 'delivered' } })
  if (delivered.status !== 200) throw new Error(`deliver failed: ${delivered.status} ${JSON.stringify(delivered.body)}`)
  return { customer, staff, sellers, variants, order, lineOf }
}

export const stockOf = async (variantId: string) =>
  (await getDb(env).select({ s: productVariants.stock }).from(productVariants).where(eq(productVariants.id, variantId)))[0]!.s

/** Pretend the order was delivered `days` ago (the OrderDO's own record of it). */
export async function deliveredDaysAgo(orderId: string, days: number) {
  await runInDurableObject(orderStub(env, orderId), (_instance, state) => {
    const row = state.storage.sql.exec<{ body: string }>('SELECT body FROM state WHERE id = 1').one()
    const body = JSON.parse(row.body) as OrderState
    body.delivered_at = new Date(Date.now() - days * 86_400_000).toISOString()
    state.storage.sql.exec('UPDATE state SET body = ? WHERE id = 1', JSON.stringify(body))
  })
}

export const askReturn = (who: { auth: Record<string, string> }, orderId: string, body: unknown, key?: string) =>
  api('POST', `/api/v1/orders/${orderId}/returns`, { headers: { ...who.auth, ...(key ? { 'Idempotency-Key': key } : {}) }, body })

export const receive = (staff: { auth: Record<string, string> }, returnId: string, body: unknown, key = crypto.randomUUID()) =>
  api('POST', `/api/v1/admin/returns/${returnId}/receive`, { headers: { ...staff.auth, 'Idempotency-Key': key }, body })
