import { beforeAll, describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'

describe('pricing admin API: access', () => {
  it('needs a staff or admin token', async () => {
    const customer = await createUser('customer')
    const seller = await createUser('seller')
    const staff = await createUser('staff')
    for (const path of ['/api/v1/admin/tax-rates', '/api/v1/admin/shipping-methods', '/api/v1/admin/discounts']) {
      expect((await api('GET', path)).status).toBe(401)
      expect((await api('GET', path, { headers: customer.auth })).status).toBe(403)
      expect((await api('GET', path, { headers: seller.auth })).status).toBe(403)
      expect((await api('GET', path, { headers: staff.auth })).status).toBe(200)
    }
  })
})

describe('tax rates', () => {
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    admin = await createUser('admin')
  })

  it('create, read, update, delete', async () => {
    const created = await api('POST', '/api/v1/admin/tax-rates', {
      headers: admin.auth,
      body: { country: 'gb', name: 'VAT', rate_bps: 2000, inclusive: true },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ country: 'GB', region: null, rate_bps: 2000, inclusive: true })
    const id = created.body.id
    expect((await api('GET', `/api/v1/admin/tax-rates/${id}`, { headers: admin.auth })).body.name).toBe('VAT')
    const patched = await api('PATCH', `/api/v1/admin/tax-rates/${id}`, { headers: admin.auth, body: { rate_bps: 500 } })
    expect(patched.body).toMatchObject({ rate_bps: 500, inclusive: true })
    expect((await api('DELETE', `/api/v1/admin/tax-rates/${id}`, { headers: admin.auth })).status).toBe(204)
    expect((await api('GET', `/api/v1/admin/tax-rates/${id}`, { headers: admin.auth })).status).toBe(404)
    expect((await api('DELETE', `/api/v1/admin/tax-rates/${id}`, { headers: admin.auth })).status).toBe(404)
  })

  it('one rate per country and per country+region', async () => {
    const post = (body: unknown) => api('POST', '/api/v1/admin/tax-rates', { headers: admin.auth, body })
    expect((await post({ country: 'CA', name: 'GST', rate_bps: 500 })).status).toBe(201)
    expect((await post({ country: 'CA', name: 'GST again', rate_bps: 500 })).status).toBe(409)
    expect((await post({ country: 'CA', region: 'on', name: 'HST', rate_bps: 1300 })).status).toBe(201)
    const dup = await post({ country: 'CA', region: 'ON', name: 'HST 2', rate_bps: 1300 })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('conflict')
  })

  it('rejects bad input with 400', async () => {
    const post = (body: unknown) => api('POST', '/api/v1/admin/tax-rates', { headers: admin.auth, body })
    for (const body of [
      { country: 'USA', name: 'x', rate_bps: 100 },
      { country: 'US', name: 'x', rate_bps: 10001 },
      { country: 'US', name: 'x', rate_bps: 7.5 },
      { country: 'US', name: '', rate_bps: 100 },
      { country: 'US', region: 'has space', name: 'x', rate_bps: 100 },
    ]) {
      const r = await post(body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.error.code).toBe('validation_error')
    }
  })
})

describe('shipping methods', () => {
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    admin = await createUser('admin')
  })

  it('kinds need their numbers', async () => {
    const post = (body: unknown) => api('POST', '/api/v1/admin/shipping-methods', { headers: admin.auth, body })
    expect((await post({ name: 'F', kind: 'free_over', currency: 'USD', amount: 500 })).status).toBe(400)
    expect((await post({ name: 'W', kind: 'per_weight', currency: 'USD', amount: 500 })).status).toBe(400)
    expect((await post({ name: 'X', kind: 'flat', currency: 'usd', amount: 500 })).status).toBe(400)
    expect((await post({ name: 'X', kind: 'flat', currency: 'USD', amount: -1 })).status).toBe(400)
    const ok = await post({ name: 'W', kind: 'per_weight', currency: 'USD', amount: 500, per_kg_amount: 100 })
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ kind: 'per_weight', per_kg_amount: 100, countries: null, active: true })
    // changing the kind without the number it needs is refused too
    const patch = await api('PATCH', `/api/v1/admin/shipping-methods/${ok.body.id}`, {
      headers: admin.auth,
      body: { kind: 'free_over' },
    })
    expect(patch.status).toBe(400)
  })

  it('public list shows active methods for the destination country', async () => {
    const post = (body: unknown) => api('POST', '/api/v1/admin/shipping-methods', { headers: admin.auth, body })
    const everywhere = (await post({ name: 'World', kind: 'flat', currency: 'EUR', amount: 1500 })).body
    const de = (await post({ name: 'DE only', kind: 'flat', currency: 'EUR', amount: 500, countries: ['de', 'AT'] })).body
    const off = (await post({ name: 'Off', kind: 'flat', currency: 'EUR', amount: 1, active: false })).body
    expect(de.countries).toEqual(['AT', 'DE'])

    const ids = async (q: string) => ((await api('GET', `/api/v1/shipping-methods${q}`)).body.data as { id: string }[]).map((m) => m.id)
    const forDe = await ids('?country=DE&currency=EUR')
    expect(forDe).toContain(everywhere.id)
    expect(forDe).toContain(de.id)
    expect(forDe).not.toContain(off.id)
    const forFr = await ids('?country=fr&currency=EUR')
    expect(forFr).toContain(everywhere.id)
    expect(forFr).not.toContain(de.id)
    expect((await api('GET', '/api/v1/shipping-methods?country=Germany')).status).toBe(400)

    const patched = await api('PATCH', `/api/v1/admin/shipping-methods/${de.id}`, { headers: admin.auth, body: { active: false } })
    expect(patched.body.active).toBe(false)
    expect(await ids('?country=DE&currency=EUR')).not.toContain(de.id)
    expect((await api('DELETE', `/api/v1/admin/shipping-methods/${de.id}`, { headers: admin.auth })).status).toBe(204)
  })
})
