/**
 * What the REST providers (PayPal, Paystack, Chapa, M-Pesa, Kaspi Pay) share: a JSON fetch that
 * maps failures to ProviderError, HMAC helpers for their callback signatures, and amounts in the
 * decimal strings some of them want.
 */
import { currencyExponent } from '../../../lib/money'
import { signOrderId } from '../../../lib/order-link'
import { ProviderError, type ProviderEnv } from './types'
import { config } from '../../../lib/config'

export interface JsonResponse<T> {
  status: number
  body: T
}

/**
 * fetch + JSON. Network errors and 5xx/429 are retryable ProviderErrors; other 4xx are returned to
 * the caller (each provider has its own error envelope) unless `throwOn4xx` is set.
 */
export async function fetchJson<T = Record<string, unknown>>(
  provider: string,
  url: string,
  init: RequestInit & { throwOn4xx?: boolean; pass5xx?: boolean } = {},
): Promise<JsonResponse<T>> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(20_000) })
  } catch (err) {
    throw new ProviderError(`${provider}: ${err instanceof Error ? err.message : String(err)}`, true, 'network')
  }
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = { raw: text.slice(0, 500) }
  }
  if ((res.status >= 500 && !init.pass5xx) || res.status === 429) {
    throw new ProviderError(`${provider}: HTTP ${res.status} ${text.slice(0, 200)}`, true, `http_${res.status}`)
  }
  if (res.status >= 400 && init.throwOn4xx) {
    throw new ProviderError(`${provider}: HTTP ${res.status} ${text.slice(0, 300)}`, false, `http_${res.status}`)
  }
  return { status: res.status, body: body as T }
}

const encoder = new TextEncoder()

async function hmac(hash: 'SHA-256' | 'SHA-512', secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data)))
}

const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

export const hmacHex = async (hash: 'SHA-256' | 'SHA-512', secret: string, data: string) => toHex(await hmac(hash, secret, data))

/** Constant-time comparison of two strings (lengths are not secret). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  if (x.length !== y.length) return false
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}

/** Does `signature` (hex, any case) equal the HMAC of `body`? */
export async function verifyHmacHex(hash: 'SHA-256' | 'SHA-512', secret: string, body: string, signature: string | null): Promise<boolean> {
  if (!signature || !secret) return false
  return timingSafeEqual(await hmacHex(hash, secret, body), signature.trim().toLowerCase())
}

/**
 * ISO 4217 minor-unit exponents come from src/lib/money.ts (the one table); a provider that counts
 * a currency differently passes `overrides` (PayPal lists HUF and TWD as zero-decimal even though
 * ISO gives them 2).
 */
export const exponentOf = (currency: string, overrides: Record<string, number> = {}) => overrides[currency] ?? currencyExponent(currency)

/** 12345 USD → "123.45"; 500 JPY → "500". Integer arithmetic only. */
export function toDecimalString(amount: number, currency: string, overrides?: Record<string, number>): string {
  const exp = exponentOf(currency, overrides)
  if (exp === 0) return String(amount)
  const scale = 10 ** exp
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(amount)
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(exp, '0')}`
}

/** "123.45" USD → 12345; numbers (Chapa sends amounts as JSON numbers) are accepted too. NaN if unparsable. */
export function fromDecimal(value: string | number | null | undefined, currency: string, overrides?: Record<string, number>): number {
  if (value === null || value === undefined) return Number.NaN
  const exp = exponentOf(currency, overrides)
  const text = typeof value === 'number' ? value.toFixed(exp) : value.trim()
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text)
  if (!m) return Number.NaN
  const frac = (m[3] ?? '').padEnd(exp, '0')
  if (frac.length > exp && /[1-9]/.test(frac.slice(exp))) return Number.NaN
  const minor = Number(m[2]) * 10 ** exp + Number(frac.slice(0, exp) || '0')
  return m[1] ? -minor : minor
}

/** An absolute URL under `base` (the payment webhooks Worker or the storefront). */
export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`

/**
 * Where a redirect provider (PayPal, Paystack, Chapa) sends the shopper back: the storefront's
 * return page, carrying the order link's signature so a guest lands on their own order page.
 */
export async function paymentReturnUrl(env: ProviderEnv, orderId: string, provider: string, extra = ''): Promise<string> {
  const sig = await signOrderId(env, orderId)
  return joinUrl(config(env).APP_BASE_URL, `/orders/${encodeURIComponent(orderId)}/payment-return?provider=${provider}&sig=${sig}${extra}`)
}
