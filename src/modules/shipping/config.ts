import { log } from '../../lib/observability'
import type { CarrierAddress } from './carriers/types'
import { config } from '../../lib/config'

export interface ShippingEnv {
  SHIP_FROM_ADDRESS?: string
  CARRIER_RATE_TIMEOUT_MS?: string
  RETURN_WINDOW_DAYS?: string
}

const DEFAULT_ORIGIN: CarrierAddress = {
  name: 'Edge Commerce Warehouse',
  country: 'US',
  postal_code: '40209',
  city: 'Louisville',
  region: 'KY',
}

/** Where parcels leave from (SHIP_FROM_ADDRESS, JSON); a broken value is logged and the default used. */
export function shipFrom(env: ShippingEnv): CarrierAddress {
  if (!env.SHIP_FROM_ADDRESS) return DEFAULT_ORIGIN
  try {
    const a = JSON.parse(env.SHIP_FROM_ADDRESS) as Partial<CarrierAddress>
    if (typeof a.country === 'string' && /^[A-Za-z]{2}$/.test(a.country)) return { ...a, country: a.country.toUpperCase() }
  } catch {
    // fall through
  }
  log('error', 'SHIP_FROM_ADDRESS is not a JSON address with a country; using the default origin')
  return DEFAULT_ORIGIN
}

/** How long checkout waits for a live rate before charging the fallback price. */
export function rateTimeoutMs(env: ShippingEnv): number {
  return config(env).CARRIER_RATE_TIMEOUT_MS
}

/**
 * Days after delivery a line can be returned (RETURN_WINDOW_DAYS, default 30). The OrderDO reads the
 * same value straight from src/lib/config.ts, so orders does not import shipping.
 */
export function returnWindowDays(env: ShippingEnv): number {
  return config(env).RETURN_WINDOW_DAYS
}
