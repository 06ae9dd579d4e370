import { createMiddleware } from 'hono/factory'
import type { AppEnv, AuthUser, Role } from '../../lib/context'
import { AppError, forbidden, unauthorized } from '../../lib/errors'
import { bearerSecurity } from '../../lib/openapi-schemas'
import { rateLimitUser, spend } from '../../lib/ratelimit'
import { verifyApiKey } from './api-keys'
import { looksLikeApiKey, type ApiScope } from './scopes'
import { verifyAccessToken } from './tokens'

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) throw new AppError('invalid_token', 'Authorization header must be "Bearer <token>"')
  return match[1]
}

/**
 * Sets `c.var.user` when a valid token is present; a present-but-bad token is still a 401. An API
 * key is checked and rate-limited but the request proceeds as anonymous (keys reach only the
 * routes that declare scopes).
 */
export const optionalAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('Authorization'))
  if (token && looksLikeApiKey(token)) {
    const principal = await verifyApiKey(c.env, token)
    await spend(c, `key:${principal.apiKey!.id}`)
    c.set('user', undefined)
    return next()
  }
  const user = token ? await verifyAccessToken(c.env, token) : undefined
  if (user) await rateLimitUser(c, user)
  c.set('user', user)
  await next()
})

/**
 * 401 unless a valid, unrevoked access token or API key (`ec_live_…`/`ec_test_…`) is present. A user
 * token: with roles, 403 unless the caller has one of them. An API key: 403 unless the route
 * declares `scopes` and the key holds every one of them (a route without scopes is closed to keys).
 * Then the rate limit of the request's tier, per user or per key (429). The middleware carries its
 * `roles` and `scopes` so createRouter can publish them in /openapi.json (`x-roles`, `x-scopes`).
 * Routes do not call it: they spread authRoute({ roles, scopes }) (below), which sets this middleware
 * and the OpenAPI `security` from the same lists (test/architecture.test.ts checks).
 */
export const requireAuthWith = ({ roles = [], scopes = [] }: { roles?: readonly Role[]; scopes?: readonly ApiScope[] }) =>
  Object.assign(
    createMiddleware<AppEnv>(async (c, next) => {
      const token = bearer(c.req.header('Authorization'))
      if (!token) throw unauthorized()
      if (looksLikeApiKey(token)) {
        const principal = await verifyApiKey(c.env, token)
        if (!scopes.length) throw forbidden('API keys cannot call this route')
        const missing = scopes.filter((s) => !principal.apiKey!.scopes.includes(s))
        if (missing.length) throw forbidden(`This API key lacks the scope ${missing.join(', ')}`)
        await spend(c, `key:${principal.apiKey!.id}`)
        c.set('user', principal)
        return next()
      }
      const user = await verifyAccessToken(c.env, token)
      if (roles.length && !roles.includes(user.role)) throw forbidden()
      await rateLimitUser(c, user)
      c.set('user', user)
      await next()
    }),
    { roles, scopes },
  )

/**
 * A route's security, declared once: spread into `createRoute({ ...authRoute({ roles, scopes }), … })`
 * to get the OpenAPI `security` entry and the middleware that enforces it (401 without a valid token,
 * 403 for a role outside `roles`; no `roles` admits every signed-in user). With `scopes`, API keys
 * holding all of them are admitted too, and the operation lists the second scheme (`apiKeyAuth`).
 * It lives here, not in src/lib/router.ts, because lib imports no module; createRouter (lib) reads
 * the middleware's `roles` and `scopes` to publish `x-roles` / `x-scopes`.
 */
export function authRoute({ roles = [], scopes = [] }: { roles?: readonly Role[]; scopes?: readonly ApiScope[] } = {}) {
  const security = scopes.length ? [...bearerSecurity, { apiKeyAuth: [...scopes] }] : bearerSecurity
  return { security, middleware: requireAuthWith({ roles, scopes }) }
}

/** The signed-in user inside a handler behind authRoute. */
export function currentUser(c: { get(key: 'user'): AuthUser | undefined }): AuthUser {
  const user = c.get('user')
  if (!user) throw unauthorized()
  return user
}

export const isStaff = (user: AuthUser | undefined) => user?.role === 'staff' || user?.role === 'admin'
