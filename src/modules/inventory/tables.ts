import { sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Store-wide settings edited in the dashboard, one row per key with a JSON value and who changed it
 * last. The inventory module keeps `low_stock_threshold` here (a missing row means the default).
 */
export const storeSettings = sqliteTable('store_settings', {
  key: text('key').primaryKey(),
  /** JSON. */
  value: text('value').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: text('updated_at').notNull(),
})
