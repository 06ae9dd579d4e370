/** Shared setup for the shipping tests: the carrier fakes, carrier shipping methods, orders to ship. */
import { env } from 'cloudflare:test'
import { createFedexFake } from '../../fakes/fedex'
import { createUpsFake } from '../../fakes/ups'
import { getDb } from '../../src/lib/db'
import { createShippingMethod } from '../../src/modules/pricing/service'
import type { CarrierName } from '../../src/modules/shipping/carriers/types'
import { routeFetch } from '../fakes'

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
