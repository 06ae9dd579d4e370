import { index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/**
 * Where an order came from when it was not placed through our checkout: one row per imported order
 * (marketplace source + that marketplace's id). UNIQUE(source, external_id) is the guarantee that
 * importing the same external order twice yields one order. Written in the same D1 batch as the
 * order itself (src/modules/orders/import.ts).
 */
export const orderExternalRefs = sqliteTable(
  'order_external_refs',
  {
    orderId: text('order_id').primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    /** The number people see on the marketplace (Kaspi order code, Ozon order number). */
    externalNumber: text('external_number'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('order_external_refs_source_unique').on(t.source, t.externalId),
    index('order_external_refs_created_idx').on(t.createdAt),
  ],
)
