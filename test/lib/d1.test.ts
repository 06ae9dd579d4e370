import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { constraintViolation, isCheckViolation, isForeignKeyViolation, isUniqueViolation, runBatch } from '../../src/lib/d1'
import { getDb } from '../../src/lib/db'
import { productImages } from '../../src/modules/catalog/tables'
import { taxRates } from '../../src/modules/pricing/tables'

// The classifier is tested against the errors real D1 raises (the binding's own, and drizzle's
// wrapper around them), not against strings written here.
const now = '2026-01-01T00:00:00.000Z'
const rate = (id: string, country: string, rateBps = 1000) => ({
  id,
  country,
  region: '',
  name: id,
  rateBps,
  createdAt: now,
  updatedAt: now,
})

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (err) {
    return err
  }
  throw new Error('expected the statement to fail')
}

describe('runBatch', () => {
  it('runs all statements or none, and returns results in order', async () => {
    const db = getDb(env)
    const [, rows] = await runBatch(db, [
      db.insert(taxRates).values(rate('txr_b1', 'B1')),
      db.select().from(taxRates).where(eq(taxRates.id, 'txr_b1')),
    ])
    expect(rows).toMatchObject([{ id: 'txr_b1', rateBps: 1000 }])
    // The second insert breaks the CHECK: the first one, in the same batch, is rolled back with it.
    const err = await failure(() =>
      runBatch(db, [db.insert(taxRates).values(rate('txr_b2', 'B2')), db.insert(taxRates).values(rate('txr_b3', 'B3', 20_000))]),
    )
    expect(isCheckViolation(err, 'tax_rates_rate_range')).toBe(true)
    expect(await db.select().from(taxRates).where(eq(taxRates.id, 'txr_b2'))).toEqual([])
  })

  it('refuses an empty batch', () => {
    expect(() => runBatch(getDb(env), [])).toThrow(/at least one/)
  })
})

describe('constraintViolation (real D1 errors)', () => {
  it('reads a UNIQUE violation by table, column or neither, through drizzle and from the binding', async () => {
    const db = getDb(env)
    await db.insert(taxRates).values(rate('txr_u1', 'U1'))
    const viaDrizzle = await failure(() => db.insert(taxRates).values(rate('txr_u2', 'U1')))
    const viaBinding = await failure(() =>
      env.DB.prepare(
        "INSERT INTO tax_rates (id, country, region, name, rate_bps, inclusive, created_at, updated_at) VALUES ('txr_u3', 'U1', '', 'x', 1, 0, ?, ?)",
      )
        .bind(now, now)
        .run(),
    )
    for (const err of [viaDrizzle, viaBinding]) {
      expect(constraintViolation(err)).toEqual({ kind: 'unique', targets: ['tax_rates.country', 'tax_rates.region'] })
      expect(isUniqueViolation(err)).toBe(true)
      expect(isUniqueViolation(err, 'tax_rates')).toBe(true)
      expect(isUniqueViolation(err, 'tax_rates.country')).toBe(true)
      expect(isUniqueViolation(err, 'tax_rates.name')).toBe(false)
      expect(isUniqueViolation(err, 'tax')).toBe(false)
      expect(isUniqueViolation(err, 'products')).toBe(false)
      expect(isCheckViolation(err)).toBe(false)
      expect(isForeignKeyViolation(err)).toBe(false)
    }
    // The primary key is a UNIQUE violation too.
    const pk = await failure(() => db.insert(taxRates).values(rate('txr_u1', 'U9')))
    expect(isUniqueViolation(pk, 'tax_rates.id')).toBe(true)
  })

  it('reads a CHECK violation by constraint name', async () => {
    const err = await failure(() =>
      getDb(env)
        .insert(taxRates)
        .values(rate('txr_c1', 'C1', 10_001)),
    )
    expect(constraintViolation(err)).toEqual({ kind: 'check', targets: ['tax_rates_rate_range'] })
    expect(isCheckViolation(err)).toBe(true)
    expect(isCheckViolation(err, 'tax_rates_rate_range')).toBe(true)
    expect(isCheckViolation(err, 'discounts_usage_limit', 'tax_rates_rate_range')).toBe(true)
    expect(isCheckViolation(err, 'product_variants_stock_nonnegative')).toBe(false)
    expect(isUniqueViolation(err)).toBe(false)
  })

  it('reads a FOREIGN KEY violation', async () => {
    const err = await failure(() =>
      getDb(env)
        .insert(productImages)
        .values({ id: 'img_fk', productId: 'prd_missing', key: 'k/fk', contentType: 'image/png', size: 1, createdAt: now }),
    )
    expect(constraintViolation(err)).toEqual({ kind: 'foreign_key', targets: [] })
    expect(isForeignKeyViolation(err)).toBe(true)
    expect(isUniqueViolation(err)).toBe(false)
  })

  it('is null for errors that are not constraint violations, even when they quote one', async () => {
    const syntax = await failure(() => env.DB.prepare('SELEC 1').run())
    expect(constraintViolation(syntax)).toBeNull()
    expect(constraintViolation(new Error('boom'))).toBeNull()
    expect(constraintViolation(undefined)).toBeNull()
    // A wrapper quoting user input on a later line is not the database's verdict.
    expect(constraintViolation(new Error('Failed query: insert\nparams: UNIQUE constraint failed: users.email'))).toBeNull()
  })
})
