import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from '../accounts/tables'

export const categories = sqliteTable(
  'categories',
  {
    id: text('id').primaryKey(),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description'),
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('categories_slug_unique').on(t.slug), index('categories_parent_idx').on(t.parentId)],
)

export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    sellerId: text('seller_id')
      .notNull()
      .references(() => users.id),
    categoryId: text('category_id').references(() => categories.id),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description').notNull().default(''),
    status: text('status', { enum: ['draft', 'active', 'archived'] })
      .notNull()
      .default('draft'),
    /** All variants of a product share one currency. */
    currency: text('currency').notNull(),
    /** Lowest variant price, kept in step on every variant write: drives price filters and sorting. */
    priceMin: integer('price_min').notNull().default(0),
    priceMax: integer('price_max').notNull().default(0),
    /** Sum of variant stock, kept in step like priceMin. */
    stockTotal: integer('stock_total').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    /** ratingSum / ratingCount in hundredths, integer so sorting by rating is exact. */
    ratingAvgX100: integer('rating_avg_x100').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('products_slug_unique').on(t.slug),
    index('products_status_created_idx').on(t.status, t.createdAt, t.id),
    index('products_status_price_idx').on(t.status, t.priceMin, t.id),
    index('products_status_rating_idx').on(t.status, t.ratingAvgX100, t.id),
    index('products_category_idx').on(t.categoryId, t.status),
    index('products_seller_idx').on(t.sellerId, t.createdAt),
    // Issue 12 at 100k products (docs/benchmarks.md, fourth pass). The category tree counts active
    // products per category from this index alone instead of reading every active product row.
    index('products_status_category_idx').on(t.status, t.categoryId),
    // Relevance search joins every FTS match by id: the public filters are answered from this
    // index, so only the page's product rows are read.
    index('products_id_filters_idx').on(t.id, t.status, t.priceMin, t.stockTotal, t.categoryId),
  ],
)

export const productVariants = sqliteTable(
  'product_variants',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    /** Integer minor units in the product's currency. */
    price: integer('price').notNull(),
    compareAtPrice: integer('compare_at_price'),
    /** Never negative: the CHECK is the last line of defence against overselling. */
    stock: integer('stock').notNull().default(0),
    /** JSON object of attribute name -> value, e.g. {"size":"M","color":"red"}. */
    attributes: text('attributes').notNull().default('{}'),
    weightGrams: integer('weight_grams').notNull().default(0),
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('product_variants_sku_unique').on(t.sku),
    index('product_variants_product_idx').on(t.productId, t.position),
    check('product_variants_stock_nonnegative', sql`${t.stock} >= 0`),
    check('product_variants_price_nonnegative', sql`${t.price} >= 0`),
  ],
)

export const productImages = sqliteTable(
  'product_images',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** R2 object key, served at /images/:key. */
    key: text('key').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    alt: text('alt'),
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('product_images_key_unique').on(t.key), index('product_images_product_idx').on(t.productId, t.position)],
)

export const REVIEW_STATUSES = ['published', 'hidden'] as const

export const reviews = sqliteTable(
  'reviews',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    title: text('title'),
    body: text('body'),
    /** The paid order that proves the purchase (verified purchase); null for reviews from before the rule (demo data). */
    orderId: text('order_id'),
    /** Published reviews are listed and counted in the product's rating; hidden ones are neither. */
    status: text('status', { enum: REVIEW_STATUSES }).notNull().default('published'),
    moderatedAt: text('moderated_at'),
    moderatedBy: text('moderated_by'),
    moderationReason: text('moderation_reason'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('reviews_product_user_unique').on(t.productId, t.userId),
    index('reviews_product_idx').on(t.productId, t.createdAt),
    index('reviews_status_created_idx').on(t.status, t.createdAt, t.id),
    // A product's published reviews (its list, its rating recomputed on moderation and by the seed).
    // With only the two indexes above SQLite may walk every published review of the store instead.
    index('reviews_product_status_created_idx').on(t.productId, t.status, t.createdAt, t.id),
    check('reviews_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
  ],
)

/**
 * Every manual stock change (set or delta) through the catalog's stock endpoint: an audit trail
 * for sellers, and the Idempotency-Key record. The row is inserted in the same batch as the stock
 * update, so a retried request with the same key hits the UNIQUE index and changes nothing.
 */
export const stockAdjustments = sqliteTable(
  'stock_adjustments',
  {
    id: text('id').primaryKey(),
    variantId: text('variant_id')
      .notNull()
      .references(() => productVariants.id, { onDelete: 'cascade' }),
    productId: text('product_id').notNull(),
    /** Who made the change (a user id; not a foreign key, so deleting a user keeps the history). */
    userId: text('user_id').notNull(),
    kind: text('kind', { enum: ['set', 'delta'] }).notNull(),
    /** The new stock for `set`, the signed change for `delta`. */
    quantity: integer('quantity').notNull(),
    /** Why (received, damaged, recount, returned, other); null for changes that gave none. */
    reason: text('reason', { enum: ['received', 'damaged', 'recount', 'returned', 'other'] }),
    note: text('note'),
    idempotencyKey: text('idempotency_key'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('stock_adjustments_user_key_unique').on(t.userId, t.idempotencyKey),
    index('stock_adjustments_variant_idx').on(t.variantId, t.createdAt),
  ],
)
