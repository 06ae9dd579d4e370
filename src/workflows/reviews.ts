/**
 * A customer's review of a product: catalog and orders in one flow. Only a customer who bought the
 * product (an order of theirs in PURCHASE_STATUSES includes it, src/modules/orders/purchases.ts) may
 * review it, once; sellers never review their own products. The review records the order that proves
 * the purchase (`verified_purchase`).
 */
import type { AuthUser } from '../lib/context'
import type { DB } from '../lib/db'
import { AppError } from '../lib/errors'
import { insertReview, reviewableProduct } from '../modules/catalog/reviews'
import type { Review, ReviewCreate } from '../modules/catalog/schema'
import { purchaseOf } from '../modules/orders/purchases'

/** 404 no such active product, 403 own product or no purchase (`purchase_required`), 409 already reviewed. */
export async function postReview(db: DB, user: AuthUser, idOrSlug: string, input: ReviewCreate): Promise<Review> {
  const product = await reviewableProduct(db, user, idOrSlug)
  const orderId = await purchaseOf(db, user.id, product.id)
  if (!orderId) {
    throw new AppError('purchase_required', 'Only customers who bought this product can review it (a paid order of yours must include it)')
  }
  return insertReview(db, user, product.id, input, orderId)
}
