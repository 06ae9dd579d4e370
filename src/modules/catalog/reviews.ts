import { and, desc, eq, sql } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import type { DB } from '../../lib/db'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { olderThanCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import { isUniqueViolation, runBatch } from './db-util'
import type { Review, ReviewCreate } from './schema'
import { products, reviews } from './tables'

type ReviewRow = typeof reviews.$inferSelect

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  product_id: r.productId,
  rating: r.rating,
  title: r.title,
  body: r.body,
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

/** Newest first, keyset-paginated on (created_at, id). */
export async function listReviews(db: DB, idOrSlug: string, limit: number, cursor?: string) {
  const product = await activeProduct(db, idOrSlug)
  const rows = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.productId, product.id), cursor ? olderThanCursor(cursor, reviews.createdAt, reviews.id) : undefined))
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(limit + 1)
  const page = paginate(rows, limit, (r) => [r.createdAt, r.id])
  return { data: page.data.map(toReview), next_cursor: page.next_cursor }
}

/**
 * One review per user per product (the UNIQUE index decides, so concurrent posts cannot both
 * win). The product's rating sum/count/average move in the same batch with SQL arithmetic on
 * the row's current values, never a read-modify-write from the Worker.
 */
export async function createReview(db: DB, user: AuthUser, idOrSlug: string, input: ReviewCreate): Promise<Review> {
  const product = await activeProduct(db, idOrSlug)
  if (product.sellerId === user.id) throw forbidden('Sellers cannot review their own products')
  const row: ReviewRow = {
    id: newId('rev'),
    productId: product.id,
    userId: user.id,
    rating: input.rating,
    title: input.title || null,
    body: input.body || null,
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
        .where(eq(products.id, product.id)),
    ])
  } catch (err) {
    if (isUniqueViolation(err, 'reviews.product_id')) throw new AppError('already_reviewed', 'You have already reviewed this product')
    throw err
  }
  return toReview(row)
}
