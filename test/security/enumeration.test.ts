import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { api } from '../helpers'
import { login, PASSWORD, register, uniqueEmail, uniqueIp } from '../accounts/util'
import { captureEvents, deliver, installProviderFakes } from '../notifications/harness'

afterEach(() => vi.restoreAllMocks())

const signUp = (email: string, password = 'someone elses passphrase') =>
  api('POST', '/api/v1/auth/register', { body: { email, password, name: 'Probe' }, headers: { 'CF-Connecting-IP': uniqueIp() } })

/** What a caller can see of an answer: status, body and headers other than per-request values (id, date, D1 bookmark). */
const visible = (res: { status: number; body: unknown; headers: Headers }) => ({
  status: res.status,
  body: res.body,
  headers: [...res.headers].filter(([k]) => !['x-request-id', 'date', 'x-d1-bookmark'].includes(k.toLowerCase())).sort(),
})

describe('no account enumeration on sign-up', () => {
  it('answers an address with an account exactly like a new one; the owner is emailed instead', async () => {
    const fakes = installProviderFakes()
    const events = captureEvents()
    const owner = await register({ email: uniqueEmail('owner') })
    const before = events().length

    const taken = await signUp(owner.user.email.toUpperCase())
    const fresh = await signUp(uniqueEmail('fresh'))
    expect(visible(taken)).toEqual(visible(fresh))
    expect(taken.status).toBe(202)
    expect(taken.body).toEqual({ status: 'accepted' })

    // Nothing about the existing account changed: no second user, the owner's password still works.
    const n = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE email = ?').bind(owner.user.email).first<{ n: number }>()
    expect(n!.n).toBe(1)
    expect((await login(owner.user.email, 'someone elses passphrase')).status).toBe(401)
    expect((await login(owner.user.email, PASSWORD)).status).toBe(200)

    // The new address got its account; the taken one got a notice to its owner with a reset link.
    const published = events().slice(before)
    expect(published.map((e) => e.type).sort()).toEqual(['account.registered', 'account.signup_attempted'])
    const notice = published.find((e) => e.type === 'account.signup_attempted') as DomainEvent
    expect(notice.data).toMatchObject({ user_id: owner.user.id, email: owner.user.email })
    expect(String(notice.data.link)).toMatch(/\/reset-password\?token=rst_/)

    await deliver([notice])
    expect(fakes.sendgrid.sent).toHaveLength(1)
    const mail = fakes.sendgrid.sent[0]!
    expect(mail.to).toEqual([{ email: owner.user.email, name: 'Ann Lee' }])
    expect(mail.subject).toBe('You already have an account')
    expect(mail.text).toContain('tried to sign up with this email address')

    // The link in the notice resets the owner's password.
    const token = new URL(String(notice.data.link)).searchParams.get('token')!
    const reset = await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: 'a brand new passphrase' } })
    expect(reset.status).toBe(200)
    expect((await login(owner.user.email, 'a brand new passphrase')).status).toBe(200)
  })

  it('concurrent sign-ups of one new address: one account, every caller gets the same 202', async () => {
    const email = uniqueEmail('race')
    const answers = await Promise.all(Array.from({ length: 5 }, () => signUp(email, PASSWORD)))
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202])
    const n = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE email = ?').bind(email).first<{ n: number }>()
    expect(n!.n).toBe(1)
  })

  it('repeated sign-ups with a taken address mail its owner at most 3 times per window, still answering 202', async () => {
    const events = captureEvents()
    const owner = await register({ email: uniqueEmail('bombed') })
    for (let i = 0; i < 6; i++) expect((await signUp(owner.user.email)).status).toBe(202)
    expect(events().filter((e) => e.type === 'account.signup_attempted')).toHaveLength(3)
  })

  it('still refuses an invalid body or a policy-breaking password with 400, for any address', async () => {
    const owner = await register({ email: uniqueEmail('policy') })
    for (const email of [owner.user.email, uniqueEmail('new')]) {
      const res = await signUp(email, 'password')
      expect(res.status).toBe(400)
      expect(res.body.error.details[0].path).toBe('password')
    }
  })
})

describe('no account enumeration on password reset', () => {
  it('answers a known and an unknown address identically', async () => {
    const owner = await register({ email: uniqueEmail('reset-known') })
    const ask = (email: string) =>
      api('POST', '/api/v1/auth/password-reset/request', { body: { email }, headers: { 'CF-Connecting-IP': uniqueIp() } })
    expect(visible(await ask(owner.user.email))).toEqual(visible(await ask(uniqueEmail('reset-unknown'))))
  })
})
