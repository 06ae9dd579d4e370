import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { orderLines, orders } from '../orders/tables'
import { CARRIERS } from './carriers/types'

export const SHIPMENT_STATUSES = [
  'purchasing',
  'label_created',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'voided',
] as const
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number]
/** Statuses the tracking cron still polls. */
export const TRACKED_STATUSES: readonly ShipmentStatus[] = ['label_created', 'in_transit', 'out_for_delivery', 'exception']

/**
 * A parcel bought from a carrier: outbound (lines of an order to the customer) or a return label
 * (customer back to the warehouse, `return_id` set). A row is claimed in `purchasing` before the
 * carrier is called, keyed by (order, Idempotency-Key), so two clicks buy one label; the label
 * itself lives in R2 (SHIPPING_DOCS, `label_key`).
 */
export const shipments = sqliteTable(
  'shipments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['outbound', 'return'] }).notNull(),
    returnId: text('return_id'),
    carrier: text('carrier', { enum: CARRIERS }).notNull(),
    serviceCode: text('service_code').notNull(),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    trackingNumber: text('tracking_number'),
    carrierShipmentId: text('carrier_shipment_id'),
    labelKey: text('label_key'),
    labelContentType: text('label_content_type'),
    costAmount: integer('cost_amount'),
    costCurrency: text('cost_currency'),
    weightGrams: integer('weight_grams').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    createdByType: text('created_by_type').notNull(),
    createdById: text('created_by_id'),
    lastTrackedAt: text('last_tracked_at'),
    /** UPS Track Alert: when this number's push subscription lapses (UPS keeps one 14 days); null: not subscribed. */
    trackAlertUntil: text('track_alert_until'),
    deliveredAt: text('delivered_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('shipments_order_key_unique').on(t.orderId, t.idempotencyKey),
    index('shipments_status_tracked_idx').on(t.status, t.lastTrackedAt),
    index('shipments_order_idx').on(t.orderId, t.createdAt),
    index('shipments_created_idx').on(t.createdAt, t.id),
  ],
)

/**
 * Which order lines an outbound shipment carries. `line_id` is unique: a line is in at most one live
 * shipment, so two purchases for the same line (different keys, racing) buy one label. A purchase
 * that fails or is voided deletes its rows, freeing the lines.
 */
export const shipmentLines = sqliteTable(
  'shipment_lines',
  {
    lineId: text('line_id')
      .primaryKey()
      .references(() => orderLines.id, { onDelete: 'cascade' }),
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    orderId: text('order_id').notNull(),
  },
  (t) => [index('shipment_lines_shipment_idx').on(t.shipmentId)],
)

/** The carrier's scans, as the tracking cron found them; (shipment, time, code) is unique, so a re-poll adds nothing. */
export const shipmentEvents = sqliteTable(
  'shipment_events',
  {
    id: text('id').primaryKey(),
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    orderId: text('order_id').notNull(),
    code: text('code').notNull(),
    status: text('status').notNull(),
    description: text('description').notNull(),
    location: text('location'),
    at: text('at').notNull(),
    createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (t) => [uniqueIndex('shipment_events_unique').on(t.shipmentId, t.at, t.code), index('shipment_events_order_idx').on(t.orderId, t.at)],
)
