import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { CARRIERS } from '../shipping/carriers/types'

/**
 * Tax rate per country, optionally narrowed to a region. `region` is '' for the country-wide rate
 * (not NULL) so the unique index also forbids two country-wide rates for one country.
 */
export const taxRates = sqliteTable(
  'tax_rates',
  {
    id: text('id').primaryKey(),
    /** ISO 3166-1 alpha-2, upper case. */
    country: text('country').notNull(),
    /** Region / state code, upper case; '' means the whole country. */
    region: text('region').notNull().default(''),
    name: text('name').notNull(),
    /** Basis points: 2000 = 20%. */
    rateBps: integer('rate_bps').notNull(),
    /** Inclusive: catalog prices already contain the tax. Exclusive: tax is added on top. */
    inclusive: integer('inclusive', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tax_rates_country_region_unique').on(t.country, t.region),
    check('tax_rates_rate_range', sql`${t.rateBps} BETWEEN 0 AND 10000`),
  ],
)

/**
 * A shipping method priced in one currency. `flat` charges `amount`; `free_over` charges `amount`
 * unless the discounted merchandise reaches `free_over_amount`; `per_weight` charges `amount` plus
 * `per_kg_amount` for every started kilogram. `free_over_amount`, when set, also frees the other kinds.
 * `carrier` quotes `carrier`'s `service_code` live for the cart's weight and destination
 * (src/modules/shipping/rates.ts) and charges `amount` when the carrier is slow or down.
 */
export const shippingMethods = sqliteTable(
  'shipping_methods',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['flat', 'free_over', 'per_weight', 'carrier'] }).notNull(),
    currency: text('currency').notNull(),
    amount: integer('amount').notNull().default(0),
    freeOverAmount: integer('free_over_amount'),
    perKgAmount: integer('per_kg_amount'),
    /** kind `carrier`: which carrier quotes it, and its service level (UPS service code, FedEx serviceType). */
    carrier: text('carrier', { enum: CARRIERS }),
    serviceCode: text('service_code'),
    /** JSON array of ISO alpha-2 codes it ships to; NULL means everywhere. */
    countries: text('countries'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('shipping_methods_currency_idx').on(t.currency, t.active, t.position),
    check(
      'shipping_methods_amounts_nonnegative',
      sql`${t.amount} >= 0 AND coalesce(${t.freeOverAmount}, 0) >= 0 AND coalesce(${t.perKgAmount}, 0) >= 0`,
    ),
  ],
)

/**
 * Discount codes. `code` is stored upper case so the unique index makes codes case-insensitive.
 * The CHECK on used_count is what makes the total usage limit race-proof: a redemption is an
 * `used_count = used_count + 1` inside the checkout batch, and a violated CHECK aborts that batch.
 */
export const discounts = sqliteTable(
  'discounts',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    description: text('description'),
    kind: text('kind', { enum: ['percentage', 'fixed'] }).notNull(),
    /** Basis points for `percentage`, minor units of `currency` for `fixed`. */
    value: integer('value').notNull(),
    /** Required for `fixed`; for `percentage`, when set, the code only applies to carts in it. */
    currency: text('currency'),
    minSubtotal: integer('min_subtotal').notNull().default(0),
    usageLimit: integer('usage_limit'),
    usedCount: integer('used_count').notNull().default(0),
    perCustomerLimit: integer('per_customer_limit'),
    startsAt: text('starts_at'),
    expiresAt: text('expires_at'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('discounts_code_unique').on(t.code),
    check('discounts_usage_limit', sql`${t.usageLimit} IS NULL OR ${t.usedCount} <= ${t.usageLimit}`),
    check('discounts_value_nonnegative', sql`${t.value} >= 0 AND ${t.minSubtotal} >= 0`),
  ],
)

/**
 * How often one customer has redeemed one code. `max_uses` is copied from the discount's
 * per-customer limit at redemption time, so the CHECK makes the per-customer limit race-proof too.
 */
export const discountCustomerUsage = sqliteTable(
  'discount_customer_usage',
  {
    discountId: text('discount_id')
      .notNull()
      .references(() => discounts.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    used: integer('used').notNull(),
    maxUses: integer('max_uses'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.discountId, t.userId] }),
    check('discount_customer_usage_limit', sql`${t.maxUses} IS NULL OR ${t.used} <= ${t.maxUses}`),
  ],
)

/** One row per order that redeemed a code: the audit trail behind used_count. */
export const discountRedemptions = sqliteTable(
  'discount_redemptions',
  {
    id: text('id').primaryKey(),
    discountId: text('discount_id')
      .notNull()
      .references(() => discounts.id, { onDelete: 'cascade' }),
    userId: text('user_id'),
    orderId: text('order_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('discount_redemptions_order_unique').on(t.orderId),
    index('discount_redemptions_discount_idx').on(t.discountId, t.createdAt),
  ],
)
