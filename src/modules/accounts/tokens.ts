import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import type { AuthUser, Role } from '../../lib/context'
import { AppError } from '../../lib/errors'

const ISSUER = 'edge-commerce'
const AUDIENCE = 'edge-commerce-api'
const ROLES: readonly Role[] = ['customer', 'seller', 'staff', 'admin']

const key = (env: Pick<Env, 'JWT_SECRET'>) => {
  if (!env.JWT_SECRET || env.JWT_SECRET.length < 32) throw new Error('JWT_SECRET must be set (32+ characters)')
  return new TextEncoder().encode(env.JWT_SECRET)
}

/** A short-lived HS256 access token carrying the user id, role and email. */
export async function signAccessToken(
  env: Pick<Env, 'JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS'>,
  user: AuthUser,
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = Number(env.ACCESS_TOKEN_TTL_SECONDS) || 900
  const token = await new SignJWT({ role: user.role, email: user.email })
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
 * fail; expired, tampered or foreign tokens all answer 401 invalid_token.
 */
export async function verifyAccessToken(env: Pick<Env, 'JWT_SECRET'>, token: string): Promise<AuthUser> {
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
    return { id: payload.sub, role, email: payload.email }
  } catch (err) {
    if (err instanceof AppError) throw err
    const message = err instanceof joseErrors.JWTExpired ? 'Access token has expired' : 'Access token is invalid'
    throw new AppError('invalid_token', message)
  }
}
