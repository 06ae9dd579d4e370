import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeProduct, sku } from './fixtures'
import { buyerOf } from './review-fixtures'

type Auth = { auth: Record<string, string> }

async function productWithReviews(ratings: number[]) {
  const seller = await createUser('seller')
  const product = await makeProduct(seller, { name: `Moderated ${sku('m')}`, variants: [{ sku: sku(), price: 1000, stock: 50 }] })
  const reviews: { id: string; rating: number; author: string }[] = []
  const buyers = await Promise.all(ratings.map(() => buyerOf(product.variants[0]!.id)))
  for (const [i, rating] of ratings.entries()) {
    const buyer = buyers[i]!
    const res = await api('POST', `/api/v1/products/${product.id}/reviews`, {
      headers: buyer.auth,
      body: { rating, title: `Rated ${rating}` },
    })
    expect(res.status).toBe(201)
    reviews.push({ id: res.body.id, rating, author: buyer.id })
  }
  return { product, reviews }
}

const hide = (who: Auth, id: string, body: Record<string, unknown> = { reason: 'Off-topic' }) =>
  api('POST', `/api/v1/admin/reviews/${id}/hide`, { headers: who.auth, body })
const restore = (who: Auth, id: string, body: Record<string, unknown> = {}) =>
  api('POST', `/api/v1/admin/reviews/${id}/restore`, { headers: who.auth, body })
const rating = async (productId: string) => (await api('GET', `/api/v1/products/${productId}`)).body.rating
const publicIds = async (productId: string) =>
  ((await api('GET', `/api/v1/products/${productId}/reviews?limit=100`)).body.data as { id: string }[]).map((r) => r.id).sort()

/** What D1 says the rating should be: the published reviews' rows. */
async function ratingFromRows(productId: string) {
  const row = await env.DB.prepare(
    `SELECT p.rating_sum AS sum, p.rating_count AS count,
        (SELECT coalesce(sum(rating), 0) FROM reviews WHERE product_id = p.id AND status = 'published') AS rows_sum,
        (SELECT count(*) FROM reviews WHERE product_id = p.id AND status = 'published') AS rows_count
     FROM products p WHERE p.id = ?`,
  )
    .bind(productId)
    .first<{ sum: number; count: number; rows_sum: number; rows_count: number }>()
  return row!
}

// Every reviewer first checks out and gets paid for: a generous timeout for a loaded machine.
const SLOW = 120_000

describe('review moderation (staff)', () => {
  it(
    'hiding drops a review from the public list and the rating; restoring adds it back; both idempotent',
    async () => {
      const staff = await createUser('staff')
      const { product, reviews } = await productWithReviews([5, 1, 4])
      expect(await rating(product.id)).toEqual({ average: 3.33, count: 3 })
      const one = reviews[1]!

      const hidden = await hide(staff, one.id, { reason: 'Abusive language' })
      expect(hidden.status).toBe(200)
      expect(hidden.body).toMatchObject({
        id: one.id,
        status: 'hidden',
        moderation_reason: 'Abusive language',
        moderated_by: staff.id,
        product_id: product.id,
        verified_purchase: true,
      })
      expect(await rating(product.id)).toEqual({ average: 4.5, count: 2 })
      expect(await publicIds(product.id)).toEqual([reviews[0]!.id, reviews[2]!.id].sort())

      // Hiding again changes nothing: the first reason stays, the rating is not taken off twice.
      const again = await hide(staff, one.id, { reason: 'Second thoughts' })
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ status: 'hidden', moderation_reason: 'Abusive language' })
      expect(await rating(product.id)).toEqual({ average: 4.5, count: 2 })

      const admin = await createUser('admin')
      const restored = await restore(admin, one.id, { reason: 'Appeal accepted' })
      expect(restored.status).toBe(200)
      expect(restored.body).toMatchObject({ status: 'published', moderation_reason: 'Appeal accepted', moderated_by: admin.id })
      expect(await rating(product.id)).toEqual({ average: 3.33, count: 3 })
      expect(await publicIds(product.id)).toEqual(reviews.map((r) => r.id).sort())
      expect((await restore(admin, one.id)).status).toBe(200)
      expect(await rating(product.id)).toEqual({ average: 3.33, count: 3 })

      // Hiding the last published review leaves an unrated product.
      for (const r of reviews) expect((await hide(staff, r.id)).status).toBe(200)
      expect(await rating(product.id)).toEqual({ average: 0, count: 0 })
      expect(await publicIds(product.id)).toEqual([])
    },
    SLOW,
  )

  it(
    'keeps the rating equal to the published rows under concurrent hides, restores and new reviews',
    async () => {
      const staff = await createUser('staff')
      const { product, reviews } = await productWithReviews([5, 4, 3, 2])
      const newcomers = await Promise.all([buyerOf(product.variants[0]!.id), buyerOf(product.variants[0]!.id)])
      const results = await Promise.all([
        hide(staff, reviews[0]!.id),
        hide(staff, reviews[0]!.id),
        hide(staff, reviews[1]!.id),
        restore(staff, reviews[1]!.id),
        hide(staff, reviews[2]!.id),
        ...newcomers.map((u, i) => api('POST', `/api/v1/products/${product.id}/reviews`, { headers: u.auth, body: { rating: i + 1 } })),
      ])
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 201, 201])
      const row = await ratingFromRows(product.id)
      expect(row.sum).toBe(row.rows_sum)
      expect(row.count).toBe(row.rows_count)
      expect(row.count).toBe((await publicIds(product.id)).length)
    },
    SLOW,
  )

  it(
    'lists reviews for staff newest first with product and author, filtered by state and product',
    async () => {
      const staff = await createUser('staff')
      const { product, reviews } = await productWithReviews([2, 5])
      await hide(staff, reviews[0]!.id, { reason: 'Spam' })

      const mine = await api('GET', `/api/v1/admin/reviews?product_id=${product.id}`, { headers: staff.auth })
      expect(mine.status).toBe(200)
      expect(mine.body.data.map((r: { id: string }) => r.id)).toEqual([reviews[1]!.id, reviews[0]!.id])
      expect(mine.body.data[1]).toMatchObject({
        product_name: product.name,
        author_name: 'Test customer',
        user_id: reviews[0]!.author,
        status: 'hidden',
        moderation_reason: 'Spam',
        order_id: expect.stringMatching(/^ord_/),
      })
      const hiddenOnly = await api('GET', `/api/v1/admin/reviews?product_id=${product.id}&status=hidden`, { headers: staff.auth })
      expect(hiddenOnly.body.data.map((r: { id: string }) => r.id)).toEqual([reviews[0]!.id])
      const published = await api('GET', `/api/v1/admin/reviews?product_id=${product.id}&status=published&limit=1`, { headers: staff.auth })
      expect(published.body.data.map((r: { id: string }) => r.id)).toEqual([reviews[1]!.id])
      expect(published.body.next_cursor).toBeNull()
      const paged = await api('GET', `/api/v1/admin/reviews?product_id=${product.id}&limit=1`, { headers: staff.auth })
      const next = await api('GET', `/api/v1/admin/reviews?product_id=${product.id}&limit=1&cursor=${paged.body.next_cursor}`, {
        headers: staff.auth,
      })
      expect(next.body.data.map((r: { id: string }) => r.id)).toEqual([reviews[0]!.id])
    },
    SLOW,
  )

  it(
    'is for staff and admins only; bad input is a 4xx in the envelope',
    async () => {
      const { reviews } = await productWithReviews([3])
      const id = reviews[0]!.id
      const customer = await createUser('customer')
      const seller = await createUser('seller')
      const staff = await createUser('staff')
      for (const who of [customer, seller]) {
        expect((await hide(who, id)).status).toBe(403)
        expect((await restore(who, id)).status).toBe(403)
        expect((await api('GET', '/api/v1/admin/reviews', { headers: who.auth })).status).toBe(403)
      }
      expect((await api('POST', `/api/v1/admin/reviews/${id}/hide`, { body: { reason: 'x' } })).status).toBe(401)
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
        const res = await hide(staff, id, body)
        expect(res.status).toBe(400)
        expect(res.body.error.code).toBe('validation_error')
      }
      const missing = await hide(staff, 'rev_missing')
      expect(missing.status).toBe(404)
      expect(missing.body.error.code).toBe('not_found')
      expect((await api('GET', '/api/v1/admin/reviews?status=deleted', { headers: staff.auth })).status).toBe(400)
      expect((await api('GET', '/api/v1/admin/reviews?cursor=nonsense', { headers: staff.auth })).status).toBe(400)
    },
    SLOW,
  )
})
