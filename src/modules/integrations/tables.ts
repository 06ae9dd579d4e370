import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/** An outgoing-webhook endpoint registered by staff. The secret (whsec_…) signs every delivery. */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description'),
    /** JSON array of event types this endpoint receives. */
    events: text('events').notNull(),
    secret: text('secret').notNull(),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    disabledReason: text('disabled_reason'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_created_idx').on(t.createdAt, t.id)],
)

/**
 * One row per domain change worth telling integrators about. `dedupeKey` is derived from the change
 * (an order's transition sequence, a stock adjustment's id…), so a change emitted twice — a retried
 * write-through, two racing requests — stores one event and fans out once.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    /** The JSON body every endpoint receives: { type, timestamp, data }. */
    payload: text('payload').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('webhook_events_dedupe_unique').on(t.dedupeKey), index('webhook_events_created_idx').on(t.createdAt)],
)

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'retrying', 'dead'] as const

/** One event for one endpoint; retried by the queue until it succeeds or is dead-lettered. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastAttemptAt: text('last_attempt_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_unique').on(t.eventId, t.endpointId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_status_idx').on(t.status, t.createdAt),
  ],
)

/** Every HTTP attempt of a delivery: status (null when the request failed), latency and ≤ 1 KB of the answer. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseExcerpt: text('response_excerpt'),
    error: text('error'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
)
