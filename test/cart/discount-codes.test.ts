import { env } from 'cloudflare:test'
import { getDb } from '../../src/lib/db'
import { beforeAll, describe, expect, it } from 'vitest'
import { createDiscount, createShippingMethod } from '../../src/modules/pricing/service'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { uniqueIp } from '../accounts/util'
import { addToCart, checkout, checkoutBody } from '../orders/fixtures'
import { apiWith } from '../security/util'

const base = {
  description: null,
  kind: 'fixed' as const,
  value: 100,
  currency: 'USD',
  min_subtotal: 0,
  usage_limit: null as number | null,
  per_customer_limit: null as number | null,
  starts_at: null as string | null,
  expires_at: null as string | null,
  active: true,
}
let n = 0
/** A code that exists but cannot apply for the given reason. */
async function code(overrides: Partial<typeof base> & { used?: number }) {
  const c = `ENUM${Date.now() % 1_000_000}X${++n}`
  const d = await createDiscount(getDb(env), { ...base, ...overrides, code: c })
  if (overrides.used) await env.DB.prepare('UPDATE discounts SET used_count = ? WHERE id = ?').bind(overrides.used, d.id).run()
  return c
}

/** What a caller can see of an answer, minus per-request values (request id, date, D1 bookmark). */
const visible = (res: { status: number; body: any; headers: Headers }) => ({
  status: res.status,
  body: res.body?.error ? { ...res.body, error: { ...res.body.error, request_id: undefined } } : res.body,
  headers: [...res.headers].filter(([k]) => !['x-request-id', 'date', 'x-d1-bookmark'].includes(k.toLowerCase())).sort(),
})

describe('discount codes: no enumeration', () => {
  let variantId: string
  let codes: Record<string, string>
  beforeAll(async () => {
    variantId = (await createProduct({ variants: [{ price: 2000, stock: 100 }] })).variants[0]!.id
    codes = {
      unknown: `NOPE${Date.now()}`,
      inactive: await code({ active: false }),
      not_started: await code({ starts_at: '2999-01-01T00:00:00Z' }),
      expired: await code({ expires_at: '2001-01-01T00:00:00Z' }),
      exhausted: await code({ usage_limit: 1, used: 1 }),
      members_only: await code({ per_customer_limit: 1 }),
      min_subtotal: await code({ min_subtotal: 1_000_000 }),
      other_currency: await code({ currency: 'KZT' }),
    }
  })

  it('a guest previewing any code that does not apply gets one identical answer', async () => {
    const cart = await api('POST', '/api/v1/cart/items', { body: { variant_id: variantId, quantity: 1 } })
    const headers = { 'X-Cart-Token': cart.body.token as string, 'CF-Connecting-IP': uniqueIp() }
    const answers: Record<string, ReturnType<typeof visible>> = {}
    for (const [why, c] of Object.entries(codes)) {
      answers[why] = visible(await api('GET', `/api/v1/cart?discount_code=${encodeURIComponent(c)}`, { headers }))
    }
    for (const [why, answer] of Object.entries(answers)) expect(answer, why).toEqual(answers.unknown)
    expect(answers.unknown!.status).toBe(200)
    expect(answers.unknown!.body).toMatchObject({
      discount: 0,
      discount_code: null,
      problems: [{ code: 'discount_not_applicable', message: 'This code cannot be applied' }],
    })
    expect(JSON.stringify(answers.unknown!.body)).not.toMatch(/reason|exist|expired|sign in/i)

    // A code that applies is still applied (the answer above is not "every code fails").
    const good = await code({})
    const applied = await api('GET', `/api/v1/cart?discount_code=${good}`, { headers })
    expect(applied.body).toMatchObject({ discount: 100, discount_code: good, problems: [] })
  })

  it('checkout answers an unknown code exactly like an existing one that cannot apply', async () => {
    const ship = (
      await createShippingMethod(getDb(env), {
        name: 'Flat',
        kind: 'flat',
        currency: 'USD',
        amount: 500,
        free_over_amount: null,
        per_kg_amount: null,
        countries: null,
        active: true,
        position: 0,
      })
    ).id
    const answers: Record<string, ReturnType<typeof visible>> = {}
    // (members_only applies to a signed-in customer who has not used it: not a refusal here.)
    for (const [why, c] of Object.entries(codes).filter(([why]) => why !== 'members_only')) {
      const user = await createUser()
      await addToCart(user, variantId, 1)
      const res = await checkout(user, `k-enum-${why}`, checkoutBody(ship, { discount_code: c }))
      answers[why] = visible(res)
    }
    for (const [why, answer] of Object.entries(answers)) expect(answer, why).toEqual(answers.unknown)
    expect(answers.unknown!.status).toBe(409)
    expect(answers.unknown!.body.error).toMatchObject({ code: 'discount_unavailable', message: 'This code cannot be applied' })
  })
})

describe('discount codes: guessing protection', () => {
  const tiny = () => ({ RATE_LIMIT_DISCOUNT: env.RATE_LIMIT_TINY })

  it('many wrong codes from one IP get 429 with Retry-After; the cart itself stays readable', async () => {
    const ip = uniqueIp()
    const headers = { 'CF-Connecting-IP': ip }
    const statuses: number[] = []
    let limited: Awaited<ReturnType<typeof apiWith>> | undefined
    for (let i = 0; i < 10; i++) {
      const res = await apiWith(tiny(), 'GET', `/api/v1/cart?discount_code=GUESS${i}`, { headers })
      statuses.push(res.status)
      if (res.status === 429) limited ??= res
    }
    // RATE_LIMIT_TINY allows 3 a minute per key.
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429])
    expect(limited!.headers.get('Retry-After')).toBe('60')
    expect(limited!.body.error).toMatchObject({ code: 'rate_limited', details: [{ scope: 'ip', retry_after_seconds: 60 }] })
    expect(limited!.body.error.request_id).toEqual(expect.any(String))
    // Reading the cart without a code is not a guess.
    expect((await apiWith(tiny(), 'GET', '/api/v1/cart', { headers })).status).toBe(200)
    // Another IP is not affected.
    expect((await apiWith(tiny(), 'GET', '/api/v1/cart?discount_code=GUESS', { headers: { 'CF-Connecting-IP': uniqueIp() } })).status).toBe(
      200,
    )
  })

  it('one cart guessing from many IPs is limited too', async () => {
    const cart = await api('POST', '/api/v1/cart/items', { body: { variant_id: (await createProduct()).variants[0]!.id, quantity: 1 } })
    const token = cart.body.token as string
    const statuses: number[] = []
    let last: Awaited<ReturnType<typeof apiWith>> | undefined
    for (let i = 0; i < 5; i++) {
      last = await apiWith(tiny(), 'GET', `/api/v1/cart?discount_code=TRY${i}`, {
        headers: { 'X-Cart-Token': token, 'CF-Connecting-IP': uniqueIp() },
      })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    expect(last!.headers.get('Retry-After')).toBe('60')
    expect(last!.body.error.details[0].scope).toBe('cart')

    // A signed-in user's cart is keyed by the user, whatever IP they come from.
    const user = await createUser()
    const userStatuses: number[] = []
    for (let i = 0; i < 4; i++) {
      userStatuses.push(
        (await apiWith(tiny(), 'GET', `/api/v1/cart?discount_code=U${i}`, { headers: { ...user.auth, 'CF-Connecting-IP': uniqueIp() } }))
          .status,
      )
    }
    expect(userStatuses).toEqual([200, 200, 200, 429])
  })
})
