import { env } from 'cloudflare:test'
import { app } from '../../src/app'
import { BASE } from '../helpers'

/**
 * A request through the API app with some bindings replaced (a tiny rate limit, a Turnstile
 * secret), for behaviour the shared wrangler.toml configuration keeps off in tests.
 */
export async function apiWith(
  overrides: Record<string, unknown>,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await app.request(
    `${BASE}${path}`,
    {
      method,
      headers: { ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    },
    { ...env, ...overrides },
  )
  const text = await res.text()
  let body: any = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // leave as text
  }
  return { status: res.status, body, headers: res.headers }
}
