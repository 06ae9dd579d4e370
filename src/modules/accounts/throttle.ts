import { eq, inArray, lte, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import { loginThrottle } from './tables'

/** Failed sign-ins allowed per fixed window; the next attempt answers 429 until the window ends. */
export const LOGIN_THROTTLE = {
  windowSeconds: 15 * 60,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
} as const

export interface ThrottleKey {
  key: string
  max: number
}

export const emailKey = (email: string): ThrottleKey => ({ key: `email:${email}`, max: LOGIN_THROTTLE.maxFailuresPerEmail })
export const ipKey = (ip: string): ThrottleKey => ({ key: `ip:${ip}`, max: LOGIN_THROTTLE.maxFailuresPerIp })

const windowCutoff = (now: number) => nowIso(now - LOGIN_THROTTLE.windowSeconds * 1000)

/** One atomic upsert: count one more in the current window, or start a new window at 1. */
function bump(db: DB, key: string, now: number) {
  const cutoff = windowCutoff(now)
  const expired = sql`${loginThrottle.windowStart} <= ${cutoff}`
  return db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStart: nowIso(now) })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN excluded.window_start ELSE ${loginThrottle.windowStart} END`,
      },
    })
    .returning({ key: loginThrottle.key, failures: loginThrottle.failures, windowStart: loginThrottle.windowStart })
}

/** Give one counted attempt back (it turned out not to be a failure). */
function refund(db: DB, key: string) {
  return db
    .update(loginThrottle)
    .set({ failures: sql`MAX(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key))
}

/**
 * Count an attempt against every key *before* checking the password, so concurrent guesses each
 * see their own count and a burst cannot slip past the limit. Throws 429 with Retry-After when any
 * key is over its limit (that attempt is not counted). The caller settles the attempt afterwards
 * with `attemptSucceeded` or leaves it counted as a failure.
 */
export async function beginAttempt(db: DB, keys: ThrottleKey[], now = Date.now()): Promise<void> {
  const [first, ...rest] = keys.map((k) => bump(db, k.key, now))
  if (!first) return
  const results = await db.batch([first, ...rest])
  let retryAfter = 0
  results.forEach((rows, i) => {
    const row = rows[0]
    const limit = keys[i]!
    if (row && row.failures > limit.max) {
      const ends = Date.parse(row.windowStart) + LOGIN_THROTTLE.windowSeconds * 1000
      retryAfter = Math.max(retryAfter, Math.ceil((ends - now) / 1000), 1)
    }
  })
  if (retryAfter > 0) {
    const [r, ...rs] = keys.map((k) => refund(db, k.key))
    await db.batch([r!, ...rs])
    throw new AppError(
      'rate_limited',
      `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`,
      [{ message: 'retry later', retry_after_seconds: retryAfter }],
      { 'Retry-After': String(retryAfter) },
    )
  }
}

/** A correct password: the email's failures are forgotten, the other keys get this attempt back. */
export async function attemptSucceeded(db: DB, clear: ThrottleKey[], refunded: ThrottleKey[]): Promise<void> {
  const statements = [
    ...(clear.length ? [db.delete(loginThrottle).where(inArray(loginThrottle.key, clear.map((k) => k.key)))] : []),
    ...refunded.map((k) => refund(db, k.key)),
  ]
  const [first, ...rest] = statements
  if (first) await db.batch([first, ...rest])
}

/** Rows whose window has ended carry no information any more. */
export async function purgeStaleThrottles(db: DB, now = Date.now()): Promise<number> {
  const result = await db.delete(loginThrottle).where(lte(loginThrottle.windowStart, windowCutoff(now))).run()
  return result.meta.changes ?? 0
}
