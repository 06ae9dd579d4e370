/**
 * Service accounts: users that own records created by integrations (e.g. orders imported from a
 * marketplace) rather than by a person. They cannot sign in — the password hash is not a PBKDF2
 * hash and the account is disabled — and they are created once per key, race-free.
 */
import { eq } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { users } from './tables'

/** The id of the service user with this email, created on first use. Email must be unique to it. */
export async function ensureServiceUser(db: DB, email: string, name: string): Promise<string> {
  const normalized = email.trim().toLowerCase()
  const now = nowIso()
  await db
    .insert(users)
    .values({
      id: newId('usr'),
      email: normalized,
      name,
      role: 'customer',
      passwordHash: '!service-account',
      passwordSalt: '!',
      passwordIterations: 1,
      disabledAt: now,
      createdAt: now,
      updatedAt: now,
    })
    // Concurrent first uses both insert; the unique email index keeps one and the other reads it.
    .onConflictDoNothing({ target: users.email })
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalized))
  if (!row) throw new Error(`service user ${normalized} could not be created`)
  return row.id
}
