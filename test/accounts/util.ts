import { env } from 'cloudflare:test'
import { api } from '../helpers'
import { sha256Hex } from '../../src/lib/ids'

export const PASSWORD = 'correct horse battery'

let n = 0
/** A fresh email per call, so tests in one file never collide. */
export const uniqueEmail = (tag = 'user') => `${tag}-${Date.now().toString(36)}-${++n}@example.test`

/** A fresh client IP per call, so the per-IP throttle of one test never leaks into another. */
export const uniqueIp = () => `198.51.100.${++n % 250}-${n}`

export interface Tokens {
  user: { id: string; email: string; role: string; name: string }
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
}

/** A token response, or an error envelope: tests read whichever the status says. */
export type AuthBody = Tokens & { error: { code: string; message: string; details?: { path?: string; message: string }[] } }

/** Sign up (202, whatever the address) and sign in: the token pair of the new account. */
export async function register(opts: { email?: string; password?: string; name?: string } = {}) {
  const email = opts.email ?? uniqueEmail()
  const password = opts.password ?? PASSWORD
  const res = await api('POST', '/api/v1/auth/register', { body: { email, password, name: opts.name ?? 'Ann Lee' } })
  if (res.status !== 202) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`)
  const signedIn = await login(email, password)
  if (signedIn.status !== 200) throw new Error(`sign-in after register failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`)
  return signedIn.body as Tokens
}

export const login = (email: string, password = PASSWORD, ip = uniqueIp()) =>
  api<AuthBody>('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'CF-Connecting-IP': ip } })

export const refresh = (refresh_token: string) => api<AuthBody>('POST', '/api/v1/auth/refresh', { body: { refresh_token } })

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** Rewrite a stored refresh token's expiry, straight in D1. */
export async function setRefreshExpiry(token: string, expiresAt: string) {
  await env.DB.prepare('UPDATE refresh_tokens SET expires_at = ? WHERE token_hash = ?')
    .bind(expiresAt, await sha256Hex(token))
    .run()
}
