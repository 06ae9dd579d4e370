import { createFedexAdapter, type FedexEnv } from './fedex'
import type { CarrierAdapter, CarrierName } from './types'
import { createUpsAdapter, type UpsEnv } from './ups'

export type CarrierEnv = UpsEnv & FedexEnv

/** The adapter for a carrier, configured from the Worker's env (base URL and credentials). */
export function carrierAdapter(env: CarrierEnv, name: CarrierName): CarrierAdapter {
  return name === 'ups' ? createUpsAdapter(env) : createFedexAdapter(env)
}

export * from './types'
export { FEDEX_SERVICES } from './fedex'
export { UPS_SERVICES } from './ups'
