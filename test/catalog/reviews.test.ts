import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeProduct } from './fixtures'

describe('reviews', () => {
  it('one review per user per product; rating average and count kept on the product', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const ratings = [5, 4, 4]
    for (const rating of ratings) {
      const user = await createUser('customer')
      const res = await api('POST', `/api/v1/products/${p.id}/reviews`, { headers: user.auth, body: { rating, title: 'Nice', body: 'Works' } })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ rating, title: 'Nice', product_id: p.id })
      if (rating === 5) {
        const again = await api('POST', `/api/v1/products/${p.slug}/reviews`, { headers: user.auth, body: { rating: 1 } })
        expect(again.status).toBe(409)
        expect(again.body.error.code).toBe('already_reviewed')
      }
    }
    const detail = await api('GET', `/api/v1/products/${p.id}`)
    expect(detail.body.rating).toEqual({ average: 4.33, count: 3 })

    const page1 = await api('GET', `/api/v1/products/${p.id}/reviews?limit=2`)
    expect(page1.body.data).toHaveLength(2)
    const page2 = await api('GET', `/api/v1/products/${p.id}/reviews?limit=2&cursor=${page1.body.next_cursor}`)
    expect(page2.body.data).toHaveLength(1)
    expect(page2.body.next_cursor).toBeNull()
    const all = [...page1.body.data, ...page2.body.data].map((r: { rating: number }) => r.rating)
    expect(all.sort()).toEqual([4, 4, 5])
  })

  it('validates input and requires sign-in', async () => {
    const seller = await createUser('seller')
    const user = await createUser('customer')
    const p = await makeProduct(seller)
    for (const rating of [0, 6, 4.5, '5']) {
      const res = await api('POST', `/api/v1/products/${p.id}/reviews`, { headers: user.auth, body: { rating } })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
    }
    expect((await api('POST', `/api/v1/products/${p.id}/reviews`, { body: { rating: 5 } })).status).toBe(401)
    expect((await api('POST', `/api/v1/products/${p.id}/reviews`, { headers: seller.auth, body: { rating: 5 } })).status).toBe(403)
    expect((await api('POST', '/api/v1/products/prd_missing/reviews', { headers: user.auth, body: { rating: 5 } })).status).toBe(404)
    expect((await api('GET', '/api/v1/products/prd_missing/reviews')).status).toBe(404)
  })

  it('keeps the count exact under concurrent reviews', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser('customer')))
    const results = await Promise.all(users.map((u, i) => api('POST', `/api/v1/products/${p.id}/reviews`, { headers: u.auth, body: { rating: (i % 5) + 1 } })))
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201))
    const detail = await api('GET', `/api/v1/products/${p.id}`)
    // ratings 1,2,3,4,5,1 -> 16/6 = 2.666… -> 2.67
    expect(detail.body.rating).toEqual({ average: 2.67, count: 6 })
  })
})
