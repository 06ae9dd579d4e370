import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import type { AuthUser, Role } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { isAccessRevoked } from './revocation'
import { config } from '../../lib/config'

const ISSUER = 'edge-commerce'
const AUDIENCE = 'edge-commerce-api'
const ROLES: readonly Role[] = ['customer', 'seller', 'staff', 'admin']

const key = (env: Pick<Env, 'JWT_SECRET'>) => {
  if (!env.JWT_SECRET || env.JWT_SECRET.length < 32) throw new Error('JWT_SECRET must be set (32+ characters)')
  return new TextEncoder().encode(env.JWT_SECRET)
}

/**
 * A short-lived HS256 access token carrying the user id, role and email, plus `sid` (the sign-in it
 * belongs to) and `ims` (issue time in ms) so revocation can refuse it before it expires.
 */
export async function signAccessToken(
  env: Pick<Env, 'JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS'>,
  user: AuthUser,
  session: { sid?: string } = {},
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = config(env).ACCESS_TOKEN_TTL_SECONDS
  const claims: Record<string, unknown> = { role: user.role, email: user.email, ims: Date.now() }
  if (session.sid) claims.sid = session.sid
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${expiresIn}s`)
    .sign(key(env))
  return { token, expiresIn }
}

/**
 * Verify an access token. Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens
 * fail; expired, tampered or foreign tokens all answer 401 invalid_token, and so does a token
 * revoked by logout, disable, role change or refresh-token reuse (checked in KV, not D1).
 */
export async function verifyAccessToken(env: Pick<Env, 'JWT_SECRET' | 'AUTH_STATE'>, token: string): Promise<AuthUser> {
  const user = await verifySignature(env, token)
  if (await isAccessRevoked(env, user.revocation)) throw new AppError('invalid_token', 'Access token has been revoked')
  return { id: user.id, role: user.role, email: user.email }
}

async function verifySignature(env: Pick<Env, 'JWT_SECRET'>, token: string) {
  try {
    const { payload } = await jwtVerify(token, key(env), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
    })
    const role = payload.role as Role
    if (typeof payload.sub !== 'string' || !ROLES.includes(role) || typeof payload.email !== 'string') {
      throw new AppError('invalid_token', 'Access token is malformed')
    }
    const issuedAtMs = typeof payload.ims === 'number' ? payload.ims : (payload.iat ?? 0) * 1000
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined
    return { id: payload.sub, role, email: payload.email, revocation: { userId: payload.sub, issuedAtMs, sid } }
  } catch (err) {
    if (err instanceof AppError) throw err
    const message = err instanceof joseErrors.JWTExpired ? 'Access token has expired' : 'Access token is invalid'
    throw new AppError('invalid_token', message)
  }
}
