/** Shared setup for the shipping tests: the carrier fakes, carrier shipping methods, orders to ship. */
import { env } from 'cloudflare:test'
import { createFedexFake } from '../../fakes/fedex'
import { createUpsFake } from '../../fakes/ups'
import { getDb } from '../../src/lib/db'
import { createShippingMethod } from '../../src/modules/pricing/service'
import type { CarrierName } from '../../src/modules/shipping/carriers/types'
import { signalPayment } from '../../src/modules/orders/service'
import { routeFetch } from '../fakes'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { ADDRESS, addToCart, checkout } from '../orders/fixtures'

/** Fresh UPS and FedEx fakes at the vitest UPS_API_BASE / FEDEX_API_BASE origins. */
export function installCarriers() {
  const ups = createUpsFake()
  const fedex = createFedexFake()
  const fetchSpy = routeFetch({ [env.UPS_API_BASE]: ups.fetch, [env.FEDEX_API_BASE]: fedex.fetch })
  return { ups, fedex, fetchSpy }
}

/** A USD shipping method of kind carrier (fallback price `fallback`), shipping everywhere. */
export async function carrierMethod(carrier: CarrierName, serviceCode: string, fallback = 999) {
  return createShippingMethod(getDb(env), {
    name: `${carrier} ${serviceCode}`,
    kind: 'carrier',
    carrier,
    service_code: serviceCode,
    currency: 'USD',
    amount: fallback,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    active: true,
    position: 0,
  })
}

/** A distinct postal code per call, so tests never share a KV rate cache entry by accident. */
let postal = 0
export const uniquePostal = () => `N${++postal} ${Math.floor(Math.random() * 9)}AA`

/**
 * A paid order of one unit from each of `sellers` new sellers (products of `grams` each), checked
 * out with `methodId` to London and paid (the payment signal a provider webhook would send).
 */
export async function paidOrder(methodId: string, opts: { sellers?: number; grams?: number } = {}) {
  const customer = await createUser('customer')
  const sellers = await Promise.all(Array.from({ length: opts.sellers ?? 1 }, () => createUser('seller')))
  for (const s of sellers) {
    const p = await createProduct({ sellerId: s.id, variants: [{ price: 2000, stock: 10, weight_grams: opts.grams ?? 800 }] })
    await addToCart(customer, p.variants[0]!.id, 1)
  }
  const res = await checkout(customer, crypto.randomUUID(), {
    shipping_address: { ...ADDRESS, postal_code: uniquePostal() },
    shipping_method_id: methodId,
    payment_provider: 'manual',
  })
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  const order = res.body.order as { id: string; total: { amount: number; currency: string }; lines: { id: string; seller_id: string }[] }
  const paid = await signalPayment(env, order.id, {
    kind: 'succeeded',
    actor: { type: 'system' },
    amount: order.total.amount,
    currency: order.total.currency,
  })
  if (paid.order.status !== 'paid') throw new Error(`order not paid: ${paid.outcome}`)
  return { customer, sellers, order, lineOf: (i: number) => order.lines.find((l) => l.seller_id === sellers[i]!.id)!.id }
}

export const buyLabel = (who: { auth: Record<string, string> }, path: string, body: Record<string, unknown>, key = crypto.randomUUID()) =>
  api('POST', path, { headers: { ...who.auth, 'Idempotency-Key': key }, body })
