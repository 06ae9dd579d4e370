import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import type { AppEnv } from './context'
import { AppError } from './errors'
import { log } from './observability'
import { config } from './config'

/**
 * Cloudflare Turnstile server-side validation. On only when TURNSTILE_SECRET_KEY is set (a
 * secret in staging/production); off under `npm start` and in tests unless a test sets it.
 * Clients send the widget's token in the `CF-Turnstile-Response` header.
 */
export interface TurnstileEnv {
  TURNSTILE_SECRET_KEY?: string
  /** https://challenges.cloudflare.com by default; the fake in fakes/turnstile.ts locally. */
  TURNSTILE_BASE_URL?: string
}

export const TURNSTILE_HEADER = 'CF-Turnstile-Response'

export const turnstileEnabled = (env: TurnstileEnv) => Boolean(env.TURNSTILE_SECRET_KEY)

const challengeError = (message: string, codes: string[] = []) =>
  new AppError('challenge_required', message, [{ path: `header.${TURNSTILE_HEADER}`, message, error_codes: codes }])

/**
 * Throws 403 challenge_required unless Turnstile is off or `token` verifies. A siteverify outage
 * fails closed (the same 403): a challenge that cannot be checked has not been passed.
 */
export async function verifyTurnstile(env: TurnstileEnv, token: string | undefined, ip?: string): Promise<void> {
  if (!turnstileEnabled(env)) return
  if (!token) throw challengeError(`A Turnstile token is required in the ${TURNSTILE_HEADER} header`)
  const base = config(env).TURNSTILE_BASE_URL
  let outcome: { success?: boolean; 'error-codes'?: string[] }
  try {
    const res = await fetch(`${base}/turnstile/v0/siteverify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ secret: env.TURNSTILE_SECRET_KEY, response: token, ...(ip && ip !== 'unknown' ? { remoteip: ip } : {}) }),
      signal: AbortSignal.timeout(5000),
    })
    outcome = res.ok ? await res.json() : { success: false, 'error-codes': [`http-${res.status}`] }
  } catch (err) {
    log('warn', 'turnstile siteverify unreachable', { error: String(err) })
    outcome = { success: false, 'error-codes': ['siteverify-unreachable'] }
  }
  if (outcome.success !== true) {
    const codes = outcome['error-codes'] ?? []
    if (codes.some((c) => c.includes('secret'))) log('error', 'turnstile secret rejected', { error_codes: codes })
    throw challengeError('The Turnstile challenge was not passed; solve it again', codes)
  }
}

/** The token a request carries and the client IP Cloudflare reports. */
export const turnstileInput = (c: Context) => ({
  token: c.req.header(TURNSTILE_HEADER) || undefined,
  ip: c.req.header('CF-Connecting-IP') || undefined,
})

/**
 * Route middleware: a valid Turnstile token is required (when Turnstile is on). With `guestsOnly`
 * a signed-in caller skips it (guest checkout vs a signed-in customer's): it must run after
 * optionalAuth, and only a verified user counts, so a made-up Authorization header does not.
 */
export const requireTurnstile = (opts: { guestsOnly?: boolean } = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!(opts.guestsOnly && c.get('user'))) {
      const { token, ip } = turnstileInput(c)
      await verifyTurnstile(c.env as TurnstileEnv, token, ip)
    }
    await next()
  })
