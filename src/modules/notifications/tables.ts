import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const DELIVERY_STATUSES = ['sending', 'sent', 'retrying', 'failed', 'skipped', 'dead'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/**
 * One row per (event, channel): the UNIQUE pair is what makes queue redelivery harmless. A consumer
 * claims the row with one conditional upsert before calling the provider, and a row that is `sent`,
 * `failed`, `skipped` or `dead` is never claimed again.
 */
export const notificationDeliveries = sqliteTable(
  'notification_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    channel: text('channel', { enum: ['email', 'sms', 'whatsapp', 'telegram'] }).notNull(),
    userId: text('user_id'),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    locale: text('locale').notNull(),
    /** Which adapter sent it: sendgrid, twilio, whatsapp, telegram, or log (local development). */
    provider: text('provider').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    /** Rendered text, kept only for the log provider (with one-time links redacted). */
    subject: text('subject'),
    body: text('body'),
    /** When the current claim was taken; a `sending` row older than the lease may be reclaimed. */
    claimedAt: text('claimed_at'),
    sentAt: text('sent_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_event_channel_unique').on(t.eventId, t.channel),
    index('notification_deliveries_created_idx').on(t.createdAt, t.id),
    index('notification_deliveries_status_idx').on(t.status, t.createdAt),
    index('notification_deliveries_user_idx').on(t.userId, t.createdAt),
  ],
)

/** Events the queue gave up on (moved to notifications-dlq), recorded by the DLQ consumer. */
export const notificationDeadLetters = sqliteTable(
  'notification_dead_letters',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    userId: text('user_id'),
    attempts: integer('attempts').notNull(),
    /** The event with one-time links removed, so a replay can be decided on. */
    payload: text('payload').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('notification_dead_letters_event_unique').on(t.eventId),
    index('notification_dead_letters_created_idx').on(t.createdAt, t.id),
  ],
)

/**
 * Seller alerts already sent: (kind, seller, key) is unique, so a duplicated payment webhook or a
 * second cron run the same day claims nothing and sends nothing. `key` is the order id for
 * `order_paid` and the UTC date for `unshipped_digest`.
 */
export const sellerAlerts = sqliteTable(
  'seller_alerts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['order_paid', 'unshipped_digest'] }).notNull(),
    sellerId: text('seller_id').notNull(),
    key: text('key').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('seller_alerts_unique').on(t.kind, t.sellerId, t.key)],
)
