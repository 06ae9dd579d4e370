import { createMiddleware } from 'hono/factory'
import type { AppEnv, AuthUser, Role } from '../../lib/context'
import { AppError, forbidden, unauthorized } from '../../lib/errors'
import { rateLimitUser } from '../../lib/ratelimit'
import { verifyAccessToken } from './tokens'

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) throw new AppError('invalid_token', 'Authorization header must be "Bearer <token>"')
  return match[1]
}

/** Sets `c.var.user` when a valid token is present; a present-but-bad token is still a 401. */
export const optionalAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('Authorization'))
  const user = token ? await verifyAccessToken(c.env, token) : undefined
  if (user) await rateLimitUser(c, user)
  c.set('user', user)
  await next()
})

/**
 * 401 unless a valid, unrevoked access token is present; with roles, 403 unless the caller has one
 * of them; then the per-user rate limit of the request's tier (429). The middleware carries its
 * `roles` so createRouter can publish them in /openapi.json (`x-roles`).
 */
export const requireAuth = (...roles: Role[]) =>
  Object.assign(
    createMiddleware<AppEnv>(async (c, next) => {
      const token = bearer(c.req.header('Authorization'))
      if (!token) throw unauthorized()
      const user = await verifyAccessToken(c.env, token)
      if (roles.length && !roles.includes(user.role)) throw forbidden()
      await rateLimitUser(c, user)
      c.set('user', user)
      await next()
    }),
    { roles: roles as readonly Role[] },
  )

/** The signed-in user inside a handler behind requireAuth. */
export function currentUser(c: { get(key: 'user'): AuthUser | undefined }): AuthUser {
  const user = c.get('user')
  if (!user) throw unauthorized()
  return user
}

export const isStaff = (user: AuthUser | undefined) => user?.role === 'staff' || user?.role === 'admin'
