import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { rateTier } from '../../src/lib/ratelimit'
import { createUser } from '../helpers'
import { uniqueEmail, uniqueIp } from '../accounts/util'
import { apiWith } from './util'

describe('rate limits (Workers Rate Limiting binding)', () => {
  it('puts sign-in, register, reset, checkout, reviews and payment starts in the strict tier', () => {
    expect(rateTier('POST', '/api/v1/auth/login')).toBe('strict')
    expect(rateTier('POST', '/api/v1/auth/register')).toBe('strict')
    expect(rateTier('POST', '/api/v1/auth/password-reset/request')).toBe('strict')
    expect(rateTier('POST', '/api/v1/checkout')).toBe('strict')
    expect(rateTier('POST', '/api/v1/products/prd_1/reviews')).toBe('strict')
    expect(rateTier('POST', '/api/v1/orders/ord_1/pay')).toBe('strict')
    expect(rateTier('GET', '/api/v1/products/prd_1/reviews')).toBe('read')
    expect(rateTier('GET', '/api/v1/products')).toBe('read')
    expect(rateTier('POST', '/api/v1/cart/items')).toBe('write')
  })

  it('answers 429 in the error envelope with Retry-After once an IP is over its limit; other IPs go on', async () => {
    const tiny = { RATE_LIMIT_STRICT: env.RATE_LIMIT_TINY }
    const ip = uniqueIp()
    const body = { email: uniqueEmail('rl'), password: 'wrong password' }
    for (let i = 0; i < 3; i++) {
      const res = await apiWith(tiny, 'POST', '/api/v1/auth/login', { body, headers: { 'CF-Connecting-IP': ip } })
      expect(res.status).toBe(401)
    }
    const limited = await apiWith(tiny, 'POST', '/api/v1/auth/login', { body, headers: { 'CF-Connecting-IP': ip } })
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(limited.body.error.request_id).toEqual(expect.any(String))
    const other = await apiWith(tiny, 'POST', '/api/v1/auth/login', { body, headers: { 'CF-Connecting-IP': uniqueIp() } })
    expect(other.status).toBe(401)
  })

  it('limits a signed-in user across IPs, and a forged token cannot spend their allowance', async () => {
    const tiny = { RATE_LIMIT_READ: env.RATE_LIMIT_TINY }
    const user = await createUser()
    const forged = { Authorization: `Bearer ${user.token.slice(0, -4)}AAAA` }
    for (let i = 0; i < 3; i++) {
      expect((await apiWith(tiny, 'GET', '/api/v1/me', { headers: { ...forged, 'CF-Connecting-IP': uniqueIp() } })).status).toBe(401)
    }
    for (let i = 0; i < 3; i++) {
      const res = await apiWith(tiny, 'GET', '/api/v1/me', { headers: { ...user.auth, 'CF-Connecting-IP': uniqueIp() } })
      expect(res.status).toBe(200)
    }
    const limited = await apiWith(tiny, 'GET', '/api/v1/me', { headers: { ...user.auth, 'CF-Connecting-IP': uniqueIp() } })
    expect(limited.status).toBe(429)
    expect(limited.body.error.details[0].scope).toBe('user')
  })

  it('catalog reads use their own (looser) tier: a spent strict tier does not block them', async () => {
    const tiny = { RATE_LIMIT_STRICT: env.RATE_LIMIT_TINY }
    const ip = uniqueIp()
    for (let i = 0; i < 4; i++) {
      await apiWith(tiny, 'POST', '/api/v1/auth/login', {
        body: { email: uniqueEmail(), password: 'x' },
        headers: { 'CF-Connecting-IP': ip },
      })
    }
    expect((await apiWith(tiny, 'GET', '/api/v1/products', { headers: { 'CF-Connecting-IP': ip } })).status).toBe(200)
  })

  it('a cached catalog read spends the per-IP read allowance only when it misses the cache', async () => {
    const tiny = { RATE_LIMIT_READ: env.RATE_LIMIT_TINY }
    const headers = { 'CF-Connecting-IP': uniqueIp() }
    // A price floor no other test asks for: the first read of each of these three is a miss.
    const floor = 1 + Math.floor(Math.random() * 1_000_000)
    const pages = [0, 1, 2].map((i) => `/api/v1/products?limit=5&min_price=${floor + i}`)
    for (const path of pages) {
      const miss = await apiWith(tiny, 'GET', path, { headers })
      expect(miss.status).toBe(200)
      expect(miss.headers.get('X-Cache')).toBe('MISS')
    }
    // The allowance (3) is spent, yet cached answers keep coming: a hit reads no D1.
    for (let i = 0; i < 5; i++) {
      const hit = await apiWith(tiny, 'GET', pages[i % 3]!, { headers })
      expect(hit.status).toBe(200)
      expect(hit.headers.get('X-Cache')).toBe('HIT')
    }
    // A fourth miss, and any read that is not a cached catalog read, is refused.
    const refused = await apiWith(tiny, 'GET', `/api/v1/products?limit=5&min_price=${floor + 3}`, { headers })
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('rate_limited')
    expect(refused.body.error.details[0].scope).toBe('ip')
    expect((await apiWith(tiny, 'GET', '/api/v1/categories/no-such-category-anywhere', { headers })).status).toBe(429)
    expect((await apiWith(tiny, 'GET', '/api/v1/products/prd_none/reviews', { headers })).status).toBe(429)
    // Another IP has its own allowance.
    expect(
      (await apiWith(tiny, 'GET', `/api/v1/products?limit=5&min_price=${floor + 3}`, { headers: { 'CF-Connecting-IP': uniqueIp() } }))
        .status,
    ).toBe(200)
  })
})
