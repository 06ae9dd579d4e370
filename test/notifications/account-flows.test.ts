import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import type { DomainEvent } from '../../src/lib/events'
import { sha256Hex } from '../../src/lib/ids'
import { accountActionTokens } from '../../src/modules/accounts/action-token-tables'
import { api, createUser } from '../helpers'
import { captureEvents, deliver, installProviderFakes } from './harness'

afterEach(() => vi.restoreAllMocks())

let n = 0
async function register(locale: 'en' | 'ru' = 'en') {
  const email = `flow-${Date.now()}-${++n}@example.test`
  const password = 'original password 1'
  expect((await api('POST', '/api/v1/auth/register', { body: { email, password, name: 'Ann', locale } })).status).toBe(202)
  const res = await api('POST', '/api/v1/auth/login', {
    body: { email, password },
    headers: { 'CF-Connecting-IP': `198.18.0.${++n % 250}` },
  })
  expect(res.status).toBe(200)
  return {
    email,
    password,
    id: res.body.user.id as string,
    refresh: res.body.refresh_token as string,
    auth: { Authorization: `Bearer ${res.body.access_token}` },
  }
}

const tokenFrom = (event: DomainEvent) => new URL(String(event.data.link)).searchParams.get('token')!

/** POST /auth/password-reset/request from its own client IP (the per-IP limit is not what these tests are about). */
const requestReset = (email: string, ip = `203.0.113.${++n % 250}`) =>
  api('POST', '/api/v1/auth/password-reset/request', { body: { email }, headers: { 'CF-Connecting-IP': ip } })

const lastOfType = (events: DomainEvent[], type: DomainEvent['type']) => events.filter((e) => e.type === type).at(-1)!

async function expireToken(token: string) {
  await getDb(env)
    .update(accountActionTokens)
    .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
    .where(eq(accountActionTokens.tokenHash, await sha256Hex(token)))
}

describe('email verification', () => {
  it('mails a single-use link that verifies the address; the raw token is never stored', async () => {
    const fakes = installProviderFakes()
    const events = captureEvents()
    const user = await register()

    const req = await api('POST', '/api/v1/auth/verify-email/request', { headers: user.auth })
    expect(req.status).toBe(202)
    const event = lastOfType(events(), 'account.email_verification_requested')
    expect(event.data).toMatchObject({ user_id: user.id, email: user.email })
    expect(String(event.data.link)).toMatch(/^http:\/\/localhost:8787\/verify-email\?token=vfy_/)
    const token = tokenFrom(event)

    const rows = await getDb(env).select().from(accountActionTokens).where(eq(accountActionTokens.userId, user.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.tokenHash).toBe(await sha256Hex(token))
    expect(JSON.stringify(rows)).not.toContain(token)

    // The consumer emails it, by email only, whatever the channel preferences.
    await deliver([event])
    expect(fakes.sendgrid.sent).toHaveLength(1)
    expect(fakes.sendgrid.sent[0]!.subject).toBe('Confirm your email address')
    expect(fakes.sendgrid.sent[0]!.text).toContain(String(event.data.link))
    expect(fakes.sendgrid.sent[0]!.text).toContain('expires in 24 hours')

    const ok = await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'verified', user_id: user.id, email: user.email })
    const me = await api('GET', '/api/v1/me', { headers: user.auth })
    expect(me.body.email_verified_at).toEqual(expect.any(String))

    const again = await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('invalid_token')
    const already = await api('POST', '/api/v1/auth/verify-email/request', { headers: user.auth })
    expect(already.status).toBe(409)
  })

  it('refuses expired, unknown and wrong-purpose tokens, and needs a signed-in user to request', async () => {
    const events = captureEvents()
    const user = await register()
    expect((await api('POST', '/api/v1/auth/verify-email/request')).status).toBe(401)

    await api('POST', '/api/v1/auth/verify-email/request', { headers: user.auth })
    const token = tokenFrom(lastOfType(events(), 'account.email_verification_requested'))
    await expireToken(token)
    const expired = await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })
    expect(expired.status).toBe(401)

    const unknown = await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token: 'vfy_' + 'x'.repeat(43) } })
    expect(unknown.status).toBe(401)

    await api('POST', '/api/v1/auth/verify-email/request', { headers: user.auth })
    const fresh = tokenFrom(lastOfType(events(), 'account.email_verification_requested'))
    const asReset = await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token: fresh, new_password: 'a new password 2' } })
    expect(asReset.status).toBe(401)
    // Refused as a reset token, it still verifies the email.
    expect((await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token: fresh } })).status).toBe(200)

    expect((await api('POST', '/api/v1/auth/verify-email/confirm', { body: {} })).status).toBe(400)
  })

  it('a link for an address the user has since changed away from does not verify the new one', async () => {
    const events = captureEvents()
    const user = await register()
    await api('POST', '/api/v1/auth/verify-email/request', { headers: user.auth })
    const token = tokenFrom(lastOfType(events(), 'account.email_verification_requested'))
    await getDb(env)
      .update(accountActionTokens)
      .set({ email: 'someone-else@example.test' })
      .where(eq(accountActionTokens.tokenHash, await sha256Hex(token)))
    expect((await api('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })).status).toBe(401)
    expect((await api('GET', '/api/v1/me', { headers: user.auth })).body.email_verified_at).toBeNull()
  })
})

describe('password reset', () => {
  it('mails a Russian link for a ru user; confirming sets the password, revokes sessions and works once', async () => {
    const fakes = installProviderFakes()
    const events = captureEvents()
    const user = await register('ru')

    const req = await requestReset(user.email.toUpperCase())
    expect(req.status).toBe(202)
    expect(req.body).toEqual({ status: 'accepted' })
    const event = lastOfType(events(), 'account.password_reset_requested')
    expect(String(event.data.link)).toMatch(/\/reset-password\?token=rst_/)
    const token = tokenFrom(event)

    await deliver([event])
    const mail = fakes.sendgrid.sent[0]!
    expect(mail.subject).toBe('Сброс пароля')
    expect(mail.text).toContain('Здравствуйте, Ann!')
    expect(mail.text).toContain('Ссылка действует 1 час')
    expect(mail.text).toContain(String(event.data.link))

    const done = await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'brand new password' } })
    expect(done.status).toBe(200)

    // Every session is revoked; the old password is gone; the new one works.
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: user.refresh } })).status).toBe(401)
    expect((await api('POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(401)
    expect((await api('POST', '/api/v1/auth/login', { body: { email: user.email, password: 'brand new password' } })).status).toBe(200)

    const replay = await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'attacker password' } })
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('invalid_token')
  })

  it('answers an unknown address exactly like a known one and publishes nothing', async () => {
    const events = captureEvents()
    const user = await register()
    const known = await requestReset(user.email)
    const unknown = await requestReset(`nobody-${n}@example.test`)
    expect(unknown.status).toBe(known.status)
    expect(unknown.body).toEqual(known.body)
    expect(events().filter((e) => e.type === 'account.password_reset_requested')).toHaveLength(1)
  })

  it('is throttled per address whether or not it has an account', async () => {
    const user = await register()
    const ghost = `ghost-${n}@example.test`
    for (const email of [user.email, ghost]) {
      for (let i = 0; i < 3; i++) {
        expect((await requestReset(email)).status).toBe(202)
      }
      const limited = await requestReset(email)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    }
  })

  it('is throttled per client IP across addresses', async () => {
    const ip = '198.51.100.7'
    for (let i = 0; i < 20; i++) expect((await requestReset(`spray-${i}@example.test`, ip)).status).toBe(202)
    expect((await requestReset('spray-20@example.test', ip)).status).toBe(429)
    expect((await requestReset('spray-20@example.test', '198.51.100.8')).status).toBe(202)
  })

  it('an expired token is refused, and using one link retires the others', async () => {
    const events = captureEvents()
    const user = await register()
    await requestReset(user.email)
    await requestReset(user.email)
    await requestReset(user.email)
    const [first, second, third] = events()
      .filter((e) => e.type === 'account.password_reset_requested')
      .map(tokenFrom)
    await expireToken(first!)
    expect(
      (await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token: first, new_password: 'new password 11' } })).status,
    ).toBe(401)
    expect(
      (await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token: second, new_password: 'new password 22' } })).status,
    ).toBe(200)
    expect(
      (await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token: third, new_password: 'new password 33' } })).status,
    ).toBe(401)
    expect((await api('POST', '/api/v1/auth/login', { body: { email: user.email, password: 'new password 22' } })).status).toBe(200)
  })

  it('two concurrent confirmations with the same token: exactly one wins', async () => {
    const events = captureEvents()
    const user = await register()
    await requestReset(user.email)
    const token = tokenFrom(lastOfType(events(), 'account.password_reset_requested'))
    const results = await Promise.all([
      api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'winner password A' } }),
      api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'winner password B' } }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 401])
  })

  it('rejects a weak new password with 400 without spending the token', async () => {
    const events = captureEvents()
    const user = await register()
    await requestReset(user.email)
    const token = tokenFrom(lastOfType(events(), 'account.password_reset_requested'))
    expect((await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'short' } })).status).toBe(400)
    expect((await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'long enough now' } })).status).toBe(
      200,
    )
  })

  it('the log provider keeps the reset email for staff with the one-time link redacted', async () => {
    const fakes = installProviderFakes()
    const events = captureEvents()
    const staff = await createUser('staff')
    const user = await register()
    await requestReset(user.email)
    const event = lastOfType(events(), 'account.password_reset_requested')
    await deliver([event], { env: { NOTIFICATIONS_PROVIDER_MODE: 'log' } })
    expect(fakes.fetchSpy).not.toHaveBeenCalled()

    const list = await api('GET', `/api/v1/admin/notifications?event_id=${event.id}`, { headers: staff.auth })
    const detail = await api('GET', `/api/v1/admin/notifications/${list.body.data[0].id}`, { headers: staff.auth })
    expect(detail.body).toMatchObject({ provider: 'log', status: 'sent', template: 'password_reset', subject: 'Reset your password' })
    expect(detail.body.body).toContain('[one-time link redacted]')
    expect(detail.body.body).not.toContain(tokenFrom(event))
  })
})
