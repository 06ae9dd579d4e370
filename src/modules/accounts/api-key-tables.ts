import { index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './tables'

/**
 * API keys for server-to-server integrations. Only the SHA-256 of the key is stored (the key has
 * 256 random bits, so a plain hash is enough); `start` is the first characters, kept to recognise a
 * key in lists and logs. The key acts for the admin who created it, limited to its scopes.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    mode: text('mode', { enum: ['live', 'test'] }).notNull(),
    start: text('start').notNull(),
    keyHash: text('key_hash').notNull(),
    /** JSON array of scopes, e.g. ["orders:read","products:write"]. */
    scopes: text('scopes').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_unique').on(t.keyHash), index('api_keys_created_idx').on(t.createdAt, t.id)],
)
