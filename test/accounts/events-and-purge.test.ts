import { env } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import type { DomainEvent } from '../../src/lib/events'
import { adminUpdateUser, purgeExpiredAuthState, registerUser } from '../../src/modules/accounts/service'
import { api, createUser } from '../helpers'
import { login, PASSWORD, refresh, register, setRefreshExpiry, uniqueEmail } from './util'

describe('account.registered', () => {
  it('is published with user_id, email, name and locale', async () => {
    const sent: DomainEvent[] = []
    const fakeEnv = { ...env, NOTIFICATIONS_QUEUE: { send: vi.fn(async (e: DomainEvent) => void sent.push(e)) } as unknown as Queue }
    const email = uniqueEmail('event')
    expect(await registerUser(fakeEnv, getDb(env), { email, password: PASSWORD, name: 'Ann', locale: 'ru' })).toEqual({ created: true })
    const user = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<{ id: string }>()
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      type: 'account.registered',
      id: expect.stringMatching(/^evt_/),
      data: { user_id: user!.id, email, name: 'Ann', locale: 'ru' },
    })
  })

  it('a queue outage does not fail the registration', async () => {
    const fakeEnv = {
      ...env,
      NOTIFICATIONS_QUEUE: { send: async () => Promise.reject(new Error('queue down')) } as unknown as Queue,
    }
    const email = uniqueEmail('outage')
    expect(await registerUser(fakeEnv, getDb(env), { email, password: PASSWORD, name: 'Ann' })).toEqual({ created: true })
    expect((await login(email)).status).toBe(200)
  })
})

describe('purgeExpiredAuthState', () => {
  it('deletes expired refresh tokens and keeps live ones', async () => {
    const dead = await register()
    const live = await register()
    await setRefreshExpiry(dead.refresh_token, new Date(Date.now() - 1000).toISOString())
    const result = await purgeExpiredAuthState(env)
    expect(result.refresh_tokens).toBeGreaterThanOrEqual(1)
    const left = await env.DB.prepare('SELECT user_id FROM refresh_tokens WHERE user_id IN (?, ?)')
      .bind(dead.user.id, live.user.id)
      .all<{ user_id: string }>()
    expect(left.results.map((r) => r.user_id)).toEqual([live.user.id])
    expect((await refresh(live.refresh_token)).status).toBe(200)
  })
})

describe('last admin', () => {
  it('an admin whose own admin role was just removed is refused at once and cannot remove the last admin', async () => {
    const a = await createUser('admin')
    const b = await createUser('admin')
    expect((await api('PATCH', `/api/v1/admin/users/${b.id}`, { headers: a.auth, body: { role: 'staff' } })).status).toBe(200)
    // b's access token was revoked with the role change.
    const res = await api('PATCH', `/api/v1/admin/users/${a.id}`, { headers: b.auth, body: { role: 'customer' } })
    expect(res.status).toBe(401)
    // The guard inside the UPDATE still holds when the caller's role was checked before a concurrent demotion.
    const stale = { id: b.id, role: 'admin' as const, email: b.email }
    await expect(adminUpdateUser(env, getDb(env), stale, a.id, { role: 'customer' })).rejects.toMatchObject({ code: 'conflict' })
    await expect(adminUpdateUser(env, getDb(env), stale, a.id, { disabled: true })).rejects.toMatchObject({ code: 'conflict' })
    expect((await api('GET', `/api/v1/admin/users/${a.id}`, { headers: a.auth })).body).toMatchObject({ role: 'admin', disabled_at: null })
  })
})
