import type { DB } from '../../lib/db'
import { domainEvent, publishEvent } from '../../lib/events'
import { captureException, log } from '../../lib/observability'
import { consumeActionToken, issueActionToken, retireActionTokens } from './action-tokens'
import { getActiveUserById, getUserByEmail, markEmailVerified, normalizeEmail, setPassword } from './service'
import { beginAttempt } from './throttle'
import { accountLink, invalidLink } from './verification'

/** Reset links are valid for an hour. */
export const PASSWORD_RESET_TTL_SECONDS = 3600
/** Per throttle window (15 minutes): requests per email address, and per client IP. */
export const PASSWORD_RESET_MAX_PER_EMAIL = 3
export const PASSWORD_RESET_MAX_PER_IP = 20

/**
 * Start a password reset. The answer never depends on whether the address has an account (the
 * route always says 202): throttles count every address, and unknown or disabled accounts simply
 * get no email. The raw token travels only in the queue message.
 */
export async function requestPasswordReset(
  env: Pick<Env, 'NOTIFICATIONS_QUEUE' | 'APP_BASE_URL'>,
  db: DB,
  input: { email: string; ip: string },
): Promise<void> {
  const email = normalizeEmail(input.email)
  await beginAttempt(db, [
    { key: `pwreset-email:${email}`, max: PASSWORD_RESET_MAX_PER_EMAIL, over: 'block' },
    { key: `pwreset-ip:${input.ip}`, max: PASSWORD_RESET_MAX_PER_IP, over: 'block' },
  ])
  const user = await getUserByEmail(db, email)
  if (!user || user.disabled) return
  const { token, expiresAt } = await issueActionToken(db, {
    userId: user.id,
    email: user.email,
    purpose: 'password_reset',
    ttlSeconds: PASSWORD_RESET_TTL_SECONDS,
  })
  try {
    await publishEvent(
      env,
      domainEvent('account.password_reset_requested', {
        user_id: user.id,
        email: user.email,
        link: accountLink(env, '/reset-password', token),
        expires_at: expiresAt,
      }),
    )
  } catch (err) {
    // Answering differently would reveal that the account exists; the user can simply ask again.
    log('error', 'account.password_reset_requested not published', { user_id: user.id, error: String(err) })
    captureException(err)
  }
}

/**
 * Finish a reset: spend the token (one conditional UPDATE, so it works exactly once), set the new
 * password and revoke every refresh token the user holds, then retire their other reset links.
 * Receiving the link also proves the mailbox, so an unverified address becomes verified.
 */
export async function confirmPasswordReset(
  env: Pick<Env, 'AUTH_STATE' | 'ACCESS_TOKEN_TTL_SECONDS'>,
  db: DB,
  input: { token: string; newPassword: string },
): Promise<void> {
  const spent = await consumeActionToken(db, input.token, 'password_reset')
  if (!spent) throw invalidLink()
  const user = await getActiveUserById(db, spent.userId)
  if (!user) throw invalidLink()
  await setPassword(env, db, user.id, input.newPassword)
  await retireActionTokens(db, user.id, 'password_reset')
  if (user.email === spent.email) await markEmailVerified(db, user.id)
}
