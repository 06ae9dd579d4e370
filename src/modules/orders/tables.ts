import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from '../accounts/tables'
import { PAYMENT_PROVIDER_NAMES } from '../payments/providers/names'

export const ORDER_STATUSES = [
  'pending',
  'processing',
  'paid',
  'shipped',
  'delivered',
  'failed',
  'cancelled',
  'partially_refunded',
  'refunded',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const HISTORY_VISIBILITY = ['public', 'staff'] as const

export const FULFILMENT_STATUSES = ['unfulfilled', 'shipped', 'delivered'] as const
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number]

/**
 * The queryable read model of an order. The OrderDO owns the lifecycle and writes status changes
 * through to this table; `version` is the DO's transition sequence, so a late or repeated
 * write-through can never move the status backwards.
 */
export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    version: integer('version').notNull().default(0),
    currency: text('currency').notNull(),
    subtotal: integer('subtotal').notNull(),
    discount: integer('discount').notNull(),
    tax: integer('tax').notNull(),
    shipping: integer('shipping').notNull(),
    total: integer('total').notNull(),
    taxInclusive: integer('tax_inclusive', { mode: 'boolean' }).notNull().default(false),
    /** Sum of refunds so far, minor units. */
    refundedAmount: integer('refunded_amount').notNull().default(0),
    email: text('email'),
    /** JSON snapshot of the shipping address as it was at checkout. */
    shippingAddress: text('shipping_address').notNull(),
    shippingMethodId: text('shipping_method_id'),
    shippingMethodName: text('shipping_method_name'),
    discountId: text('discount_id'),
    discountCode: text('discount_code'),
    paymentProvider: text('payment_provider', { enum: PAYMENT_PROVIDER_NAMES }).notNull(),
    lineCount: integer('line_count').notNull(),
    itemCount: integer('item_count').notNull(),
    /** When stock was put back (failed/cancelled); set once, guarding the release against repeats. */
    stockReleasedAt: text('stock_released_at'),
    paymentDueAt: text('payment_due_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('orders_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('orders_created_idx').on(t.createdAt, t.id),
    index('orders_status_created_idx').on(t.status, t.createdAt, t.id),
    check('orders_total_nonnegative', sql`${t.total} >= 0`),
  ],
)

/** One purchased variant, snapshotted at checkout so later catalog edits never change an order. */
export const orderLines = sqliteTable(
  'order_lines',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    variantId: text('variant_id').notNull(),
    sellerId: text('seller_id').notNull(),
    productName: text('product_name').notNull(),
    variantName: text('variant_name').notNull(),
    sku: text('sku').notNull(),
    unitPrice: integer('unit_price').notNull(),
    quantity: integer('quantity').notNull(),
    subtotal: integer('subtotal').notNull(),
    discount: integer('discount').notNull(),
    tax: integer('tax').notNull(),
    total: integer('total').notNull(),
    fulfilmentStatus: text('fulfilment_status', { enum: FULFILMENT_STATUSES }).notNull().default('unfulfilled'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    shippedAt: text('shipped_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId, t.position),
    index('order_lines_seller_idx').on(t.sellerId, t.createdAt, t.id),
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
)

/** Every status change: from, to, who, why, when. Ids come from the OrderDO, so a re-sent write is ignored. */
export const orderHistory = sqliteTable(
  'order_history',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    reason: text('reason'),
    /** JSON of transition details (carrier, tracking, refund amount). */
    meta: text('meta'),
    at: text('at').notNull(),
    /** 'staff': an entry only staff see (an order note); customers, guests and sellers never get it. */
    visibility: text('visibility', { enum: HISTORY_VISIBILITY }).notNull().default('public'),
  },
  (t) => [uniqueIndex('order_history_order_seq_unique').on(t.orderId, t.seq)],
)

/**
 * A checkout's Idempotency-Key. Inserted in the same batch as the order, so of two concurrent
 * requests with one key exactly one batch commits; the other hits the UNIQUE index and replays.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** SHA-256 of the canonical request body: same key + different body is a conflict. */
    fingerprint: text('fingerprint').notNull(),
    orderId: text('order_id'),
    responseStatus: integer('response_status').notNull(),
    /** JSON of the response body the first request answered with. */
    response: text('response').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('idempotency_keys_user_key_unique').on(t.userId, t.key), index('idempotency_keys_created_idx').on(t.createdAt)],
)
