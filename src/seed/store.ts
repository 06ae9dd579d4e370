/**
 * The store settings a fresh install needs before anyone can check out: shipping methods (flat,
 * free over an amount, per weight), tax rates for a few countries and demo discount codes. Rows
 * are inserted only when missing (`INSERT … ON CONFLICT DO NOTHING` on the id and on the unique
 * country/code indexes), so settings an admin changed are never overwritten.
 */

const SEED_EPOCH = new Date(Date.UTC(2026, 0, 1)).toISOString()

/** Amounts in USD cents: the seeded catalog is priced in USD. */
export const SEED_SHIPPING_METHODS = [
  {
    id: 'shp_seed_standard',
    name: 'Standard shipping',
    kind: 'free_over',
    currency: 'USD',
    amount: 599,
    free_over_amount: 7500,
    per_kg_amount: null,
    countries: null,
    position: 0,
  },
  {
    id: 'shp_seed_flat',
    name: 'Flat-rate post',
    kind: 'flat',
    currency: 'USD',
    amount: 899,
    free_over_amount: null,
    per_kg_amount: null,
    countries: null,
    position: 1,
  },
  {
    id: 'shp_seed_express',
    name: 'Express courier (by weight)',
    kind: 'per_weight',
    currency: 'USD',
    amount: 1499,
    free_over_amount: null,
    per_kg_amount: 300,
    countries: null,
    position: 2,
  },
] as const

/** Basis points. Inclusive where shelf prices include VAT by law (EU, UK, KZ, KE, NG); the US adds sales tax. */
export const SEED_TAX_RATES = [
  { id: 'tax_seed_us', country: 'US', region: '', name: 'Sales tax', rate_bps: 725, inclusive: 0 },
  { id: 'tax_seed_de', country: 'DE', region: '', name: 'MwSt', rate_bps: 1900, inclusive: 1 },
  { id: 'tax_seed_gb', country: 'GB', region: '', name: 'VAT', rate_bps: 2000, inclusive: 1 },
  { id: 'tax_seed_kz', country: 'KZ', region: '', name: 'НДС', rate_bps: 1200, inclusive: 1 },
  { id: 'tax_seed_ke', country: 'KE', region: '', name: 'VAT', rate_bps: 1600, inclusive: 1 },
  { id: 'tax_seed_ng', country: 'NG', region: '', name: 'VAT', rate_bps: 750, inclusive: 1 },
  { id: 'tax_seed_ru', country: 'RU', region: '', name: 'НДС', rate_bps: 2000, inclusive: 1 },
] as const

export const SEED_DISCOUNTS = [
  {
    id: 'dsc_seed_welcome10',
    code: 'WELCOME10',
    description: '10% off your order',
    kind: 'percentage',
    value: 1000,
    currency: null,
    min_subtotal: 0,
  },
  {
    id: 'dsc_seed_save5',
    code: 'SAVE5',
    description: '$5 off orders of $50 or more',
    kind: 'fixed',
    value: 500,
    currency: 'USD',
    min_subtotal: 5000,
  },
] as const

/** Inserts the missing store settings; returns how many rows were added. */
export async function seedStoreSettings(db: D1Database): Promise<number> {
  const statements: D1PreparedStatement[] = []
  for (const m of SEED_SHIPPING_METHODS) {
    statements.push(
      db
        .prepare(
          `INSERT INTO shipping_methods (id, name, kind, currency, amount, free_over_amount, per_kg_amount, countries, active, position, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .bind(
          m.id,
          m.name,
          m.kind,
          m.currency,
          m.amount,
          m.free_over_amount,
          m.per_kg_amount,
          m.countries,
          m.position,
          SEED_EPOCH,
          SEED_EPOCH,
        ),
    )
  }
  for (const t of SEED_TAX_RATES) {
    statements.push(
      db
        .prepare(
          `INSERT INTO tax_rates (id, country, region, name, rate_bps, inclusive, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .bind(t.id, t.country, t.region, t.name, t.rate_bps, t.inclusive, SEED_EPOCH, SEED_EPOCH),
    )
  }
  for (const d of SEED_DISCOUNTS) {
    statements.push(
      db
        .prepare(
          `INSERT INTO discounts (id, code, description, kind, value, currency, min_subtotal, active, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .bind(d.id, d.code, d.description, d.kind, d.value, d.currency, d.min_subtotal, SEED_EPOCH, SEED_EPOCH),
    )
  }
  const results = await db.batch(statements)
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0)
}

/** True when the store has at least one active shipping method (checkout is possible). */
export async function hasShipping(db: D1Database): Promise<boolean> {
  const row = await db.prepare('SELECT count(*) AS n FROM shipping_methods WHERE active = 1').first<{ n: number }>()
  return (row?.n ?? 0) > 0
}
