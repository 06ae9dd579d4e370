import type { MarketplaceName } from './tables'
import { config } from '../../lib/config'

/**
 * The bindings marketplace sync reads. Both the API Worker and the marketplace-sync Worker satisfy
 * it; credentials are secrets and may be missing, in which case that marketplace is disabled.
 */
export interface MarketplaceEnv {
  DB: D1Database
  MARKETPLACE_QUEUE?: Queue
  /** The public catalog cache (imported orders take stock): absent where the Worker has no binding. */
  CATALOG_CACHE?: KVNamespace
  KASPI_API_BASE?: string
  KASPI_API_TOKEN?: string
  KASPI_MERCHANT_ID?: string
  KASPI_COMPANY_NAME?: string
  KASPI_STORE_ID?: string
  /** Secret path segment of the XML price list URL Kaspi downloads. */
  KASPI_PRICE_LIST_TOKEN?: string
  OZON_API_BASE?: string
  OZON_CLIENT_ID?: string
  OZON_API_KEY?: string
  OZON_WAREHOUSE_ID?: string
}

export interface KaspiConfig {
  base: string
  token: string
  merchantId: string
  companyName: string
  storeId: string
}

export interface OzonConfig {
  base: string
  clientId: string
  apiKey: string
  warehouseId: string
}

/** Kaspi settings, or null when the API token is not set (Kaspi is then disabled). */
export function kaspiConfig(env: MarketplaceEnv): KaspiConfig | null {
  if (!env.KASPI_API_TOKEN) return null
  return {
    base: config(env).KASPI_API_BASE,
    token: env.KASPI_API_TOKEN,
    merchantId: env.KASPI_MERCHANT_ID || '',
    companyName: env.KASPI_COMPANY_NAME || 'Edge Commerce',
    storeId: env.KASPI_STORE_ID || 'PP1',
  }
}

/** Ozon settings, or null when Client-Id or Api-Key is missing (Ozon is then disabled). */
export function ozonConfig(env: MarketplaceEnv): OzonConfig | null {
  if (!env.OZON_CLIENT_ID || !env.OZON_API_KEY) return null
  return {
    base: config(env).OZON_API_BASE,
    clientId: env.OZON_CLIENT_ID,
    apiKey: env.OZON_API_KEY,
    warehouseId: env.OZON_WAREHOUSE_ID || '',
  }
}

export function isEnabled(env: MarketplaceEnv, name: MarketplaceName): boolean {
  return name === 'kaspi' ? kaspiConfig(env) !== null : ozonConfig(env) !== null
}
