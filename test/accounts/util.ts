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

export async function register(opts: { email?: string; password?: string; name?: string } = {}) {
  const res = await api<Tokens>('POST', '/api/v1/auth/register', {
    body: { email: opts.email ?? uniqueEmail(), password: opts.password ?? PASSWORD, name: opts.name ?? 'Ann Lee' },
  })
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
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
