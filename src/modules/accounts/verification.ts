import type { DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { domainEvent, publishEvent } from '../../lib/events'
import { consumeActionToken, issueActionToken } from './action-tokens'
import { getActiveUserById, markEmailVerified } from './service'
import { beginAttempt } from './throttle'
import { config } from '../../lib/config'

/** Verification links are valid for a day. */
export const VERIFY_EMAIL_TTL_SECONDS = 24 * 3600
/** Verification emails one user may ask for per throttle window (15 minutes). */
export const VERIFY_EMAIL_MAX_REQUESTS = 5

export const invalidLink = () => new AppError('invalid_token', 'This link is invalid, has expired or has already been used')

export const accountLink = (env: Pick<Env, 'APP_BASE_URL'>, path: string, token: string) =>
  `${config(env).APP_BASE_URL}${path}?token=${encodeURIComponent(token)}`

/**
 * Mail the signed-in user a link proving they own their address. The raw token travels only in
 * the `account.email_verification_requested` event; the notifications consumer emails it.
 */
export async function requestEmailVerification(
  env: Pick<Env, 'NOTIFICATIONS_QUEUE' | 'APP_BASE_URL'>,
  db: DB,
  userId: string,
): Promise<{ expires_at: string }> {
  const user = await getActiveUserById(db, userId)
  if (!user) throw new AppError('unauthorized', 'This account no longer exists or is disabled')
  if (user.email_verified_at) throw new AppError('conflict', 'This email address is already verified')
  await beginAttempt(db, [{ key: `verify-email:${user.id}`, max: VERIFY_EMAIL_MAX_REQUESTS, over: 'block' }])
  const { token, expiresAt } = await issueActionToken(db, {
    userId: user.id,
    email: user.email,
    purpose: 'verify_email',
    ttlSeconds: VERIFY_EMAIL_TTL_SECONDS,
  })
  await publishEvent(
    env,
    domainEvent('account.email_verification_requested', {
      user_id: user.id,
      email: user.email,
      link: accountLink(env, '/verify-email', token),
      expires_at: expiresAt,
    }),
  )
  return { expires_at: expiresAt }
}

/**
 * Spend a verification token. It only verifies the address it was mailed to: if the user has
 * changed their email since, the link is refused.
 */
export async function confirmEmailVerification(db: DB, token: string): Promise<{ user_id: string; email: string }> {
  const spent = await consumeActionToken(db, token, 'verify_email')
  if (!spent) throw invalidLink()
  const user = await getActiveUserById(db, spent.userId)
  if (!user || user.email !== spent.email) throw invalidLink()
  await markEmailVerified(db, user.id)
  return { user_id: user.id, email: user.email }
}
