import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { bearer, login, refresh, register, uniqueEmail } from './util'

describe('admin users', () => {
  it('an admin promotes a user; the new role takes effect on the next refresh', async () => {
    const admin = await createUser('admin')
    const t = await register()
    // Before: a customer.
    expect((await api('GET', '/api/v1/admin/users', { headers: bearer(t.access_token) })).status).toBe(403)

    const res = await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { role: 'staff' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: t.user.id, role: 'staff', disabled_at: null })

    // The old access token (issued as a customer) is refused at once...
    expect((await api('GET', '/api/v1/admin/users', { headers: bearer(t.access_token) })).status).toBe(401)
    // ...and a refresh picks up the new role from D1.
    const r = await refresh(t.refresh_token)
    expect(r.status).toBe(200)
    expect(r.body.user.role).toBe('staff')
    expect((await api('GET', '/api/v1/admin/users', { headers: bearer(r.body.access_token) })).status).toBe(200)
  })

  it('demotion also reaches the user on refresh', async () => {
    const admin = await createUser('admin')
    const t = await register()
    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { role: 'admin' } })
    const asAdmin = await refresh(t.refresh_token)
    expect(asAdmin.body.user.role).toBe('admin')
    await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { role: 'customer' } })
    const asCustomer = await refresh(asAdmin.body.refresh_token)
    expect(asCustomer.body.user.role).toBe('customer')
    expect((await api('GET', '/api/v1/admin/users', { headers: bearer(asCustomer.body.access_token) })).status).toBe(403)
  })

  it('an admin cannot demote or disable themselves (409)', async () => {
    const admin = await createUser('admin')
    await createUser('admin') // another admin exists, still refused
    const demote = await api('PATCH', `/api/v1/admin/users/${admin.id}`, { headers: admin.auth, body: { role: 'staff' } })
    expect(demote.status).toBe(409)
    expect(demote.body.error.code).toBe('conflict')
    const disable = await api('PATCH', `/api/v1/admin/users/${admin.id}`, { headers: admin.auth, body: { disabled: true } })
    expect(disable.status).toBe(409)
    const still = await api('GET', `/api/v1/admin/users/${admin.id}`, { headers: admin.auth })
    expect(still.body).toMatchObject({ role: 'admin', disabled_at: null })
  })

  it('disabling signs the user out everywhere and blocks login; enabling lets them back', async () => {
    const admin = await createUser('admin')
    const email = uniqueEmail('dis')
    const t = await register({ email })
    const off = await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { disabled: true } })
    expect(off.status).toBe(200)
    expect(off.body.disabled_at).toEqual(expect.any(String))
    expect((await refresh(t.refresh_token)).status).toBe(401)
    expect((await login(email)).status).toBe(403)
    expect((await api('GET', '/api/v1/me', { headers: bearer(t.access_token) })).status).toBe(401)

    const on = await api('PATCH', `/api/v1/admin/users/${t.user.id}`, { headers: admin.auth, body: { disabled: false } })
    expect(on.body.disabled_at).toBeNull()
    expect((await login(email)).status).toBe(200)
  })

  it('lists users with role and email filters and stable cursor pages', async () => {
    const staff = await createUser('staff')
    const prefix = `zz-list-${Date.now().toString(36)}`
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await register({ email: `${prefix}-${i}@Example.test` })).user.id)
    await createUser('seller', { email: `${prefix}-seller@example.test` })

    const all = await api('GET', `/api/v1/admin/users?q=${prefix}&role=customer&limit=100`, { headers: staff.auth })
    const expected: string[] = all.body.data.map((u: { id: string }) => u.id)
    expect([...expected].sort()).toEqual([...made].sort())
    expect(all.body.next_cursor).toBeNull()

    // The text is matched case-insensitively, like emails themselves.
    const byPrefix = await api('GET', `/api/v1/admin/users?q=${prefix.toUpperCase()}&role=customer&limit=2`, { headers: staff.auth })
    expect(byPrefix.status).toBe(200)
    const ids: string[] = byPrefix.body.data.map((u: { id: string }) => u.id)
    let cursor = byPrefix.body.next_cursor
    expect(cursor).toEqual(expect.any(String))
    // A user created mid-pagination must not shift the pages.
    await register({ email: `${prefix}-late@example.test` })
    while (cursor) {
      const page = await api('GET', `/api/v1/admin/users?q=${prefix}&role=customer&limit=2&cursor=${cursor}`, { headers: staff.auth })
      ids.push(...page.body.data.map((u: { id: string }) => u.id))
      cursor = page.body.next_cursor
    }
    expect(ids).toEqual(expected)

    const sellers = await api('GET', `/api/v1/admin/users?q=${prefix}&role=seller`, { headers: staff.auth })
    expect(sellers.body.data).toHaveLength(1)
    expect(sellers.body.data[0].role).toBe('seller')
    expect(JSON.stringify(sellers.body)).not.toMatch(/password|salt/i)
  })

  it('rejects a bad cursor, an unknown role and an unknown user', async () => {
    const admin = await createUser('admin')
    expect((await api('GET', '/api/v1/admin/users?cursor=nonsense', { headers: admin.auth })).body.error.code).toBe('invalid_cursor')
    expect((await api('GET', '/api/v1/admin/users?role=king', { headers: admin.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/users/usr_nope', { headers: admin.auth })).status).toBe(404)
    expect((await api('PATCH', '/api/v1/admin/users/usr_nope', { headers: admin.auth, body: { role: 'staff' } })).status).toBe(404)
    expect((await api('PATCH', `/api/v1/admin/users/${admin.id}`, { headers: admin.auth, body: {} })).status).toBe(400)
    expect((await api('PATCH', `/api/v1/admin/users/${admin.id}`, { headers: admin.auth, body: { role: 'king' } })).status).toBe(400)
  })
})
