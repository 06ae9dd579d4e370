import { describe, expect, it } from 'vitest'
import { api } from '../helpers'
import { bearer, register } from './util'

const home = { label: 'Home', name: 'Ann Lee', line1: 'Abay ave 1', city: 'Almaty', postal_code: '050000', country: 'kz' }

async function user() {
  const t = await register()
  const h = bearer(t.access_token)
  return {
    h,
    add: (body: object) => api('POST', '/api/v1/me/addresses', { headers: h, body }),
    list: async () => (await api('GET', '/api/v1/me/addresses', { headers: h })).body.data as { id: string; is_default: boolean }[],
  }
}

describe('addresses', () => {
  it('CRUD round trip; country upper-cased; first address is the default', async () => {
    const u = await user()
    const created = await u.add(home)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ country: 'KZ', is_default: true, line2: null })
    const id = created.body.id

    const got = await api('GET', `/api/v1/me/addresses/${id}`, { headers: u.h })
    expect(got.body).toEqual(created.body)

    const patched = await api('PATCH', `/api/v1/me/addresses/${id}`, { headers: u.h, body: { city: 'Astana', line2: 'Flat 5' } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ city: 'Astana', line2: 'Flat 5', line1: 'Abay ave 1' })

    expect((await api('DELETE', `/api/v1/me/addresses/${id}`, { headers: u.h })).status).toBe(204)
    expect((await api('GET', `/api/v1/me/addresses/${id}`, { headers: u.h })).status).toBe(404)
    expect(await u.list()).toEqual([])
  })

  it('keeps exactly one default: a new default unsets the old one', async () => {
    const u = await user()
    const a = (await u.add(home)).body
    const b = (await u.add({ ...home, label: 'Work' })).body
    expect(b.is_default).toBe(false)
    const c = (await u.add({ ...home, label: 'Parents', is_default: true })).body
    expect(c.is_default).toBe(true)
    let list = await u.list()
    expect(list.filter((x) => x.is_default).map((x) => x.id)).toEqual([c.id])
    expect(list[0]!.id).toBe(c.id)

    await api('PATCH', `/api/v1/me/addresses/${a.id}`, { headers: u.h, body: { is_default: true } })
    list = await u.list()
    expect(list.filter((x) => x.is_default).map((x) => x.id)).toEqual([a.id])

    // Deleting the default promotes another one.
    await api('DELETE', `/api/v1/me/addresses/${a.id}`, { headers: u.h })
    list = await u.list()
    expect(list).toHaveLength(2)
    expect(list.filter((x) => x.is_default)).toHaveLength(1)
  })

  it("another user's address answers 404 for read, update, delete, and is untouched", async () => {
    const owner = await user()
    const other = await user()
    const mine = (await owner.add(home)).body
    const theirs = (await other.add(home)).body
    expect((await api('GET', `/api/v1/me/addresses/${mine.id}`, { headers: other.h })).status).toBe(404)
    const patch = await api('PATCH', `/api/v1/me/addresses/${mine.id}`, { headers: other.h, body: { city: 'Hacked' } })
    expect(patch.status).toBe(404)
    // Setting someone else's address as default must not unset the caller's own default.
    const steal = await api('PATCH', `/api/v1/me/addresses/${mine.id}`, { headers: other.h, body: { is_default: true } })
    expect(steal.status).toBe(404)
    expect((await other.list()).find((x) => x.id === theirs.id)!.is_default).toBe(true)
    expect((await api('DELETE', `/api/v1/me/addresses/${mine.id}`, { headers: other.h })).status).toBe(404)
    const still = await api('GET', `/api/v1/me/addresses/${mine.id}`, { headers: owner.h })
    expect(still.body).toMatchObject({ city: 'Almaty', is_default: true })
    expect((await other.list()).map((x) => x.id)).toEqual([theirs.id])
  })

  it('validates country codes and required fields', async () => {
    const u = await user()
    for (const body of [
      { ...home, country: 'XX' },
      { ...home, country: 'KAZ' },
      { ...home, city: '' },
      { label: 'x' },
      { ...home, extra: 1 },
    ]) {
      const res = await u.add(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
    }
    const empty = await api('PATCH', '/api/v1/me/addresses/adr_missing', { headers: u.h, body: {} })
    expect(empty.status).toBe(400)
  })

  it('requires authentication', async () => {
    expect((await api('GET', '/api/v1/me/addresses')).status).toBe(401)
    expect((await api('POST', '/api/v1/me/addresses', { body: home })).status).toBe(401)
  })
})
