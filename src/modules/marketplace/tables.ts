import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const MARKETPLACES = ['kaspi', 'ozon'] as const
export type MarketplaceName = (typeof MARKETPLACES)[number]

export const SYNC_STATES = ['pending', 'synced', 'error'] as const
export type SyncState = (typeof SYNC_STATES)[number]

/**
 * Where one of our products stands on one marketplace. No foreign key to products: the catalog
 * owns those rows and may archive or delete them; this table keeps the last known sync outcome.
 */
export const marketplaceProducts = sqliteTable(
  'marketplace_products',
  {
    marketplace: text('marketplace', { enum: MARKETPLACES }).notNull(),
    productId: text('product_id').notNull(),
    state: text('state', { enum: SYNC_STATES }).notNull().default('pending'),
    /** Failed pushes since the last success; reset to 0 on success. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastAttemptAt: text('last_attempt_at'),
    lastSuccessAt: text('last_success_at'),
    /** The marketplace's id for the product when it gives one (Ozon product_id, Kaspi import code). */
    externalId: text('external_id'),
    /** JSON object: our variant SKU -> the marketplace's id for that offer. */
    externalIds: text('external_ids').notNull().default('{}'),
    /**
     * JSON array of the offers last pushed ({sku, variant_id, name, brand, price, currency, stock}).
     * Kaspi's XML price list is rendered from it, and imported orders map SKUs back to variants with it.
     */
    snapshot: text('snapshot').notNull().default('[]'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.marketplace, t.productId] }),
    index('marketplace_products_state_idx').on(t.marketplace, t.state, t.productId),
    index('marketplace_products_state_all_idx').on(t.state, t.updatedAt),
  ],
)

/**
 * Marketplace orders already imported. UNIQUE(marketplace, external_id) is what makes an import
 * idempotent: a second import of the same external order finds this row instead of a new order.
 */
export const marketplaceOrders = sqliteTable(
  'marketplace_orders',
  {
    id: text('id').primaryKey(),
    marketplace: text('marketplace', { enum: MARKETPLACES }).notNull(),
    /** Kaspi order id / Ozon posting_number. */
    externalId: text('external_id').notNull(),
    /** Human-facing number: Kaspi order code / Ozon order_number. */
    externalNumber: text('external_number'),
    externalStatus: text('external_status').notNull(),
    orderId: text('order_id').notNull(),
    importedAt: text('imported_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('marketplace_orders_external_unique').on(t.marketplace, t.externalId),
    index('marketplace_orders_order_idx').on(t.orderId),
  ],
)

/** One row per sync or import run, newest first in the admin status. */
export const marketplaceRuns = sqliteTable(
  'marketplace_runs',
  {
    id: text('id').primaryKey(),
    marketplace: text('marketplace', { enum: MARKETPLACES }).notNull(),
    kind: text('kind', { enum: ['push', 'import_orders'] }).notNull(),
    trigger: text('trigger', { enum: ['queue', 'cron', 'admin'] }).notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    /** JSON counts, e.g. {"pushed":3,"failed":1} or {"imported":2,"existing":5}. */
    summary: text('summary').notNull().default('{}'),
    error: text('error'),
    /** For order imports: the window start used, so the next run can continue from here. */
    since: text('since'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at').notNull(),
  },
  (t) => [index('marketplace_runs_recent_idx').on(t.marketplace, t.kind, t.startedAt)],
)
