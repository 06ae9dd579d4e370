import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { RETURN_STATUSES } from './model'
import { orderLines, orders } from './tables'

/**
 * The read model of returns (RMA). The OrderDO owns each return (it lives in the order's state)
 * and writes it through here; `version` is the order's transition seq of the return's last change,
 * so a late or repeated write-through never moves a return backwards.
 */
export const returns = sqliteTable(
  'returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** The order's owner when the return was asked for (customers see their own returns). */
    userId: text('user_id').notNull(),
    status: text('status', { enum: RETURN_STATUSES }).notNull(),
    reason: text('reason').notNull(),
    comment: text('comment'),
    note: text('note'),
    refundAmount: integer('refund_amount').notNull(),
    currency: text('currency').notNull(),
    method: text('method', { enum: ['label', 'instructions'] }),
    instructions: text('instructions'),
    labelShipmentId: text('label_shipment_id'),
    labelCarrier: text('label_carrier'),
    labelTrackingNumber: text('label_tracking_number'),
    refundId: text('refund_id'),
    requestedByType: text('requested_by_type').notNull(),
    requestedById: text('requested_by_id'),
    /** JSON of the return's own history [{status, at, actor, note}]. */
    history: text('history').notNull(),
    version: integer('version').notNull(),
    /** When its restocked lines went back on sale; set once, guarding the stock release against repeats. */
    restockedAt: text('restocked_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('returns_created_idx').on(t.createdAt, t.id),
    index('returns_status_created_idx').on(t.status, t.createdAt, t.id),
    index('returns_order_idx').on(t.orderId, t.createdAt),
    index('returns_user_idx').on(t.userId, t.createdAt),
    check('returns_refund_nonnegative', sql`${t.refundAmount} >= 0`),
  ],
)

/** The lines of a return; `seller_id` lets a seller see the returns of their own lines only. */
export const returnLines = sqliteTable(
  'return_lines',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => returns.id, { onDelete: 'cascade' }),
    lineId: text('line_id')
      .notNull()
      .references(() => orderLines.id, { onDelete: 'cascade' }),
    orderId: text('order_id').notNull(),
    sellerId: text('seller_id').notNull(),
    quantity: integer('quantity').notNull(),
    amount: integer('amount').notNull(),
    restock: integer('restock', { mode: 'boolean' }),
  },
  (t) => [
    primaryKey({ columns: [t.returnId, t.lineId] }),
    index('return_lines_seller_idx').on(t.sellerId, t.returnId),
    check('return_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
)
