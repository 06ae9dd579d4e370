/**
 * Access-token revocation without a D1 read per request.
 *
 * Two kinds of marker live in the AUTH_STATE KV namespace, each only as long as an access token
 * can live (after that every token it could refuse has expired anyway):
 * - `auth:user:<id>` holds the millisecond time of the user's last revocation (disabled, role
 *   changed, password changed). A token issued at or before it is refused.
 * - `auth:sid:<family>` marks one sign-in (refresh-token family) as ended (logout, refresh-token
 *   reuse). A token carrying that `sid` is refused.
 *
 * Both are read together (two KV gets in parallel) on every authenticated request. Why KV is
 * consistent enough: docs/security.md.
 */
import { config } from '../../lib/config'

type StateEnv = Pick<Env, 'AUTH_STATE' | 'ACCESS_TOKEN_TTL_SECONDS'>

const userKey = (userId: string) => `auth:user:${userId}`
const sidKey = (familyId: string) => `auth:sid:${familyId}`

/** KV's minimum expiration is 60 s; markers outlive the longest access token by a minute. */
const markerTtl = (env: Pick<Env, 'ACCESS_TOKEN_TTL_SECONDS'>) => Math.max(60, config(env).ACCESS_TOKEN_TTL_SECONDS + 60)

/** Every access token the user holds now stops working; tokens issued afterwards work. */
export async function revokeUserAccess(env: StateEnv, userId: string, at = Date.now()): Promise<void> {
  await env.AUTH_STATE.put(userKey(userId), String(at), { expirationTtl: markerTtl(env) })
}

/** The access tokens of one sign-in (refresh-token family) stop working. */
export async function revokeSessionAccess(env: StateEnv, familyId: string): Promise<void> {
  await env.AUTH_STATE.put(sidKey(familyId), '1', { expirationTtl: markerTtl(env) })
}

/** True when a token for `userId` issued at `issuedAtMs` (from sign-in `sid`) has been revoked. */
export async function isAccessRevoked(
  env: Pick<Env, 'AUTH_STATE'>,
  token: { userId: string; issuedAtMs: number; sid?: string },
): Promise<boolean> {
  const [revokedAt, sidEnded] = await Promise.all([
    env.AUTH_STATE.get(userKey(token.userId)),
    token.sid ? env.AUTH_STATE.get(sidKey(token.sid)) : Promise.resolve(null),
  ])
  if (sidEnded !== null) return true
  return revokedAt !== null && token.issuedAtMs <= Number(revokedAt)
}
