import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { newId } from '../../src/lib/ids'
import { createDiscount, discountRedemptionStatements, getDiscount, isDiscountLimitError, quote } from '../../src/modules/pricing/service'
import { api, createUser } from '../helpers'
import { createProduct } from '../fixtures/catalog'

const db = () => getDb(env)

function code(overrides: Partial<Parameters<typeof createDiscount>[1]> = {}) {
  return createDiscount(db(), {
    code: `C${newId('x').slice(-10)}`.toUpperCase(),
    description: null,
    kind: 'percentage',
    value: 1000,
    currency: null,
    min_subtotal: 0,
    usage_limit: null,
    per_customer_limit: null,
    starts_at: null,
    expires_at: null,
    active: true,
    ...overrides,
  })
}

/** What checkout does: the redemption in one batch with (here, a stand-in for) the order write. */
async function redeem(discount_id: string, user_id: string | null) {
  const d = db()
  const [first, ...rest] = discountRedemptionStatements(d, { discount_id, user_id, order_id: newId('ord') })
  try {
    await d.batch([first!, ...rest])
    return 'ok'
  } catch (err) {
    if (isDiscountLimitError(err)) return 'limit'
    throw err
  }
}

describe('discount redemption limits (database-enforced)', () => {
  it('per-customer limit: a second redemption by the same customer aborts the batch', async () => {
    const d = await code({ per_customer_limit: 1 })
    const u1 = await createUser()
    const u2 = await createUser()
    expect(await redeem(d.id, u1.id)).toBe('ok')
    expect(await redeem(d.id, u1.id)).toBe('limit')
    expect(await redeem(d.id, u2.id)).toBe('ok')
    // the failed batch left nothing behind: used_count counts the two good redemptions only
    expect((await getDiscount(db(), d.id)).used_count).toBe(2)
  })

  it('total usage limit holds under parallel redemptions', async () => {
    const d = await code({ usage_limit: 3 })
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser()))
    const results = await Promise.all(users.map((u) => redeem(d.id, u.id)))
    expect(results.filter((r) => r === 'ok')).toHaveLength(3)
    expect(results.filter((r) => r === 'limit')).toHaveLength(9)
    expect((await getDiscount(db(), d.id)).used_count).toBe(3)
  })

  it('quote reports exhausted and per-customer-used codes and does not apply them', async () => {
    const p = await createProduct({ variants: [{ price: 2000 }] })
    const lines = [{ variant_id: p.variants[0]!.id, quantity: 1 }]
    const total = await code({ usage_limit: 1 })
    const mine = await code({ per_customer_limit: 1 })
    const u = await createUser()
    expect((await quote(env, { lines, discount_code: total.code, user_id: u.id })).discount).toBe(200)
    expect(await redeem(total.id, null)).toBe('ok')
    expect(await redeem(mine.id, u.id)).toBe('ok')
    const q1 = await quote(env, { lines, discount_code: total.code, user_id: u.id })
    expect(q1.problems.map((x) => x.reason)).toEqual(['discount_exhausted'])
    expect(q1.discount).toBe(0)
    const q2 = await quote(env, { lines, discount_code: mine.code.toLowerCase(), user_id: u.id })
    expect(q2.problems.map((x) => x.reason)).toEqual(['discount_customer_limit'])
    const other = await createUser()
    expect((await quote(env, { lines, discount_code: mine.code, user_id: other.id })).discount).toBe(200)
  })

  it('an order can redeem a code only once; unrelated errors are not limit errors', async () => {
    const d = await code()
    const order_id = newId('ord')
    const stmts = () => discountRedemptionStatements(db(), { discount_id: d.id, user_id: null, order_id })
    const [a, ...ra] = stmts()
    await db().batch([a!, ...ra])
    const [b, ...rb] = stmts()
    const err = await db()
      .batch([b!, ...rb])
      .then(() => null)
      .catch((e: unknown) => e)
    expect(err).toBeTruthy()
    expect(isDiscountLimitError(err)).toBe(false)
    expect((await getDiscount(db(), d.id)).used_count).toBe(1)
  })
})

describe('discount admin API', () => {
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    admin = await createUser('admin')
  })

  it('codes are unique case-insensitively and stored upper case', async () => {
    const r = await api('POST', '/api/v1/admin/discounts', {
      headers: admin.auth,
      body: { code: 'Summer-26', kind: 'percentage', value: 1500 },
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ code: 'SUMMER-26', used_count: 0, active: true })
    const dup = await api('POST', '/api/v1/admin/discounts', {
      headers: admin.auth,
      body: { code: 'summer-26', kind: 'fixed', value: 100, currency: 'USD' },
    })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('conflict')
  })

  it('validates shapes: fixed needs a currency, percentage max 100%, expiry after start', async () => {
    const post = (body: unknown) => api('POST', '/api/v1/admin/discounts', { headers: admin.auth, body })
    expect((await post({ code: 'FIX1', kind: 'fixed', value: 100 })).status).toBe(400)
    expect((await post({ code: 'PCT1', kind: 'percentage', value: 10001 })).status).toBe(400)
    expect((await post({ code: 'PCT2', kind: 'percentage', value: 1.5 })).status).toBe(400)
    expect((await post({ code: 'x', kind: 'percentage', value: 10 })).status).toBe(400)
    const bad = await post({
      code: 'WIN1',
      kind: 'percentage',
      value: 10,
      starts_at: '2027-01-02T00:00:00Z',
      expires_at: '2027-01-01T00:00:00Z',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('validation_error')
  })

  it('usage_limit cannot drop below redemptions; redeemed codes cannot be deleted', async () => {
    const d = await code({ usage_limit: 5 })
    expect(await redeem(d.id, null)).toBe('ok')
    expect(await redeem(d.id, null)).toBe('ok')
    const lower = await api('PATCH', `/api/v1/admin/discounts/${d.id}`, { headers: admin.auth, body: { usage_limit: 1 } })
    expect(lower.status).toBe(409)
    const ok = await api('PATCH', `/api/v1/admin/discounts/${d.id}`, { headers: admin.auth, body: { usage_limit: 2, active: false } })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ usage_limit: 2, used_count: 2, active: false })
    expect((await api('DELETE', `/api/v1/admin/discounts/${d.id}`, { headers: admin.auth })).status).toBe(409)
    const fresh = await code()
    expect((await api('DELETE', `/api/v1/admin/discounts/${fresh.id}`, { headers: admin.auth })).status).toBe(204)
    expect((await api('GET', `/api/v1/admin/discounts/${fresh.id}`, { headers: admin.auth })).status).toBe(404)
  })

  it('lists with cursor pagination', async () => {
    await code()
    await code()
    const first = await api('GET', '/api/v1/admin/discounts?limit=1', { headers: admin.auth })
    expect(first.status).toBe(200)
    expect(first.body.data).toHaveLength(1)
    expect(first.body.next_cursor).toEqual(expect.any(String))
    const second = await api('GET', `/api/v1/admin/discounts?limit=1&cursor=${first.body.next_cursor}`, { headers: admin.auth })
    expect(second.body.data[0].id > first.body.data[0].id).toBe(true)
    const bad = await api('GET', '/api/v1/admin/discounts?cursor=garbage', { headers: admin.auth })
    expect(bad.status).toBe(400)
  })
})
