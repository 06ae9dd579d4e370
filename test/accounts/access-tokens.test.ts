import { env } from 'cloudflare:test'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { base64url } from '../../src/lib/ids'
import { bearer, register } from './util'

const secret = () => new TextEncoder().encode(env.JWT_SECRET)
const enc = (v: unknown) => base64url(new TextEncoder().encode(JSON.stringify(v)))

/** A token with every claim the API expects, signed as the caller chooses. */
function claims(sub: string, role = 'customer') {
  return new SignJWT({ role, email: `${sub}@example.test` })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('edge-commerce')
    .setAudience('edge-commerce-api')
}

async function expectInvalid(token: string) {
  const res = await api('GET', '/api/v1/me', { headers: bearer(token) })
  expect(res.status).toBe(401)
  expect(res.body.error.code).toBe('invalid_token')
  return res
}

describe('access tokens', () => {
  it('a valid token signed with the server secret is accepted (control)', async () => {
    const t = await register()
    const token = await claims(t.user.id).setIssuedAt().setExpirationTime('5m').sign(secret())
    expect((await api('GET', '/api/v1/me', { headers: bearer(token) })).status).toBe(200)
  })

  it('rejects an expired token', async () => {
    const t = await register()
    const now = Math.floor(Date.now() / 1000)
    const token = await claims(t.user.id)
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(secret())
    const res = await expectInvalid(token)
    expect(res.body.error.message).toMatch(/expired/)
  })

  it('rejects a token whose payload was tampered with (role raised to admin)', async () => {
    const t = await register()
    const [header, payload, signature] = t.access_token.split('.')
    const decoded = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
    )
    expect(decoded.role).toBe('customer')
    const forged = `${header}.${enc({ ...decoded, role: 'admin' })}.${signature}`
    await expectInvalid(forged)
    const admin = await api('GET', '/api/v1/admin/users', { headers: bearer(forged) })
    expect(admin.status).toBe(401)
  })

  it('rejects a token with a flipped signature byte', async () => {
    const t = await register()
    const last = t.access_token.at(-2) === 'A' ? 'B' : 'A'
    await expectInvalid(`${t.access_token.slice(0, -2)}${last}${t.access_token.at(-1)}`)
  })

  it('rejects alg:none, with or without a signature part', async () => {
    const t = await register()
    const now = Math.floor(Date.now() / 1000)
    const payload = enc({
      sub: t.user.id,
      role: 'admin',
      email: t.user.email,
      iss: 'edge-commerce',
      aud: 'edge-commerce-api',
      iat: now,
      exp: now + 600,
    })
    for (const alg of ['none', 'None', 'NONE']) {
      const header = enc({ alg, typ: 'JWT' })
      await expectInvalid(`${header}.${payload}.`)
      await expectInvalid(`${header}.${payload}`)
    }
  })

  it('rejects a token signed with another secret', async () => {
    const t = await register()
    const token = await claims(t.user.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('some-other-secret-some-other-secret-0000'))
    await expectInvalid(token)
  })

  it('rejects a token for another audience or issuer', async () => {
    const t = await register()
    const foreign = await new SignJWT({ role: 'customer', email: t.user.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(t.user.id)
      .setIssuer('someone-else')
      .setAudience('edge-commerce-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret())
    await expectInvalid(foreign)
  })

  it('rejects HS512 even with the right secret (only HS256 is allowed)', async () => {
    const t = await register()
    const token = await new SignJWT({ role: 'customer', email: t.user.email })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(t.user.id)
      .setIssuer('edge-commerce')
      .setAudience('edge-commerce-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret())
    await expectInvalid(token)
  })

  it('answers 401 without a token, and for a malformed Authorization header', async () => {
    expect((await api('GET', '/api/v1/me')).status).toBe(401)
    const basic = await api('GET', '/api/v1/me', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })
    expect(basic.status).toBe(401)
    expect((await api('GET', '/api/v1/me', { headers: bearer('not.a.jwt') })).status).toBe(401)
    expect((await api('GET', '/api/v1/me', { headers: bearer('garbage') })).status).toBe(401)
  })
})

describe('role checks', () => {
  it('a customer gets 403 on admin endpoints', async () => {
    const customer = await createUser('customer')
    const list = await api('GET', '/api/v1/admin/users', { headers: customer.auth })
    expect(list.status).toBe(403)
    expect(list.body.error.code).toBe('forbidden')
    expect((await api('GET', `/api/v1/admin/users/${customer.id}`, { headers: customer.auth })).status).toBe(403)
    const patch = await api('PATCH', `/api/v1/admin/users/${customer.id}`, { headers: customer.auth, body: { role: 'admin' } })
    expect(patch.status).toBe(403)
  })

  it('a seller gets 403 on admin endpoints', async () => {
    const seller = await createUser('seller')
    expect((await api('GET', '/api/v1/admin/users', { headers: seller.auth })).status).toBe(403)
  })

  it('staff may read users but not change roles', async () => {
    const staff = await createUser('staff')
    const customer = await createUser('customer')
    expect((await api('GET', '/api/v1/admin/users', { headers: staff.auth })).status).toBe(200)
    expect((await api('GET', `/api/v1/admin/users/${customer.id}`, { headers: staff.auth })).status).toBe(200)
    const patch = await api('PATCH', `/api/v1/admin/users/${customer.id}`, { headers: staff.auth, body: { role: 'staff' } })
    expect(patch.status).toBe(403)
  })

  it('checks authentication before validating the body', async () => {
    const res = await api('PATCH', '/api/v1/admin/users/usr_x', { body: { role: 'nope' } })
    expect(res.status).toBe(401)
  })
})
