import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api } from '../helpers'
import { sha256Hex } from '../../src/lib/ids'
import { bearer, login, PASSWORD, refresh, register, setRefreshExpiry, uniqueEmail } from './util'

describe('register', () => {
  it('creates a customer who then signs in with a working token pair; never the password hash', async () => {
    const email = uniqueEmail('reg')
    const created = await api('POST', '/api/v1/auth/register', {
      body: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: '  Ann Lee ' },
    })
    expect(created.status).toBe(202)
    expect(created.body).toEqual({ status: 'accepted' })
    const res = await login(email)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      user: { email, name: 'Ann Lee', role: 'customer', locale: 'en', notification_channels: ['email'] },
      token_type: 'Bearer',
      expires_in: 900,
    })
    expect(res.body.refresh_token).toMatch(/^rt_/)
    expect(JSON.stringify(res.body)).not.toMatch(/password|salt/i)

    const me = await api('GET', '/api/v1/me', { headers: bearer(res.body.access_token) })
    expect(me.status).toBe(200)
    expect(me.body.id).toBe(res.body.user.id)

    const row = await env.DB.prepare('SELECT password_hash, password_salt, password_iterations FROM users WHERE id = ?')
      .bind(res.body.user.id)
      .first<{ password_hash: string; password_salt: string; password_iterations: number }>()
    expect(row!.password_hash).not.toContain(PASSWORD)
    expect(row!.password_salt.length).toBeGreaterThan(10)
    expect(row!.password_iterations).toBe(100_000)
  })

  it('stores the refresh token only as its SHA-256 hash', async () => {
    const t = await register()
    const raw = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = ?')
      .bind(t.refresh_token)
      .first<{ n: number }>()
    const hashed = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = ?')
      .bind(await sha256Hex(t.refresh_token))
      .first<{ n: number }>()
    expect(raw!.n).toBe(0)
    expect(hashed!.n).toBe(1)
  })

  it('treats emails as unique case-insensitively: a second sign-up creates nothing and cannot take the account', async () => {
    const email = uniqueEmail('dup')
    const first = await register({ email })
    const res = await api('POST', '/api/v1/auth/register', {
      body: { email: ` ${email.toUpperCase()}`, password: 'another long passphrase', name: 'Other' },
    })
    expect(res.status).toBe(202)
    const rows = await env.DB.prepare('SELECT id, name FROM users WHERE email = ?').bind(email).all<{ id: string; name: string }>()
    expect(rows.results).toEqual([{ id: first.user.id, name: 'Ann Lee' }])
    expect((await login(email, 'another long passphrase')).status).toBe(401)
    expect((await login(email)).status).toBe(200)
  })

  it('gives each user their own salt', async () => {
    const a = await register()
    const b = await register()
    const rows = await env.DB.prepare('SELECT password_salt, password_hash FROM users WHERE id IN (?, ?)')
      .bind(a.user.id, b.user.id)
      .all<{ password_salt: string; password_hash: string }>()
    expect(rows.results).toHaveLength(2)
    expect(rows.results[0]!.password_salt).not.toBe(rows.results[1]!.password_salt)
    expect(rows.results[0]!.password_hash).not.toBe(rows.results[1]!.password_hash)
  })
})

describe('login', () => {
  it('signs in with any casing of the email', async () => {
    const email = uniqueEmail('login')
    const reg = await register({ email })
    const res = await login(` ${email.toUpperCase()} `)
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(reg.user.id)
    expect(res.body.refresh_token).not.toBe(reg.refresh_token)
    expect((await api('GET', '/api/v1/me', { headers: bearer(res.body.access_token) })).status).toBe(200)
  })

  it('answers wrong password and unknown email with the same 401', async () => {
    const email = uniqueEmail('wrong')
    await register({ email })
    const wrong = await login(email, 'not the password')
    const unknown = await login(uniqueEmail('nobody'), PASSWORD)
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.error.code).toBe('invalid_credentials')
    expect(unknown.body.error.code).toBe('invalid_credentials')
    expect(wrong.body.error.message).toBe(unknown.body.error.message)
  })

  it('refuses a disabled account even with the right password', async () => {
    const email = uniqueEmail('disabled')
    const reg = await register({ email })
    await env.DB.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').bind(new Date().toISOString(), reg.user.id).run()
    const res = await login(email)
    expect(res.status).toBe(403)
  })
})

describe('refresh rotation', () => {
  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const t0 = await register()
    const r1 = await refresh(t0.refresh_token)
    expect(r1.status).toBe(200)
    expect(r1.body.refresh_token).not.toBe(t0.refresh_token)
    expect(r1.body.user.id).toBe(t0.user.id)
    expect((await api('GET', '/api/v1/me', { headers: bearer(r1.body.access_token) })).status).toBe(200)
    const r2 = await refresh(r1.body.refresh_token)
    expect(r2.status).toBe(200)
  })

  it('reusing a rotated token revokes the whole family, including the newest token', async () => {
    const t0 = await register()
    const r1 = await refresh(t0.refresh_token)
    expect(r1.status).toBe(200)

    const replay = await refresh(t0.refresh_token)
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('invalid_token')

    // The legitimate holder's current token died with the family.
    const next = await refresh(r1.body.refresh_token)
    expect(next.status).toBe(401)
  })

  it('leaves other sign-ins (families) alone when one family is revoked', async () => {
    const email = uniqueEmail('fam')
    const a = await register({ email })
    const b = (await login(email)).body
    await refresh(a.refresh_token)
    expect((await refresh(a.refresh_token)).status).toBe(401) // reuse: family A revoked
    expect((await refresh(b.refresh_token)).status).toBe(200)
  })

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const t0 = await register()
    const results = await Promise.all([refresh(t0.refresh_token), refresh(t0.refresh_token)])
    const statuses = results.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 401])
  })

  it('refuses an expired refresh token', async () => {
    const t0 = await register()
    await setRefreshExpiry(t0.refresh_token, new Date(Date.now() - 1000).toISOString())
    const res = await refresh(t0.refresh_token)
    expect(res.status).toBe(401)
    expect(res.body.error.message).toMatch(/expired/)
  })

  it('refuses an unknown refresh token', async () => {
    const res = await refresh('rt_not-a-real-token')
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('invalid_token')
  })

  it('refuses to refresh a disabled user and revokes the family', async () => {
    const t0 = await register()
    await env.DB.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').bind(new Date().toISOString(), t0.user.id).run()
    expect((await refresh(t0.refresh_token)).status).toBe(401)
    await env.DB.prepare('UPDATE users SET disabled_at = NULL WHERE id = ?').bind(t0.user.id).run()
    expect((await refresh(t0.refresh_token)).status).toBe(401)
  })
})

describe('logout', () => {
  it('revokes the family: neither the presented nor a later-rotated token refreshes', async () => {
    const t0 = await register()
    const r1 = await refresh(t0.refresh_token)
    const out = await api('POST', '/api/v1/auth/logout', { body: { refresh_token: r1.body.refresh_token } })
    expect(out.status).toBe(204)
    expect((await refresh(r1.body.refresh_token)).status).toBe(401)
  })

  it('is idempotent for unknown tokens', async () => {
    const out = await api('POST', '/api/v1/auth/logout', { body: { refresh_token: 'rt_unknown' } })
    expect(out.status).toBe(204)
  })
})
