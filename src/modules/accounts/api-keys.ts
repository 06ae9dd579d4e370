import { and, desc, eq, isNull } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import { getDb, type DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { base64url, newId, sha256Hex } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { API_KEY_PATTERN, type ApiScope } from './scopes'
import { apiKeys } from './api-key-tables'
import { users } from './tables'

/** last_used_at is written at most this often per key, so a busy integration does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000

export interface ApiKeyView {
  id: string
  name: string
  mode: 'live' | 'test'
  start: string
  scopes: ApiScope[]
  created_by: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

const view = (r: typeof apiKeys.$inferSelect): ApiKeyView => ({
  id: r.id,
  name: r.name,
  mode: r.mode,
  start: r.start,
  scopes: JSON.parse(r.scopes) as ApiScope[],
  created_by: r.createdBy,
  created_at: r.createdAt,
  last_used_at: r.lastUsedAt,
  revoked_at: r.revokedAt,
})

/** Production mints `ec_live_` keys, every other environment `ec_test_` ones. */
export const keyMode = (env: Pick<Env, 'ENVIRONMENT'>): 'live' | 'test' => (env.ENVIRONMENT === 'production' ? 'live' : 'test')

/** Create a key; the full key is in the answer only this once (only its hash is stored). */
export async function createApiKey(
  env: Pick<Env, 'ENVIRONMENT'>,
  db: DB,
  admin: AuthUser,
  input: { name: string; scopes: ApiScope[] },
): Promise<ApiKeyView & { key: string }> {
  const mode = keyMode(env)
  const key = `ec_${mode}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`
  const row = {
    id: newId('key'),
    name: input.name,
    mode,
    start: key.slice(0, 12),
    keyHash: await sha256Hex(key),
    scopes: JSON.stringify([...new Set(input.scopes)].sort()),
    createdBy: admin.id,
    createdAt: nowIso(),
    lastUsedAt: null,
    revokedAt: null,
  }
  await db.insert(apiKeys).values(row)
  return { ...view(row), key }
}

export async function listApiKeys(db: DB): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(500)
  return rows.map(view)
}

/** Revoke a key (idempotent: revoking twice keeps the first time). */
export async function revokeApiKey(db: DB, id: string): Promise<ApiKeyView> {
  await db
    .update(apiKeys)
    .set({ revokedAt: nowIso() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
  const row = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get()
  if (!row) throw notFound('API key')
  return view(row)
}

/**
 * The principal behind an API key, or 401: unknown, malformed, revoked, or its creator disabled or
 * no longer an admin. Records the use (at most once a minute per key).
 */
export async function verifyApiKey(env: Pick<Env, 'DB'>, key: string): Promise<AuthUser> {
  if (!API_KEY_PATTERN.test(key)) throw new AppError('invalid_token', 'API key is invalid')
  const db = getDb(env)
  const row = await db
    .select({ key: apiKeys, role: users.role, email: users.email, disabledAt: users.disabledAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.keyHash, await sha256Hex(key)))
    .get()
  if (!row) throw new AppError('invalid_token', 'API key is invalid')
  if (row.key.revokedAt) throw new AppError('invalid_token', 'API key has been revoked')
  if (row.disabledAt || row.role !== 'admin') throw new AppError('invalid_token', 'API key owner is no longer an active admin')
  const now = Date.now()
  if (!row.key.lastUsedAt || Date.parse(row.key.lastUsedAt) < now - LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: nowIso(now) })
      .where(eq(apiKeys.id, row.key.id))
  }
  return { id: row.key.createdBy, role: 'staff', email: row.email, apiKey: { id: row.key.id, scopes: JSON.parse(row.key.scopes) } }
}
