import type { CarrierAddress } from './carriers/types'
import { config } from '../../lib/config'

export interface ShippingEnv {
  SHIP_FROM_ADDRESS?: string
  CARRIER_RATE_TIMEOUT_MS?: string
  RETURN_WINDOW_DAYS?: string
}

/**
 * Where parcels leave from (SHIP_FROM_ADDRESS, JSON; the Louisville warehouse when unset). Parsed in
 * src/lib/config.ts: a malformed address fails the Worker (ConfigError) instead of quietly quoting
 * and buying labels from the default.
 */
export function shipFrom(env: ShippingEnv): CarrierAddress {
  return config(env).SHIP_FROM_ADDRESS
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
