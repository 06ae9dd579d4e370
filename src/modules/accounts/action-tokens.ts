import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { newId, randomToken, sha256Hex } from '../../lib/ids'
import { addSeconds, nowIso } from '../../lib/time'
import { accountActionTokens } from './action-token-tables'

export type ActionPurpose = (typeof accountActionTokens.$inferSelect)['purpose']

/**
 * Issue a single-use token for `purpose`. The raw token is returned once, to be put in the link
 * that is mailed; the database keeps only its SHA-256.
 */
export async function issueActionToken(
  db: DB,
  input: { userId: string; email: string; purpose: ActionPurpose; ttlSeconds: number },
): Promise<{ token: string; expiresAt: string }> {
  const token = randomToken(input.purpose === 'verify_email' ? 'vfy' : 'rst')
  const now = nowIso()
  const expiresAt = addSeconds(now, input.ttlSeconds)
  await db.insert(accountActionTokens).values({
    id: newId('act'),
    userId: input.userId,
    purpose: input.purpose,
    tokenHash: await sha256Hex(token),
    email: input.email,
    expiresAt,
    createdAt: now,
  })
  return { token, expiresAt }
}

/**
 * Spend a token: one conditional UPDATE that only matches an unused, unexpired token of this
 * purpose, so of two concurrent confirmations exactly one gets the row back. Unknown, used,
 * expired and wrong-purpose tokens are indistinguishable to the caller (null).
 */
export async function consumeActionToken(
  db: DB,
  token: string,
  purpose: ActionPurpose,
  now = nowIso(),
): Promise<{ userId: string; email: string } | null> {
  const [row] = await db
    .update(accountActionTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountActionTokens.tokenHash, await sha256Hex(token)),
        eq(accountActionTokens.purpose, purpose),
        isNull(accountActionTokens.usedAt),
        gt(accountActionTokens.expiresAt, now),
      ),
    )
    .returning({ userId: accountActionTokens.userId, email: accountActionTokens.email })
  return row ?? null
}

/** After a successful reset, the user's other outstanding links of the same purpose stop working. */
export async function retireActionTokens(db: DB, userId: string, purpose: ActionPurpose, now = nowIso()): Promise<void> {
  await db
    .update(accountActionTokens)
    .set({ usedAt: now })
    .where(and(eq(accountActionTokens.userId, userId), eq(accountActionTokens.purpose, purpose), isNull(accountActionTokens.usedAt)))
}

/** Cron: tokens that are spent or expired carry no information any more. */
export async function purgeSpentActionTokens(db: DB, now = nowIso()): Promise<number> {
  const result = await db
    .delete(accountActionTokens)
    .where(or(lt(accountActionTokens.expiresAt, now), isNotNull(accountActionTokens.usedAt)))
    .run()
  return result.meta.changes ?? 0
}
