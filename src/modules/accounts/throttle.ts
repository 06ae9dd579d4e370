import { eq, inArray, lte, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import { loginThrottle } from './tables'

/**
 * Failed sign-ins counted per fixed window. Only the pair (account, client IP) is ever locked, so
 * nobody can lock a victim out from their own addresses. Past the softer per-account and per-IP
 * thresholds a sign-in needs a Turnstile token (when Turnstile is on) instead of being refused.
 */
export const LOGIN_THROTTLE = {
  windowSeconds: 15 * 60,
  /** Then 429 for this account from this IP until the window ends. */
  maxFailuresPerAccountAndIp: 5,
  /** Then every sign-in to this account, from anywhere, needs a Turnstile token. */
  challengeAfterAccountFailures: 10,
  /** Then every sign-in from this IP needs a Turnstile token. */
  challengeAfterIpFailures: 20,
  /** Wrong current passwords on the (signed-in) password change: then 429. */
  maxPasswordChangeFailures: 5,
} as const

export interface ThrottleKey {
  key: string
  max: number
  /** block: 429 over the limit; challenge: the caller must pass a Turnstile challenge. */
  over: 'block' | 'challenge'
}

export const accountIpKey = (email: string, ip: string): ThrottleKey => ({
  key: `email+ip:${email}|${ip}`,
  max: LOGIN_THROTTLE.maxFailuresPerAccountAndIp,
  over: 'block',
})
export const accountKey = (email: string): ThrottleKey => ({
  key: `email:${email}`,
  max: LOGIN_THROTTLE.challengeAfterAccountFailures,
  over: 'challenge',
})
export const ipKey = (ip: string): ThrottleKey => ({ key: `ip:${ip}`, max: LOGIN_THROTTLE.challengeAfterIpFailures, over: 'challenge' })
export const passwordChangeKey = (userId: string): ThrottleKey => ({
  key: `pwchange:${userId}`,
  max: LOGIN_THROTTLE.maxPasswordChangeFailures,
  over: 'block',
})

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

/** Give the attempt back on every key (it was refused before the password was checked). */
export async function cancelAttempt(db: DB, keys: ThrottleKey[]): Promise<void> {
  const [r, ...rs] = keys.map((k) => refund(db, k.key))
  if (r) await db.batch([r, ...rs])
}

/**
 * Count an attempt against every key *before* checking the password, so concurrent guesses each
 * see their own count and a burst cannot slip past the limit. Throws 429 with Retry-After when a
 * `block` key is over its limit (that attempt is not counted). Returns `challenge: true` when a
 * `challenge` key is over its limit. The caller settles the attempt afterwards with
 * `attemptSucceeded`, gives it back with `cancelAttempt`, or leaves it counted as a failure.
 */
export async function beginAttempt(db: DB, keys: ThrottleKey[], now = Date.now()): Promise<{ challenge: boolean }> {
  const [first, ...rest] = keys.map((k) => bump(db, k.key, now))
  if (!first) return { challenge: false }
  const results = await db.batch([first, ...rest])
  let retryAfter = 0
  let challenge = false
  results.forEach((rows, i) => {
    const row = rows[0]
    const limit = keys[i]!
    if (!row || row.failures <= limit.max) return
    if (limit.over === 'challenge') {
      challenge = true
      return
    }
    const ends = Date.parse(row.windowStart) + LOGIN_THROTTLE.windowSeconds * 1000
    retryAfter = Math.max(retryAfter, Math.ceil((ends - now) / 1000), 1)
  })
  if (retryAfter > 0) {
    await cancelAttempt(db, keys)
    throw new AppError(
      'rate_limited',
      `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`,
      [{ message: 'retry later', retry_after_seconds: retryAfter }],
      { 'Retry-After': String(retryAfter) },
    )
  }
  return { challenge }
}

/** A correct password: the `clear` keys' failures are forgotten, the `refunded` keys get this attempt back. */
export async function attemptSucceeded(db: DB, clear: ThrottleKey[], refunded: ThrottleKey[]): Promise<void> {
  const statements = [
    ...(clear.length
      ? [
          db.delete(loginThrottle).where(
            inArray(
              loginThrottle.key,
              clear.map((k) => k.key),
            ),
          ),
        ]
      : []),
    ...refunded.map((k) => refund(db, k.key)),
  ]
  const [first, ...rest] = statements
  if (first) await db.batch([first, ...rest])
}

/** Rows whose window has ended carry no information any more. */
export async function purgeStaleThrottles(db: DB, now = Date.now()): Promise<number> {
  const result = await db
    .delete(loginThrottle)
    .where(lte(loginThrottle.windowStart, windowCutoff(now)))
    .run()
  return result.meta.changes ?? 0
}
