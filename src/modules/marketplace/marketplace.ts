import type { OrderStatus } from '../orders/tables'
import type { MarketplaceName } from './tables'

/** One sellable variant as a marketplace sees it: an offer keyed by our SKU. Money in minor units. */
export interface SyncOffer {
  sku: string
  variant_id: string
  name: string
  price: number
  compare_at_price: number | null
  currency: string
  stock: number
  weight_grams: number
}

/** A product ready to push: what the adapters need, nothing more. */
export interface SyncProduct {
  id: string
  name: string
  description: string
  brand: string | null
  /** Only `active` products are offered; anything else is pushed with zero stock. */
  active: boolean
  images: string[]
  offers: SyncOffer[]
}

/** The outcome for one product of one push call. */
export interface PushResult {
  product_id: string
  ok: boolean
  error?: string
  /** The marketplace's id for the product, when the call returned one. */
  external_id?: string
  /** Our SKU -> the marketplace's id for that offer. */
  external_ids?: Record<string, string>
}

/** A marketplace order normalised to what we need to import it. Amounts in minor units. */
export interface ExternalOrder {
  marketplace: MarketplaceName
  /** Stable id used for idempotency: Kaspi order code, Ozon posting_number. */
  external_id: string
  external_number: string | null
  external_status: string
  status: OrderStatus
  currency: string
  total: number
  created_at: string
  customer_name: string | null
  lines: { sku: string; name: string; quantity: number; unit_price: number }[]
}

/**
 * A marketplace adapter. Methods throw MarketplaceError for whole-request failures; per-product
 * rejections inside a successful response come back as `ok: false` results.
 */
export interface Marketplace {
  readonly name: MarketplaceName
  /** Product content (name, description, images). */
  pushProducts(products: SyncProduct[]): Promise<PushResult[]>
  pushPrices(products: SyncProduct[]): Promise<PushResult[]>
  pushStock(products: SyncProduct[]): Promise<PushResult[]>
  /** Orders created since `since`, every page. */
  listNewOrders(since: Date): Promise<ExternalOrder[]>
  getOrder(externalId: string): Promise<ExternalOrder | null>
  /** Their order status -> ours. */
  toOurStatus(theirs: string): OrderStatus
  /** Our order status -> the status we would set on their side, or null when there is nothing to set. */
  fromOurStatus(ours: OrderStatus): string | null
}

/**
 * A failed call to a marketplace. `retryable` is true for 5xx, 429, timeouts and network errors
 * (the queue retries with backoff) and false for other 4xx (recorded as an error, not retried).
 */
export class MarketplaceError extends Error {
  constructor(
    readonly marketplace: MarketplaceName,
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message)
    this.name = 'MarketplaceError'
  }
}

const TIMEOUT_MS = 15_000

/**
 * fetch with a timeout, turning every transport failure and non-2xx answer into a MarketplaceError
 * with the retry decision already made. Returns the parsed JSON body.
 */
export async function callJson<T>(marketplace: MarketplaceName, url: string, init: RequestInit): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
  } catch (err) {
    const what = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'network error'
    throw new MarketplaceError(marketplace, `${init.method ?? 'GET'} ${new URL(url).pathname} ${what}`, null, true)
  }
  const text = await res.text()
  if (!res.ok) {
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408
    // Keep the provider's message (bounded) so admins can see why a product was refused.
    throw new MarketplaceError(
      marketplace,
      `${init.method ?? 'GET'} ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 300)}`,
      res.status,
      retryable,
    )
  }
  try {
    return (text ? JSON.parse(text) : {}) as T
  } catch {
    throw new MarketplaceError(marketplace, `${new URL(url).pathname} answered with invalid JSON`, res.status, true)
  }
}

/** Minor units -> a decimal string in major units ("1999" -> "19.99", "2000" -> "20"). Exact, no floats. */
export function minorToDecimal(amount: number): string {
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(amount)
  const major = Math.floor(abs / 100)
  const minor = abs % 100
  return minor === 0 ? `${sign}${major}` : `${sign}${major}.${String(minor).padStart(2, '0')}`
}

/** A decimal string or number in major units -> integer minor units, rounded half up at the third decimal. */
export function decimalToMinor(value: string | number): number {
  const s = typeof value === 'number' ? value.toFixed(6) : value.trim()
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s)
  if (!m) throw new Error(`not a decimal amount: ${value}`)
  const frac = (m[3] ?? '').padEnd(3, '0')
  let minor = Number(m[2]) * 100 + Number(frac.slice(0, 2))
  if (Number(frac[2]) >= 5) minor += 1
  return m[1] === '-' ? -minor : minor
}
