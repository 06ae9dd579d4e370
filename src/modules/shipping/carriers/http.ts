import { currencyExponent } from '../../../lib/money'
import { CarrierError, type CarrierName } from './types'

interface CachedToken {
  token: string
  expiresAt: number
}

/** Access tokens per (carrier, base URL, client id), reused until shortly before they expire. */
const tokens = new Map<string, CachedToken>()

/**
 * An OAuth 2.0 client-credentials token: cached per isolate, refreshed a minute before expiry,
 * dropped and fetched again once when the carrier answers 401 (rotated credentials, a restarted fake).
 */
export class TokenSource {
  constructor(
    private readonly carrier: CarrierName,
    private readonly key: string,
    private readonly fetchToken: () => Promise<{ access_token: string; expires_in: number }>,
  ) {}

  async get(): Promise<string> {
    const cached = tokens.get(this.key)
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token
    const got = await this.fetchToken()
    if (!got.access_token) throw new CarrierError(this.carrier, 502, 'token response without access_token')
    tokens.set(this.key, { token: got.access_token, expiresAt: Date.now() + Math.max(60, got.expires_in) * 1000 })
    return got.access_token
  }

  forget() {
    tokens.delete(this.key)
  }
}

/** A carrier account's credentials: its <CARRIER>_CLIENT_ID, _CLIENT_SECRET and _ACCOUNT_NUMBER vars. */
export interface CarrierCredentials {
  clientId?: string
  clientSecret?: string
  accountNumber?: string
}

/** All three credentials are set, so the adapter can be used (CarrierAdapter.configured). */
export const credentialsSet = (c: CarrierCredentials) => Boolean(c.clientId && c.clientSecret && c.accountNumber)

/**
 * The client-credentials token source of a carrier account at `base`: POSTs what `request` builds
 * (each carrier's own form and headers) to `base + path`; a network failure is a 503 CarrierError,
 * the answer is read by `read` (each carrier's own token shape).
 */
export function clientCredentialsTokens(
  carrier: CarrierName,
  base: string,
  creds: CarrierCredentials,
  path: string,
  request: () => { headers: Record<string, string>; body: string },
  read: (res: Response) => Promise<{ access_token: string; expires_in: number }>,
): TokenSource {
  return new TokenSource(carrier, `${carrier}|${base}|${creds.clientId}`, async () => {
    let res: Response
    try {
      res = await fetch(`${base}${path}`, { method: 'POST', ...request() })
    } catch (err) {
      throw new CarrierError(carrier, 503, `unreachable: ${String(err)}`)
    }
    return read(res)
  })
}

/** JSON (or the text) of a carrier response; throws CarrierError for a non-2xx answer. */
export async function carrierJson<T>(carrier: CarrierName, res: Response, errorText: (body: unknown) => string | undefined): Promise<T> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text for the message
  }
  if (!res.ok) {
    const message = errorText(body) ?? (typeof body === 'string' ? body.slice(0, 200) : `HTTP ${res.status}`)
    throw new CarrierError(carrier, res.status, message)
  }
  return body as T
}

/**
 * Call the carrier with a bearer token, retrying once with a fresh token after a 401. `signal`
 * aborts the request (the rate timeout).
 */
export async function authorizedFetch(
  carrier: CarrierName,
  tokens: TokenSource,
  url: string,
  init: RequestInit,
  signal?: AbortSignal,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.get()
    let res: Response
    try {
      res = await fetch(url, {
        ...init,
        signal,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      })
    } catch (err) {
      if (signal?.aborted) throw err
      throw new CarrierError(carrier, 503, `unreachable: ${String(err)}`)
    }
    if (res.status === 401 && attempt === 0) {
      tokens.forget()
      await res.body?.cancel()
      continue
    }
    return res
  }
}

/**
 * A carrier's decimal amount ("12.34" or 12.34) in integer minor units of `currency`, rounded
 * half up at the currency's exponent (carriers sometimes answer with more decimals).
 */
export function decimalToMinor(value: string | number, currency: string): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim()
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!m) return null
  const exp = currencyExponent(currency)
  const frac = (m[2] ?? '').padEnd(exp + 1, '0')
  let minor = Number(m[1]) * 10 ** exp + (exp ? Number(frac.slice(0, exp)) : 0)
  if (Number(frac[exp]) >= 5) minor += 1
  return Number.isSafeInteger(minor) ? minor : null
}

/** Grams as kilograms with at most one decimal, rounded up (carriers bill started tenths). */
export const kilograms = (grams: number) => (Math.ceil(Math.max(grams, 100) / 100) / 10).toFixed(1)

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64)
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}
