import { and, desc, eq, sql } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import type { DB } from '../../lib/db'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { olderThanCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import { users } from '../accounts/tables'
import { isUniqueViolation, runBatch } from '../../lib/d1'
import type { AdminReview, AdminReviewListQuery, Review, ReviewCreate } from './schema'
import { products, reviews } from './tables'

type ReviewRow = typeof reviews.$inferSelect

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  product_id: r.productId,
  rating: r.rating,
  title: r.title,
  body: r.body,
  verified_purchase: r.orderId !== null,
  created_at: r.createdAt,
})

async function activeProduct(db: DB, idOrSlug: string) {
  const row = await db
    .select({ id: products.id, sellerId: products.sellerId })
    .from(products)
    .where(and(sql`(${products.id} = ${idOrSlug} OR ${products.slug} = ${idOrSlug})`, eq(products.status, 'active')))
    .get()
  if (!row) throw notFound('Product')
  return row
}

/** Published reviews only, newest first, keyset-paginated on (created_at, id). */
export async function listReviews(db: DB, idOrSlug: string, limit: number, cursor?: string) {
  const product = await activeProduct(db, idOrSlug)
  const rows = await db
    .select()
    .from(reviews)
    .where(
      and(
        eq(reviews.productId, product.id),
        eq(reviews.status, 'published'),
        cursor ? olderThanCursor(cursor, reviews.createdAt, reviews.id) : undefined,
      ),
    )
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(limit + 1)
  const page = paginate(rows, limit, (r) => [r.createdAt, r.id])
  return { data: page.data.map(toReview), next_cursor: page.next_cursor }
}

/** The active product `user` may review: 404 when there is none, 403 when it is their own. */
export async function reviewableProduct(db: DB, user: AuthUser, idOrSlug: string): Promise<{ id: string }> {
  const product = await activeProduct(db, idOrSlug)
  if (product.sellerId === user.id) throw forbidden('Sellers cannot review their own products')
  return { id: product.id }
}

/**
 * Store `user`'s review of the product, proved by `orderId` (the reviews workflow,
 * src/workflows/reviews.ts, finds that order first). Once per user and product: the UNIQUE index
 * decides, so concurrent posts cannot both win. The product's rating sum/count/average move in the
 * same batch with SQL arithmetic on the row's current values, never a read-modify-write from the Worker.
 */
export async function insertReview(db: DB, user: AuthUser, productId: string, input: ReviewCreate, orderId: string): Promise<Review> {
  const row: ReviewRow = {
    id: newId('rev'),
    productId,
    userId: user.id,
    rating: input.rating,
    title: input.title || null,
    body: input.body || null,
    orderId,
    status: 'published',
    moderatedAt: null,
    moderatedBy: null,
    moderationReason: null,
    createdAt: nowIso(),
  }
  // D1 binds JS numbers as REAL; cast so the average below is integer division.
  const r = sql`CAST(${input.rating} AS INTEGER)`
  try {
    await runBatch(db, [
      db.insert(reviews).values(row),
      db
        .update(products)
        .set({
          ratingSum: sql`rating_sum + ${r}`,
          ratingCount: sql`rating_count + 1`,
          // Rounded half up to hundredths: (sum*100 + count/2) / count, all integers.
          ratingAvgX100: sql`((rating_sum + ${r}) * 100 + (rating_count + 1) / 2) / (rating_count + 1)`,
        })
        .where(eq(products.id, productId)),
    ])
  } catch (err) {
    if (isUniqueViolation(err, 'reviews.product_id')) throw new AppError('already_reviewed', 'You have already reviewed this product')
    throw err
  }
  return toReview(row)
}

// ---- staff moderation

const adminColumns = {
  review: reviews,
  productName: products.name,
  authorName: users.name,
}

type AdminRow = { review: ReviewRow; productName: string; authorName: string }

const toAdminReview = ({ review: r, productName, authorName }: AdminRow): AdminReview => ({
  ...toReview(r),
  product_name: productName,
  user_id: r.userId,
  author_name: authorName,
  order_id: r.orderId,
  status: r.status,
  moderated_at: r.moderatedAt,
  moderated_by: r.moderatedBy,
  moderation_reason: r.moderationReason,
})

/** Every review (any product status), newest first, optionally one state and/or one product. */
export async function listReviewsForStaff(db: DB, q: AdminReviewListQuery) {
  const rows = await db
    .select(adminColumns)
    .from(reviews)
    .innerJoin(products, eq(products.id, reviews.productId))
    .innerJoin(users, eq(users.id, reviews.userId))
    .where(
      and(
        q.status ? eq(reviews.status, q.status) : undefined,
        q.product_id ? eq(reviews.productId, q.product_id) : undefined,
        q.cursor ? olderThanCursor(q.cursor, reviews.createdAt, reviews.id) : undefined,
      ),
    )
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(q.limit + 1)
  const page = paginate(rows, q.limit, (r) => [r.review.createdAt, r.review.id])
  return { data: page.data.map(toAdminReview), next_cursor: page.next_cursor }
}

async function getAdminReview(db: DB, id: string): Promise<AdminReview> {
  const row = await db
    .select(adminColumns)
    .from(reviews)
    .innerJoin(products, eq(products.id, reviews.productId))
    .innerJoin(users, eq(users.id, reviews.userId))
    .where(eq(reviews.id, id))
    .get()
  if (!row) throw notFound('Review')
  return toAdminReview(row)
}

/**
 * Hide or restore a review. The state change and the product's rating (sum, count, average over
 * its published reviews, recomputed from the rows) are one D1 batch, so the rating always matches
 * the visible reviews, whatever runs concurrently. Idempotent: hiding a hidden review (or restoring
 * a published one) changes nothing and answers the review as it is, its first reason kept.
 */
export async function moderateReview(
  db: DB,
  staff: AuthUser,
  id: string,
  to: 'hidden' | 'published',
  reason: string | null,
): Promise<AdminReview> {
  const current = await db.select({ productId: reviews.productId }).from(reviews).where(eq(reviews.id, id)).get()
  if (!current) throw notFound('Review')
  const from = to === 'hidden' ? 'published' : 'hidden'
  const published = sql`FROM reviews WHERE product_id = ${current.productId} AND status = 'published'`
  await runBatch(db, [
    db
      .update(reviews)
      .set({ status: to, moderatedAt: nowIso(), moderatedBy: staff.id, moderationReason: reason })
      .where(and(eq(reviews.id, id), eq(reviews.status, from))),
    db
      .update(products)
      .set({
        ratingSum: sql`(SELECT coalesce(sum(rating), 0) ${published})`,
        ratingCount: sql`(SELECT count(*) ${published})`,
        ratingAvgX100: sql`(SELECT CASE WHEN count(*) = 0 THEN 0 ELSE (sum(rating) * 100 + count(*) / 2) / count(*) END ${published})`,
      })
      .where(eq(products.id, current.productId)),
  ])
  return getAdminReview(db, id)
}
