import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import { isUniqueViolation } from '../../lib/d1'
import { getDb, type DB } from '../../lib/db'
import { AppError, notFound, unauthorized } from '../../lib/errors'
import { domainEvent, publishEvent } from '../../lib/events'
import { newId } from '../../lib/ids'
import { captureException, log } from '../../lib/observability'
import { olderThanCursor, paginate, sortedKeyset, type KeysetOrder } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password'
import { passwordProblem } from './password-policy'
import {
  LOCALES,
  NOTIFICATION_CHANNELS,
  type AdminUpdateUserInput,
  type AdminUser,
  type AdminUserQuery,
  type PublicUser,
  type RegisterInput,
  type TokenResponse,
  type UpdateMeInput,
} from './schema'
import { endSession, purgeExpiredRefreshTokens, revokeAllSessions, rotateSession, startSession } from './sessions'
import {
  accountIpKey,
  accountKey,
  attemptSucceeded,
  beginAttempt,
  cancelAttempt,
  ipKey,
  passwordChangeKey,
  purgeStaleThrottles,
} from './throttle'
import { turnstileEnabled, verifyTurnstile, type TurnstileEnv } from '../../lib/turnstile'
import { revokeUserAccess } from './revocation'
import { issueActionToken } from './action-tokens'
import { PASSWORD_RESET_TTL_SECONDS } from './password-reset'
import { accountLink } from './verification'
import { users } from './tables'

export { revokeAllSessions } from './sessions'

type UserRow = typeof users.$inferSelect
type AuthEnv = Pick<Env, 'JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_SECONDS' | 'AUTH_STATE'>
type StateEnv = Pick<Env, 'AUTH_STATE' | 'ACCESS_TOKEN_TTL_SECONDS'>

/** Trimmed and lower-cased: the one form emails are stored and looked up in. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase()

function parseChannels(json: string): PublicUser['notification_channels'] {
  try {
    const value: unknown = JSON.parse(json)
    if (Array.isArray(value)) {
      return NOTIFICATION_CHANNELS.filter((c) => value.includes(c))
    }
  } catch {
    // a corrupt value falls back to the default below
  }
  return ['email']
}

/** The shape of a user that may leave this module: never the password hash or salt. */
export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    role: row.role,
    locale: (LOCALES as readonly string[]).includes(row.locale) ? (row.locale as PublicUser['locale']) : 'en',
    notification_channels: parseChannels(row.notificationChannels),
    telegram_chat_id: row.telegramChatId,
    email_verified_at: row.emailVerifiedAt,
  }
}

function toAdminUser(row: UserRow): AdminUser {
  return { ...toPublicUser(row), disabled_at: row.disabledAt, created_at: row.createdAt, updated_at: row.updatedAt }
}

const findRow = (db: DB, id: string) => db.query.users.findFirst({ where: eq(users.id, id) })

/** A user by id in the public shape, or null. Disabled users are returned too (see `disabled`). */
export async function getUserById(db: DB, id: string): Promise<PublicUser | null> {
  const row = await findRow(db, id)
  return row ? toPublicUser(row) : null
}

/** A user who may sign in: exists and is not disabled. */
export async function getActiveUserById(db: DB, id: string): Promise<PublicUser | null> {
  const row = await findRow(db, id)
  return row && !row.disabledAt ? toPublicUser(row) : null
}

/** Look a user up by email (any case); null when there is none. For password reset and similar flows. */
export async function getUserByEmail(db: DB, email: string): Promise<(PublicUser & { disabled: boolean }) | null> {
  const row = await db.query.users.findFirst({ where: eq(users.email, normalizeEmail(email)) })
  return row ? { ...toPublicUser(row), disabled: row.disabledAt !== null } : null
}

/** Record that the user proved they own their email address. */
export async function markEmailVerified(db: DB, userId: string): Promise<void> {
  const now = nowIso()
  await db
    .update(users)
    .set({ emailVerifiedAt: now, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
}

/** Replace the user's password and sign them out of every session (refresh-token family). */
export async function setPassword(env: StateEnv, db: DB, userId: string, password: string): Promise<void> {
  const row = await findRow(db, userId)
  if (row) assertPasswordAllowed(password, row.email, 'new_password')
  const hashed = await hashPassword(password)
  await db
    .update(users)
    .set({ passwordHash: hashed.hash, passwordSalt: hashed.salt, passwordIterations: hashed.iterations, updatedAt: nowIso() })
    .where(eq(users.id, userId))
  await revokeAllSessions(env, db, userId)
}

/** 400 validation_error when the password breaks the policy (including: it is the email). */
export function assertPasswordAllowed(password: string, email: string, path = 'password'): void {
  const problem = passwordProblem(password, email)
  if (problem) throw new AppError('validation_error', 'Invalid request body', [{ path, message: problem }])
}

const storedHash = (row: UserRow) => ({ hash: row.passwordHash, salt: row.passwordSalt, iterations: row.passwordIterations })

// ---------------------------------------------------------------- auth flows

/** Sign-up notices to an existing account's owner: at most this many per address per throttle window. */
export const SIGNUP_NOTICE_MAX_PER_EMAIL = 3

/**
 * Sign-up that does not reveal whether an address has an account: the caller always gets the same
 * answer (the route says 202) after the same work (the password policy check and one PBKDF2 hash).
 * A new address gets its account (`account.registered` is published; the client signs in next).
 * An address that already has an account gets nothing created; its owner is emailed that someone
 * tried to sign up with it, with a one-hour password-reset link (`account.signup_attempted`).
 */
export async function registerUser(
  env: Pick<Env, 'NOTIFICATIONS_QUEUE' | 'APP_BASE_URL'>,
  db: DB,
  input: RegisterInput,
): Promise<{ created: boolean }> {
  assertPasswordAllowed(input.password, input.email)
  const hashed = await hashPassword(input.password)
  const now = nowIso()
  const row: UserRow = {
    id: newId('usr'),
    email: normalizeEmail(input.email),
    name: input.name,
    phone: null,
    role: 'customer',
    passwordHash: hashed.hash,
    passwordSalt: hashed.salt,
    passwordIterations: hashed.iterations,
    locale: input.locale ?? 'en',
    notificationChannels: '["email"]',
    telegramChatId: null,
    emailVerifiedAt: null,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  }
  try {
    await db.insert(users).values(row)
  } catch (err) {
    // The unique index decides, so two concurrent registrations cannot both create the account.
    if (!isUniqueViolation(err, 'users')) throw err
    await noticeExistingAccount(env, db, row.email)
    return { created: false }
  }
  const user = toPublicUser(row)
  try {
    await publishEvent(
      env,
      domainEvent('account.registered', { user_id: user.id, email: user.email, name: user.name, locale: user.locale }),
    )
  } catch (err) {
    // The account exists; failing the request now would only make the client retry.
    log('error', 'account.registered not published', { user_id: user.id, error: String(err) })
    captureException(err)
  }
  return { created: true }
}

/** Email the owner of `email` that someone tried to sign up with it (throttled; never throws). */
async function noticeExistingAccount(env: Pick<Env, 'NOTIFICATIONS_QUEUE' | 'APP_BASE_URL'>, db: DB, email: string) {
  try {
    await beginAttempt(db, [{ key: `signup-notice:${email}`, max: SIGNUP_NOTICE_MAX_PER_EMAIL, over: 'block' }])
    const owner = await getUserByEmail(db, email)
    if (!owner || owner.disabled) return
    const { token, expiresAt } = await issueActionToken(db, {
      userId: owner.id,
      email: owner.email,
      purpose: 'password_reset',
      ttlSeconds: PASSWORD_RESET_TTL_SECONDS,
    })
    await publishEvent(
      env,
      domainEvent('account.signup_attempted', {
        user_id: owner.id,
        email: owner.email,
        link: accountLink(env, '/reset-password', token),
        expires_at: expiresAt,
      }),
    )
  } catch (err) {
    // Over the throttle, or the queue failed: the caller's answer must not change either way.
    if (!(err instanceof AppError && err.code === 'rate_limited')) {
      log('error', 'account.signup_attempted not published', { error: String(err) })
      captureException(err)
    }
  }
}

/**
 * Password sign-in. Unknown email and wrong password answer the same 401 after the same PBKDF2
 * work, and both count towards the throttles: (account, IP) locks after a few failures; past the
 * per-account or per-IP threshold a Turnstile token is required (when Turnstile is on).
 */
export async function login(
  env: AuthEnv & TurnstileEnv,
  db: DB,
  input: { email: string; password: string; ip: string; turnstileToken?: string },
): Promise<TokenResponse> {
  const email = normalizeEmail(input.email)
  const keys = [accountIpKey(email, input.ip), accountKey(email), ipKey(input.ip)]
  const { challenge } = await beginAttempt(db, keys)
  if (challenge && turnstileEnabled(env)) {
    try {
      await verifyTurnstile(env, input.turnstileToken, input.ip)
    } catch (err) {
      await cancelAttempt(db, keys)
      throw err
    }
  }
  const row = await db.query.users.findFirst({ where: eq(users.email, email) })
  const ok = await verifyPassword(input.password, row ? storedHash(row) : DUMMY_PASSWORD_HASH)
  if (!row || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect')
  await attemptSucceeded(db, keys.slice(0, 2), keys.slice(2))
  if (row.disabledAt) throw new AppError('forbidden', 'This account is disabled')
  return startSession(env, db, toPublicUser(row))
}

/** Rotate a refresh token; the new access token carries the user's current role. */
export const refreshSession = (env: AuthEnv, db: DB, refreshToken: string) =>
  rotateSession(env, db, refreshToken, (id) => getActiveUserById(db, id))

export const logout = (env: StateEnv, db: DB, refreshToken: string) => endSession(env, db, refreshToken)

// ---------------------------------------------------------------- profile

/** The signed-in user's profile; a deleted or disabled account is treated as signed out. */
export async function getMe(db: DB, userId: string): Promise<PublicUser> {
  const user = await getActiveUserById(db, userId)
  if (!user) throw unauthorized('This account no longer exists or is disabled')
  return user
}

export async function updateMe(db: DB, userId: string, input: UpdateMeInput): Promise<PublicUser> {
  const current = await getMe(db, userId)
  const merged = { ...current, ...input }
  // A channel the notifier cannot reach would fail silently later; refuse it now.
  const problems = []
  if ((merged.notification_channels.includes('sms') || merged.notification_channels.includes('whatsapp')) && !merged.phone) {
    problems.push({ path: 'phone', message: 'a phone number is required for the sms and whatsapp channels' })
  }
  if (merged.notification_channels.includes('telegram') && !merged.telegram_chat_id) {
    problems.push({ path: 'telegram_chat_id', message: 'a Telegram chat id is required for the telegram channel' })
  }
  if (problems.length) throw new AppError('validation_error', 'Invalid request body', problems)

  const now = nowIso()
  await db
    .update(users)
    .set({
      name: merged.name,
      phone: merged.phone,
      locale: merged.locale,
      notificationChannels: JSON.stringify(merged.notification_channels),
      telegramChatId: merged.telegram_chat_id,
      updatedAt: now,
    })
    .where(eq(users.id, userId))
  return merged
}

/**
 * Change the password after proving the current one (wrong guesses throttled per user). Every
 * existing session is revoked and a fresh one returned, so only this device stays signed in.
 */
export async function changePassword(
  env: AuthEnv,
  db: DB,
  userId: string,
  input: { current_password: string; new_password: string },
): Promise<TokenResponse> {
  const row = await findRow(db, userId)
  if (!row || row.disabledAt) throw unauthorized('This account no longer exists or is disabled')
  const byUser = passwordChangeKey(row.id)
  await beginAttempt(db, [byUser])
  if (!(await verifyPassword(input.current_password, storedHash(row)))) {
    throw new AppError('forbidden', 'Current password is incorrect', [{ path: 'current_password', message: 'is incorrect' }])
  }
  await attemptSucceeded(db, [byUser], [])
  await setPassword(env, db, userId, input.new_password)
  return startSession(env, db, toPublicUser(row))
}

// ---------------------------------------------------------------- admin

/** `%text%` for LIKE … ESCAPE '\', with the user's own % and _ taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * Users newest first, filtered by role and by text the email or the name contains (case-insensitive
 * for ASCII), keyset-paginated on (created_at, id).
 */
/** The admin user list's sort orders besides the default newest first (which keeps its older cursor shape). */
const USER_SORTS: Record<Exclude<NonNullable<AdminUserQuery['sort']>, 'newest'>, KeysetOrder> = {
  oldest: { key: users.createdAt, desc: false, type: 'string' },
  name_asc: { key: sql`${users.name} COLLATE NOCASE`, desc: false, type: 'string' },
  name_desc: { key: sql`${users.name} COLLATE NOCASE`, desc: true, type: 'string' },
  email_asc: { key: users.email, desc: false, type: 'string' },
  email_desc: { key: users.email, desc: true, type: 'string' },
}

export async function listUsers(db: DB, query: AdminUserQuery) {
  const where: SQL[] = []
  if (query.role) where.push(eq(users.role, query.role))
  if (query.q) {
    const like = containsPattern(query.q)
    where.push(or(sql`${users.email} LIKE ${like} ESCAPE '\\'`, sql`${users.name} LIKE ${like} ESCAPE '\\'`)!)
  }
  if (query.sort && query.sort !== 'newest') {
    const sort = query.sort
    const keyset = sortedKeyset(sort, USER_SORTS[sort], users.id, query.cursor)
    if (keyset.after) where.push(keyset.after)
    const rows = await db
      .select()
      .from(users)
      .where(and(...where))
      .orderBy(...keyset.orderBy)
      .limit(query.limit + 1)
    const key = (r: typeof users.$inferSelect) => (sort === 'oldest' ? r.createdAt : sort.startsWith('name') ? r.name : r.email)
    const page = paginate(rows, query.limit, (r) => keyset.position(key(r), r.id))
    return { data: page.data.map(toAdminUser), next_cursor: page.next_cursor }
  }
  if (query.cursor) where.push(olderThanCursor(query.cursor, users.createdAt, users.id))
  const rows = await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (r) => [r.createdAt, r.id])
  return { data: page.data.map(toAdminUser), next_cursor: page.next_cursor }
}

/** Display names of the given user ids (unknown ids are left out), in one query. */
export async function userNames(db: DB, ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => Boolean(id)))]
  if (wanted.length === 0) return new Map()
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, wanted))
  return new Map(rows.map((r) => [r.id, r.name]))
}

export async function getUserForAdmin(db: DB, id: string): Promise<AdminUser> {
  const row = await findRow(db, id)
  if (!row) throw notFound('User')
  return toAdminUser(row)
}

/**
 * Change a user's role or disable/enable them. An admin cannot demote or disable themselves, and
 * no change may remove the last active admin (checked inside the UPDATE, so two admins demoting
 * each other at once cannot both succeed). Disabling revokes every refresh and access token; a
 * role change revokes the access tokens, and the next refresh issues one with the new role.
 */
export async function adminUpdateUser(env: StateEnv, db: DB, actor: AuthUser, id: string, input: AdminUpdateUserInput): Promise<AdminUser> {
  const target = await findRow(db, id)
  if (!target) throw notFound('User')
  const demotes = input.role !== undefined && input.role !== 'admin'
  if (id === actor.id && (demotes || input.disabled === true)) {
    throw new AppError('conflict', 'You cannot remove your own admin access; ask another admin')
  }
  const now = nowIso()
  const removesAdmin = target.role === 'admin' && (demotes || input.disabled === true)
  const result = await db
    .update(users)
    .set({
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.disabled === true ? { disabledAt: sql`COALESCE(${users.disabledAt}, ${now})` } : {}),
      ...(input.disabled === false ? { disabledAt: null } : {}),
      updatedAt: now,
    })
    .where(
      and(
        eq(users.id, id),
        removesAdmin ? sql`EXISTS (SELECT 1 FROM users o WHERE o.role = 'admin' AND o.disabled_at IS NULL AND o.id <> ${id})` : undefined,
      ),
    )
    .run()
  if (!result.meta.changes) throw new AppError('conflict', 'This change would leave the store without an active admin')
  if (input.disabled === true) await revokeAllSessions(env, db, id)
  // A changed role must not live on in tokens issued under the old one; a refresh picks up the new role.
  else if (input.role !== undefined && input.role !== target.role) await revokeUserAccess(env, id)
  return getUserForAdmin(db, id)
}

// ---------------------------------------------------------------- housekeeping

/** Cron: drop expired refresh tokens and throttle rows whose window has ended. */
export async function purgeExpiredAuthState(env: Pick<Env, 'DB'>) {
  const db = getDb(env)
  const refresh_tokens = await purgeExpiredRefreshTokens(db)
  const login_throttle = await purgeStaleThrottles(db)
  return { refresh_tokens, login_throttle }
}
