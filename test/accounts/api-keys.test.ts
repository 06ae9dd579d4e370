import { env, SELF } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { sha256Hex } from '../../src/lib/ids'
import { users } from '../../src/modules/accounts/tables'
import { apiKeys } from '../../src/modules/accounts/api-key-tables'
import { uniqueIp } from './util'
import { api, BASE, createUser } from '../helpers'
import { apiWith } from '../security/util'

async function newKey(scopes: string[], admin?: Awaited<ReturnType<typeof createUser>>) {
  const owner = admin ?? (await createUser('admin'))
  const res = await api('POST', '/api/v1/admin/api-keys', { headers: owner.auth, body: { name: 'ERP', scopes } })
  expect(res.status).toBe(201)
  return { ...res.body, owner, auth: { Authorization: `Bearer ${res.body.key}` } }
}

describe('API keys', () => {
  it('are created by admins with scopes, shown once, stored only as a hash', async () => {
    const admin = await createUser('admin')
    const created = await newKey(['orders:read', 'products:read'], admin)
    expect(created.key).toMatch(/^ec_test_[A-Za-z0-9_-]{43}$/)
    expect(created.start).toBe(created.key.slice(0, 12))
    expect(created.scopes).toEqual(['orders:read', 'products:read'])
    expect(created.last_used_at).toBeNull()

    const row = await getDb(env).select().from(apiKeys).where(eq(apiKeys.id, created.id)).get()
    expect(row!.keyHash).toBe(await sha256Hex(created.key))
    expect(JSON.stringify(row)).not.toContain(created.key)

    const list = await api('GET', '/api/v1/admin/api-keys', { headers: admin.auth })
    expect(list.status).toBe(200)
    const listed = list.body.data.find((k: { id: string }) => k.id === created.id)
    expect(listed).toMatchObject({ id: created.id, name: 'ERP', start: created.start })
    expect(JSON.stringify(list.body)).not.toContain(created.key)
  })

  it('only admins manage keys, and a key cannot manage keys', async () => {
    const staff = await createUser('staff')
    expect(
      (await api('POST', '/api/v1/admin/api-keys', { headers: staff.auth, body: { name: 'x', scopes: ['orders:read'] } })).status,
    ).toBe(403)
    const key = await newKey([
      'orders:read',
      'orders:write',
      'products:read',
      'products:write',
      'stock:write',
      'webhooks:read',
      'webhooks:write',
    ])
    expect((await api('GET', '/api/v1/admin/api-keys', { headers: key.auth })).status).toBe(403)
    const bad = await api('POST', '/api/v1/admin/api-keys', { headers: key.owner.auth, body: { name: 'x', scopes: ['orders:delete'] } })
    expect(bad.status).toBe(400)
    expect((await api('POST', '/api/v1/admin/api-keys', { headers: key.owner.auth, body: { name: 'x', scopes: [] } })).status).toBe(400)
  })

  it('admits a key on routes declaring its scope and answers 403 outside it', async () => {
    const key = await newKey(['orders:read'])
    expect((await api('GET', '/api/v1/admin/orders', { headers: key.auth })).status).toBe(200)
    const write = await api('POST', '/api/v1/admin/orders/ord_nope/transition', { headers: key.auth, body: { to: 'cancelled' } })
    expect(write.status).toBe(403)
    expect(write.body.error.message).toContain('orders:write')
    expect((await api('GET', '/api/v1/admin/products', { headers: key.auth })).status).toBe(403)
    // Routes that declare no scopes are closed to keys whatever their roles.
    expect((await api('GET', '/api/v1/me', { headers: key.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/users', { headers: key.auth })).status).toBe(403)

    const products = await newKey(['products:read'])
    expect((await api('GET', '/api/v1/admin/products', { headers: products.auth })).status).toBe(200)
    expect((await api('GET', '/api/v1/admin/orders', { headers: products.auth })).status).toBe(403)
  })

  it('answers 401 for an unknown, malformed or revoked key, and for a key whose admin was disabled', async () => {
    const unknown = `ec_test_${'A'.repeat(43)}`
    const res = await api('GET', '/api/v1/admin/orders', { headers: { Authorization: `Bearer ${unknown}` } })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('invalid_token')
    expect((await api('GET', '/api/v1/admin/orders', { headers: { Authorization: 'Bearer ec_live_short' } })).status).toBe(401)

    const key = await newKey(['orders:read'])
    expect((await api('GET', '/api/v1/admin/orders', { headers: key.auth })).status).toBe(200)
    const revoked = await api('POST', `/api/v1/admin/api-keys/${key.id}/revoke`, { headers: key.owner.auth })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revoked_at).toEqual(expect.any(String))
    const after = await api('GET', '/api/v1/admin/orders', { headers: key.auth })
    expect(after.status).toBe(401)
    expect(after.body.error.message).toMatch(/revoked/)
    expect((await api('POST', '/api/v1/admin/api-keys/key_missing/revoke', { headers: key.owner.auth })).status).toBe(404)

    const other = await newKey(['orders:read'])
    await getDb(env).update(users).set({ disabledAt: new Date().toISOString() }).where(eq(users.id, other.owner.id))
    expect((await api('GET', '/api/v1/admin/orders', { headers: other.auth })).status).toBe(401)
  })

  it('records the last use, writing at most once a minute', async () => {
    const key = await newKey(['orders:read'])
    const before = Date.now()
    expect((await api('GET', '/api/v1/admin/orders', { headers: key.auth })).status).toBe(200)
    const first = (await getDb(env).select().from(apiKeys).where(eq(apiKeys.id, key.id)).get())!.lastUsedAt
    expect(first).not.toBeNull()
    expect(Date.parse(first!)).toBeGreaterThanOrEqual(before - 1000)
    expect((await api('GET', '/api/v1/admin/orders', { headers: key.auth })).status).toBe(200)
    expect((await getDb(env).select().from(apiKeys).where(eq(apiKeys.id, key.id)).get())!.lastUsedAt).toBe(first)
    // An hour-old use is rewritten on the next call.
    await getDb(env).update(apiKeys).set({ lastUsedAt: '2020-01-01T00:00:00.000Z' }).where(eq(apiKeys.id, key.id))
    expect((await api('GET', '/api/v1/admin/orders', { headers: key.auth })).status).toBe(200)
    const later = (await getDb(env).select().from(apiKeys).where(eq(apiKeys.id, key.id)).get())!.lastUsedAt
    expect(Date.parse(later!)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('rate-limits each key on its own, across IPs', async () => {
    const tiny = { RATE_LIMIT_READ: env.RATE_LIMIT_TINY }
    const a = await newKey(['orders:read'])
    const b = await newKey(['orders:read'])
    for (let i = 0; i < 3; i++) {
      const res = await apiWith(tiny, 'GET', '/api/v1/admin/orders', { headers: { ...a.auth, 'CF-Connecting-IP': uniqueIp() } })
      expect(res.status).toBe(200)
    }
    const limited = await apiWith(tiny, 'GET', '/api/v1/admin/orders', { headers: { ...a.auth, 'CF-Connecting-IP': uniqueIp() } })
    expect(limited.status).toBe(429)
    expect(limited.body.error.details[0].scope).toBe('key')
    const other = await apiWith(tiny, 'GET', '/api/v1/admin/orders', { headers: { ...b.auth, 'CF-Connecting-IP': uniqueIp() } })
    expect(other.status).toBe(200)
  })

  it('is documented in OpenAPI as a second security scheme on the scoped routes', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as any
    expect(doc.components.securitySchemes.apiKeyAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    const list = doc.paths['/api/v1/admin/orders'].get
    expect(list.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: ['orders:read'] }])
    expect(list['x-scopes']).toEqual(['orders:read'])
    expect(doc.paths['/api/v1/admin/products/{id}/variants/{variantId}/stock'].post.security).toContainEqual({
      apiKeyAuth: ['stock:write'],
    })
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearerAuth: [] }])
  })
})
