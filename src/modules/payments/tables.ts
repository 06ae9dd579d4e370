import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/**
 * One payment attempt per order and provider. `amount_refunded <= amount_received` is a CHECK, so
 * the database itself refuses an over-refund however many refunds race (each reserves its amount
 * with one conditional UPDATE before calling the provider).
 */
export const payments = sqliteTable(
  'payments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    userId: text('user_id'),
    /** Registry key of the provider: 'stripe', 'manual', later 'kaspi'… */
    provider: text('provider').notNull(),
    /** The provider's object id (Stripe PaymentIntent `pi_…`); null for manual payments. */
    providerRef: text('provider_ref'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'cancelled', 'requires_review'] })
      .notNull()
      .default('pending'),
    /** What the order asked for, in minor units. */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    /** What the provider confirmed it captured; refunds are limited by this. */
    amountReceived: integer('amount_received').notNull().default(0),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    /** Set once when refunded items went back to stock, so a second refund cannot restock twice. */
    restockedAt: text('restocked_at'),
    failureReason: text('failure_reason'),
    /**
     * The provider's hosted payment page (Paystack authorization_url, Chapa checkout_url, Kaspi Pay
     * link) as initiate returned it: their status APIs do not return it again, and a shopper who comes
     * back to the order page must still be able to reach it.
     */
    payUrl: text('pay_url'),
    /**
     * Lease for copying refunds onto the order (one writer at a time, so two refunds finishing
     * together cannot both add their amount to the order twice).
     */
    refundSyncUntil: text('refund_sync_until'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('payments_order_provider_unique').on(t.orderId, t.provider),
    uniqueIndex('payments_provider_ref_unique').on(t.provider, t.providerRef),
    index('payments_status_created_idx').on(t.status, t.createdAt, t.id),
    index('payments_created_idx').on(t.createdAt, t.id),
    check('payments_refund_within_received', sql`${t.amountRefunded} >= 0 AND ${t.amountRefunded} <= ${t.amountReceived}`),
  ],
)

/** Refunds, whoever started them (staff through the API, or the Stripe dashboard seen via webhook). */
export const refunds = sqliteTable(
  'refunds',
  {
    id: text('id').primaryKey(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    orderId: text('order_id').notNull(),
    provider: text('provider').notNull(),
    /** The provider's refund id (`re_…`), known once the provider answered. */
    providerRef: text('provider_ref'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    restock: integer('restock', { mode: 'boolean' }).notNull().default(false),
    /** The caller's Idempotency-Key (or our own), unique per order: a retried request finds this row. */
    idempotencyKey: text('idempotency_key').notNull(),
    requestedBy: text('requested_by'),
    failureReason: text('failure_reason'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('refunds_provider_ref_unique').on(t.provider, t.providerRef),
    uniqueIndex('refunds_order_key_unique').on(t.orderId, t.idempotencyKey),
    index('refunds_payment_idx').on(t.paymentId),
    check('refunds_amount_positive', sql`${t.amount} > 0`),
  ],
)

/**
 * Every provider webhook event, stored once by its id. `processed_at` is set only after the event
 * was applied, so an event whose processing failed is picked up again on the provider's retry.
 */
export const paymentEvents = sqliteTable(
  'payment_events',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    orderId: text('order_id'),
    attempts: integer('attempts').notNull().default(0),
    /** A worker processing the event holds it until then; another delivery meanwhile answers 409. */
    lockedUntil: text('locked_until'),
    processedAt: text('processed_at'),
    /** What applying it did: 'order_paid', 'ignored_out_of_order', 'amount_mismatch'… */
    outcome: text('outcome'),
    lastError: text('last_error'),
    payload: text('payload').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('payment_events_order_idx').on(t.orderId, t.receivedAt)],
)

/** Things a human must look at: money that does not match the order, a payment for a dead order. */
export const paymentAlerts = sqliteTable(
  'payment_alerts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', {
      enum: [
        'amount_mismatch',
        'currency_mismatch',
        'paid_after_terminal',
        'unknown_order',
        'refund_mismatch',
        // An OrderDO's write-through to D1 kept failing (the DO keeps retrying with backoff).
        'order_sync_stalled',
        // An order is paid but no succeeded payment exists for it (found by reconciliation).
        'paid_without_payment',
        // An outgoing-webhook endpoint kept failing and was disabled (src/modules/integrations).
        'webhook_endpoint_disabled',
      ],
    }).notNull(),
    orderId: text('order_id'),
    paymentId: text('payment_id'),
    eventId: text('event_id'),
    /** JSON object with the expected and actual values. */
    details: text('details').notNull().default('{}'),
    createdAt: text('created_at').notNull(),
    resolvedAt: text('resolved_at'),
  },
  (t) => [index('payment_alerts_created_idx').on(t.createdAt, t.id), index('payment_alerts_order_idx').on(t.orderId)],
)
