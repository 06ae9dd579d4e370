import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { bearer, login, refresh, register, uniqueEmail } from './util'

const me = (token: string) => api('GET', '/api/v1/me', { headers: bearer(token) })
const addAddress = (token: string) =>
  api('POST', '/api/v1/me/addresses', { headers: bearer(token), body: { name: 'A', line1: '1 Road', city: 'Town', country: 'US' } })

describe('access tokens are revoked on the next request', () => {
  it('disabling a user refuses their access token at once (and writes stay refused)', async () => {
    const admin = await createUser('admin')
    const t = await register()
    expect((await me(t.access_token)).status).toBe(200)
    const off = await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { disabled: true } })
    expect(off.status).toBe(200)
    const res = await me(t.access_token)
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('invalid_token')
    expect((await addAddress(t.access_token)).status).toBe(401)
    expect((await refresh(t.refresh_token)).status).toBe(401)
  })

  it('a seller demoted to customer loses /seller/products on the next request', async () => {
    const admin = await createUser('admin')
    const email = uniqueEmail('seller')
    const t = await register({ email })
    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { role: 'seller' } })
    const seller = await refresh(t.refresh_token)
    expect(seller.body.user.role).toBe('seller')
    expect((await api('GET', '/api/v1/seller/products', { headers: bearer(seller.body.access_token) })).status).toBe(200)

    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { role: 'customer' } })
    expect((await api('GET', '/api/v1/seller/products', { headers: bearer(seller.body.access_token) })).status).toBe(401)
    const again = await refresh(seller.body.refresh_token)
    expect(again.body.user.role).toBe('customer')
    expect((await api('GET', '/api/v1/seller/products', { headers: bearer(again.body.access_token) })).status).toBe(403)
  })

  it('logout refuses the access token of that sign-in, not of another device', async () => {
    const email = uniqueEmail('logout')
    const a = await register({ email })
    const b = await login(email)
    expect(b.status).toBe(200)
    expect((await api('POST', '/api/v1/auth/logout', { body: { refresh_token: a.refresh_token } })).status).toBe(204)
    expect((await me(a.access_token)).status).toBe(401)
    expect((await me(b.body.access_token)).status).toBe(200)
  })

  it('refresh-token reuse revokes the access tokens of the whole sign-in', async () => {
    const t = await register()
    const first = await refresh(t.refresh_token)
    expect(first.status).toBe(200)
    expect((await me(first.body.access_token)).status).toBe(200)
    // The used token presented again: the family is revoked, access tokens included.
    expect((await refresh(t.refresh_token)).status).toBe(401)
    expect((await me(first.body.access_token)).status).toBe(401)
    expect((await me(t.access_token)).status).toBe(401)
  })

  it('a password change keeps only the new session', async () => {
    const t = await register()
    const changed = await api('POST', '/api/v1/me/password', {
      headers: bearer(t.access_token),
      body: { current_password: 'correct horse battery', new_password: 'a brand new passphrase' },
    })
    expect(changed.status).toBe(200)
    expect((await me(t.access_token)).status).toBe(401)
    expect((await me(changed.body.access_token)).status).toBe(200)
  })

  it('re-enabling lets the user sign in again with fresh tokens', async () => {
    const admin = await createUser('admin')
    const email = uniqueEmail('back')
    const t = await register({ email })
    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { disabled: true } })
    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { disabled: false } })
    const back = await login(email)
    expect(back.status).toBe(200)
    expect((await me(back.body.access_token)).status).toBe(200)
  })
})
