import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { newId, randomToken, sha256Hex } from '../../lib/ids'
import { addSeconds, nowIso } from '../../lib/time'
import type { PublicUser, TokenResponse } from './schema'
import { revokeSessionAccess, revokeUserAccess } from './revocation'
import { refreshTokens } from './tables'
import { signAccessToken } from './tokens'
import { config } from '../../lib/config'

type TokenEnv = Pick<Env, 'JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_SECONDS' | 'AUTH_STATE'>
type StateEnv = Pick<Env, 'AUTH_STATE' | 'ACCESS_TOKEN_TTL_SECONDS'>

export const refreshTtlSeconds = (env: Pick<Env, 'REFRESH_TOKEN_TTL_SECONDS'>) => config(env).REFRESH_TOKEN_TTL_SECONDS

const invalidRefresh = (message = 'Refresh token is invalid') => new AppError('invalid_token', message)

/** A fresh refresh-token row (not yet written) and the opaque token the client keeps. */
async function newRefreshToken(env: TokenEnv, userId: string, familyId: string) {
  const token = randomToken('rt')
  const now = nowIso()
  const row = {
    id: newId('rtk'),
    userId,
    familyId,
    tokenHash: await sha256Hex(token),
    expiresAt: addSeconds(now, refreshTtlSeconds(env)),
    createdAt: now,
  }
  return { token, row }
}

async function tokenResponse(env: TokenEnv, user: PublicUser, refreshToken: string, familyId: string): Promise<TokenResponse> {
  const access = await signAccessToken(env, { id: user.id, role: user.role, email: user.email }, { sid: familyId })
  return {
    user,
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    refresh_token: refreshToken,
  }
}

/** Sign-in: start a new refresh-token family for the user and return the token pair. */
export async function startSession(env: TokenEnv, db: DB, user: PublicUser): Promise<TokenResponse> {
  const familyId = newId('fam')
  const { token, row } = await newRefreshToken(env, user.id, familyId)
  await db.insert(refreshTokens).values(row)
  return tokenResponse(env, user, token, familyId)
}

/** End one sign-in: its refresh tokens (D1) and its access tokens (KV marker) stop working. */
export async function revokeFamily(env: StateEnv, db: DB, familyId: string, at = nowIso()): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
  await revokeSessionAccess(env, familyId)
}

/** Sign the user out everywhere: every refresh token and every access token they hold stops working. */
export async function revokeAllSessions(env: StateEnv, db: DB, userId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: nowIso() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
  await revokeUserAccess(env, userId)
}

/**
 * Rotate: consume the presented token and issue the next one in its family. The consume is one
 * conditional UPDATE, so of two concurrent refreshes with the same token exactly one wins; the
 * loser, like anyone presenting an already-used token, revokes the whole family because the token
 * has evidently been copied. `loadUser` re-reads the user so a role change or a disabled account
 * takes effect here rather than when the old access token expires.
 */
export async function rotateSession(
  env: TokenEnv,
  db: DB,
  presented: string,
  loadUser: (userId: string) => Promise<PublicUser | null>,
): Promise<TokenResponse> {
  const hash = await sha256Hex(presented)
  const row = await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, hash) })
  if (!row) throw invalidRefresh()
  const now = nowIso()
  if (row.revokedAt) throw invalidRefresh('Refresh token has been revoked')
  if (row.usedAt) {
    await revokeFamily(env, db, row.familyId, now)
    throw invalidRefresh('Refresh token was already used; every session from that sign-in has been signed out')
  }
  if (row.expiresAt <= now) throw invalidRefresh('Refresh token has expired')

  const consumed = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(refreshTokens.id, row.id),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        // A family revoked between our read and this write (logout, reuse elsewhere) stays revoked.
        sql`NOT EXISTS (SELECT 1 FROM refresh_tokens f WHERE f.family_id = ${row.familyId} AND f.revoked_at IS NOT NULL)`,
      ),
    )
    .run()
  if (!consumed.meta.changes) {
    await revokeFamily(env, db, row.familyId, now)
    throw invalidRefresh('Refresh token was already used; every session from that sign-in has been signed out')
  }

  const user = await loadUser(row.userId)
  if (!user) {
    await revokeFamily(env, db, row.familyId, now)
    throw invalidRefresh('This account is disabled')
  }
  const next = await newRefreshToken(env, row.userId, row.familyId)
  await db.insert(refreshTokens).values(next.row)
  return tokenResponse(env, user, next.token, row.familyId)
}

/** Sign out the session (family) the token belongs to. Unknown tokens are ignored: logout is idempotent. */
export async function endSession(env: StateEnv, db: DB, presented: string): Promise<void> {
  const hash = await sha256Hex(presented)
  const row = await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, hash) })
  if (row) await revokeFamily(env, db, row.familyId)
}

/**
 * Expired tokens can no longer be refreshed or replayed, so they can go. Used-but-unexpired rows
 * stay: they are how a replay of a rotated token is recognised.
 */
export async function purgeExpiredRefreshTokens(db: DB, now = nowIso()): Promise<number> {
  const result = await db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)).run()
  return result.meta.changes ?? 0
}
