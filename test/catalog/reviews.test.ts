import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeProduct, sku } from './fixtures'
import { buyerOf, customerWithOrder } from './review-fixtures'

const stocked = async () => {
  const seller = await createUser('seller')
  return { seller, product: await makeProduct(seller, { variants: [{ sku: sku(), price: 1000, stock: 50 }] }) }
}
const review = (user: { auth: Record<string, string> }, productId: string, body: Record<string, unknown>) =>
  api('POST', `/api/v1/products/${productId}/reviews`, { headers: user.auth, body })

// Every reviewer first checks out and gets paid for, so these run longer than most (a safety net
// for a loaded machine, not an expectation).
const SLOW = 120_000

describe('reviews (verified purchases only)', () => {
  it(
    'a buyer reviews once; verified_purchase is set; rating average and count kept on the product',
    async () => {
      const { product: p } = await stocked()
      const ratings = [5, 4, 4]
      for (const rating of ratings) {
        const user = await buyerOf(p.variants[0]!.id)
        const res = await review(user, p.id, { rating, title: 'Nice', body: 'Works' })
        expect(res.status).toBe(201)
        expect(res.body).toMatchObject({ rating, title: 'Nice', product_id: p.id, verified_purchase: true })
        if (rating === 5) {
          const again = await review(user, p.slug, { rating: 1 })
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
      const all = [...page1.body.data, ...page2.body.data]
      expect(all.map((r: { rating: number }) => r.rating).sort()).toEqual([4, 4, 5])
      expect(all.every((r: { verified_purchase: boolean }) => r.verified_purchase === true)).toBe(true)
    },
    SLOW,
  )

  it(
    'refuses anyone without a paid order of the product: 403 purchase_required, nothing counted',
    async () => {
      const { product: p } = await stocked()
      const { product: other } = await stocked()
      const expectRefused = async (user: { auth: Record<string, string> }, why: string) => {
        const res = await review(user, p.id, { rating: 1, body: 'never bought it' })
        expect(res.status, why).toBe(403)
        expect(res.body.error.code, why).toBe('purchase_required')
        expect(res.body.error.message, why).toMatch(/bought this product/)
        expect(res.body.error.request_id, why).toEqual(expect.any(String))
      }
      // A brand-new account.
      await expectRefused(await createUser('customer'), 'no orders')
      // An order that is placed but not paid.
      const pending = await customerWithOrder(p.variants[0]!.id, { paid: false })
      await expectRefused(pending.user, 'pending order')
      // The customer cancels the unpaid order.
      expect((await api('POST', `/api/v1/orders/${pending.order.id}/cancel`, { headers: pending.user.auth, body: {} })).status).toBe(200)
      await expectRefused(pending.user, 'cancelled order')
      // A paid order of a different product.
      await expectRefused(await buyerOf(other.variants[0]!.id), 'bought something else')
      // Staff are no exception.
      await expectRefused(await createUser('staff'), 'staff')

      const detail = await api('GET', `/api/v1/products/${p.id}`)
      expect(detail.body.rating).toEqual({ average: 0, count: 0 })
      expect((await api('GET', `/api/v1/products/${p.id}/reviews`)).body.data).toEqual([])

      // Paying for it is what makes the difference, for the same customer.
      const later = await customerWithOrder(p.variants[0]!.id, { user: pending.user })
      expect((await review(later.user, p.id, { rating: 4 })).status).toBe(201)
    },
    SLOW,
  )

  it(
    'refuses a fully refunded order but accepts a partly refunded one',
    async () => {
      const { product: p } = await stocked()
      const refunded = await customerWithOrder(p.variants[0]!.id)
      const partly = await customerWithOrder(p.variants[0]!.id)
      // Manual payments: the refund is recorded (paid out by hand); no body refunds the rest in full.
      const refund = async (orderId: string, amount?: number) => {
        const res = await api('POST', `/api/v1/admin/orders/${orderId}/refunds`, {
          headers: refunded.admin.auth,
          body: amount ? { amount } : {},
        })
        expect(res.status, JSON.stringify(res.body)).toBe(201)
        return res.body.order.status as string
      }
      expect(await refund(refunded.order.id)).toBe('refunded')
      expect(await refund(partly.order.id, 100)).toBe('partially_refunded')
      const full = await review(refunded.user, p.id, { rating: 1 })
      expect(full.status).toBe(403)
      expect(full.body.error.code).toBe('purchase_required')
      const part = await review(partly.user, p.id, { rating: 3 })
      expect(part.status).toBe(201)
      expect(part.body.verified_purchase).toBe(true)
    },
    SLOW,
  )

  it(
    'validates input and requires sign-in',
    async () => {
      const { seller, product: p } = await stocked()
      const user = await buyerOf(p.variants[0]!.id)
      for (const rating of [0, 6, 4.5, '5']) {
        const res = await review(user, p.id, { rating })
        expect(res.status).toBe(400)
        expect(res.body.error.code).toBe('validation_error')
      }
      expect((await api('POST', `/api/v1/products/${p.id}/reviews`, { body: { rating: 5 } })).status).toBe(401)
      expect((await review(seller, p.id, { rating: 5 })).status).toBe(403)
      expect((await review(user, 'prd_missing', { rating: 5 })).status).toBe(404)
      expect((await api('GET', '/api/v1/products/prd_missing/reviews')).status).toBe(404)
    },
    SLOW,
  )

  it(
    'keeps the count exact under concurrent reviews',
    async () => {
      const { product: p } = await stocked()
      const users = await Promise.all(Array.from({ length: 6 }, () => buyerOf(p.variants[0]!.id)))
      const results = await Promise.all(users.map((u, i) => review(u, p.id, { rating: (i % 5) + 1 })))
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(201))
      const detail = await api('GET', `/api/v1/products/${p.id}`)
      // ratings 1,2,3,4,5,1 -> 16/6 = 2.666… -> 2.67
      expect(detail.body.rating).toEqual({ average: 2.67, count: 6 })
    },
    SLOW,
  )
})
