import { index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './tables'

/**
 * Single-use tokens mailed to a user: email verification and password reset. Only the SHA-256 of
 * the token is stored; the raw token exists in the queue message and the email, nowhere else.
 * A token is consumed by one conditional UPDATE (used_at IS NULL AND expires_at > now).
 */
export const accountActionTokens = sqliteTable(
  'account_action_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify_email', 'password_reset'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The address the token was mailed to; verification only counts if it is still the user's email. */
    email: text('email').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('account_action_tokens_hash_unique').on(t.tokenHash),
    index('account_action_tokens_user_idx').on(t.userId, t.purpose, t.createdAt),
  ],
)
