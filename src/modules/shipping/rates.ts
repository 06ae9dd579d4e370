/**
 * Live carrier rates for checkout. A shipping method of kind `carrier` is priced by asking its
 * carrier for its service level at the cart's weight band and destination, under three rules:
 *
 * - **Never hang**: the carrier gets CARRIER_RATE_TIMEOUT_MS (2.5 s); slow, failing, unconfigured
 *   or answering in another currency, the method charges its own `amount` (the fallback price).
 * - **Cache briefly**: a live rate is kept in KV for RATE_CACHE_SECONDS per (carrier, service,
 *   origin, destination postal code/country, weight band). Weights are rounded up to a band
 *   (WEIGHT_BAND_GRAMS) and the band's upper bound is what is quoted, so one cached price is valid
 *   for every cart in the band.
 * - **Charge what was shown**: every price comes with a signed quote id (HMAC, QUOTE_TTL_SECONDS)
 *   naming the method, destination, band, currency and amount. Checkout given that id charges that
 *   amount without asking the carrier again; an id that is expired, forged, or for another
 *   destination/band/method is refused (409 price_changed) so the shopper re-quotes.
 */
import { base64url, fromBase64url } from '../../lib/ids'
import { log } from '../../lib/observability'
import { carrierAdapter, type CarrierEnv } from './carriers'
import { CarrierError, type CarrierName } from './carriers/types'
import { rateTimeoutMs, shipFrom, type ShippingEnv } from './config'

export const WEIGHT_BAND_GRAMS = 500
export const RATE_CACHE_SECONDS = 600
export const QUOTE_TTL_SECONDS = 1800

export type RateEnv = CarrierEnv & ShippingEnv & { CATALOG_CACHE?: KVNamespace; JWT_SECRET: string }

export interface CarrierMethod {
  id: string
  carrier: CarrierName
  service_code: string
  /** Fallback price, minor units of `currency`. */
  amount: number
  currency: string
}

export interface Destination {
  country: string
  postal_code?: string
}

export type RateSource = 'carrier' | 'cache' | 'fallback'

export interface ShippingQuote {
  /** Signed; send it back with checkout to be charged exactly this. */
  id: string
  method_id: string
  carrier: CarrierName
  service_code: string
  amount: number
  currency: string
  source: RateSource
  weight_band_grams: number
  expires_at: string
}

/** The weight band a cart falls in: its weight rounded up to WEIGHT_BAND_GRAMS (at least one band). */
export const weightBand = (grams: number) => Math.max(1, Math.ceil(Math.max(0, grams) / WEIGHT_BAND_GRAMS)) * WEIGHT_BAND_GRAMS

const normPostal = (p: string | undefined) => (p ?? '').replace(/\s+/g, '').toUpperCase()

export function rateCacheKey(
  method: Pick<CarrierMethod, 'carrier' | 'service_code'>,
  origin: Destination,
  dest: Destination,
  band: number,
) {
  return `carrier-rate:v1:${method.carrier}:${method.service_code}:${origin.country}-${normPostal(origin.postal_code)}:${dest.country.toUpperCase()}-${normPostal(dest.postal_code)}:${band}`
}

/** Run `fn` with an AbortSignal that fires after `ms`; rejects with 'timeout' then even if `fn` ignores the signal. */
async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new CarrierTimeout(ms))
    }, ms)
  })
  try {
    return await Promise.race([fn(controller.signal), timeout])
  } finally {
    clearTimeout(timer)
  }
}

class CarrierTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`)
  }
}

/**
 * The price of a carrier method for a cart of `grams` to `dest`: cached live rate, fresh live rate,
 * or the fallback price. Never throws because of the carrier.
 */
export async function quoteCarrierMethod(env: RateEnv, method: CarrierMethod, dest: Destination, grams: number): Promise<ShippingQuote> {
  const band = weightBand(grams)
  const origin = shipFrom(env)
  const key = rateCacheKey(method, origin, dest, band)
  const issue = (amount: number, source: RateSource) => signQuote(env, { method, dest, band, amount, source })

  const cached = await env.CATALOG_CACHE?.get<{ amount: number; currency: string }>(key, 'json').catch(() => null)
  if (cached && cached.currency === method.currency && Number.isSafeInteger(cached.amount)) return issue(cached.amount, 'cache')

  const adapter = carrierAdapter(env, method.carrier)
  if (!adapter.configured()) {
    log('warn', 'carrier not configured: charging the fallback price', { carrier: method.carrier, method_id: method.id })
    return issue(method.amount, 'fallback')
  }
  try {
    const rate = await withTimeout(rateTimeoutMs(env), (signal) =>
      adapter.rate(
        {
          origin,
          destination: { country: dest.country.toUpperCase(), postal_code: dest.postal_code },
          weight_grams: band,
          service_code: method.service_code,
        },
        signal,
      ),
    )
    if (rate.currency !== method.currency) {
      log('warn', 'carrier rate in another currency than the method: charging the fallback price', {
        carrier: method.carrier,
        method_id: method.id,
        rate_currency: rate.currency,
        method_currency: method.currency,
      })
      return issue(method.amount, 'fallback')
    }
    await env.CATALOG_CACHE?.put(key, JSON.stringify({ amount: rate.amount, currency: rate.currency }), {
      expirationTtl: RATE_CACHE_SECONDS,
    }).catch((err: unknown) => log('warn', 'carrier rate cache write failed', { error: String(err) }))
    return issue(rate.amount, 'carrier')
  } catch (err) {
    log('warn', 'carrier rate unavailable: charging the fallback price', {
      carrier: method.carrier,
      method_id: method.id,
      reason: err instanceof CarrierTimeout ? 'timeout' : err instanceof CarrierError ? `http ${err.status}` : 'error',
      error: String(err),
    })
    return issue(method.amount, 'fallback')
  }
}

// ---- signed quote ids ----------------------------------------------------------------------

interface QuotePayload {
  m: string
  c: CarrierName
  s: string
  d: string
  b: number
  a: number
  cur: string
  src: RateSource
  exp: number
}

const destKey = (d: Destination) => `${d.country.toUpperCase()}:${normPostal(d.postal_code)}`

async function hmacKey(env: { JWT_SECRET: string }) {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`shipping-quote:${env.JWT_SECRET}`),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
}

async function signQuote(
  env: { JWT_SECRET: string },
  q: { method: CarrierMethod; dest: Destination; band: number; amount: number; source: RateSource },
): Promise<ShippingQuote> {
  const exp = Math.floor(Date.now() / 1000) + QUOTE_TTL_SECONDS
  const payload: QuotePayload = {
    m: q.method.id,
    c: q.method.carrier,
    s: q.method.service_code,
    d: destKey(q.dest),
    b: q.band,
    a: q.amount,
    cur: q.method.currency,
    src: q.source,
    exp,
  }
  const body = base64url(new TextEncoder().encode(JSON.stringify(payload)))
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(env), new TextEncoder().encode(body)))
  return {
    id: `shq_${body}.${base64url(sig)}`,
    method_id: q.method.id,
    carrier: q.method.carrier,
    service_code: q.method.service_code,
    amount: q.amount,
    currency: q.method.currency,
    source: q.source,
    weight_band_grams: q.band,
    expires_at: new Date(exp * 1000).toISOString(),
  }
}

export type QuoteCheck = { ok: true; quote: ShippingQuote } | { ok: false; reason: string }

/**
 * Accept a quote id at checkout only if we signed it, it has not expired, and it is for this
 * method, service, currency, destination and weight band.
 */
export async function verifyQuote(
  env: { JWT_SECRET: string },
  id: string,
  expect: { method: CarrierMethod; dest: Destination; grams: number },
): Promise<QuoteCheck> {
  const m = /^shq_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(id)
  if (!m) return { ok: false, reason: 'not a shipping quote id' }
  let valid = false
  try {
    valid = await crypto.subtle.verify('HMAC', await hmacKey(env), fromBase64url(m[2]!), new TextEncoder().encode(m[1]!))
  } catch {
    valid = false
  }
  if (!valid) return { ok: false, reason: 'the shipping quote id is not valid' }
  const p = JSON.parse(new TextDecoder().decode(fromBase64url(m[1]!))) as QuotePayload
  if (p.exp * 1000 <= Date.now()) return { ok: false, reason: 'the shipping quote has expired' }
  const { method, dest, grams } = expect
  if (p.m !== method.id || p.c !== method.carrier || p.s !== method.service_code || p.cur !== method.currency) {
    return { ok: false, reason: 'the shipping quote is for another shipping method' }
  }
  if (p.d !== destKey(dest)) return { ok: false, reason: 'the shipping quote is for another destination' }
  if (p.b !== weightBand(grams)) return { ok: false, reason: 'the cart weight changed since the shipping quote' }
  return {
    ok: true,
    quote: {
      id,
      method_id: p.m,
      carrier: p.c,
      service_code: p.s,
      amount: p.a,
      currency: p.cur,
      source: p.src,
      weight_band_grams: p.b,
      expires_at: new Date(p.exp * 1000).toISOString(),
    },
  }
}
