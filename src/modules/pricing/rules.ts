/**
 * Admin CRUD for pricing rules: tax rates, shipping methods, discount codes. Plain functions over
 * the drizzle handle; the routes only parse and call these.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { isCheckViolation, isUniqueViolation } from '../../lib/d1'
import type { DB } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { decodeCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import type {
  Discount,
  DiscountCreate,
  DiscountUpdate,
  ShippingMethod,
  ShippingMethodCreate,
  ShippingMethodUpdate,
  TaxRate,
  TaxRateCreate,
  TaxRateUpdate,
} from './schema'
import { discounts, shippingMethods, taxRates } from './tables'

function cursorAfter(cursor: string | undefined) {
  if (!cursor) return undefined
  const [id] = decodeCursor(cursor, 1)
  if (typeof id !== 'string') throw new AppError('invalid_cursor', 'The cursor is not valid for this list')
  return id
}

// ---------- tax rates ----------

type TaxRow = typeof taxRates.$inferSelect

export const toTaxRate = (r: TaxRow): TaxRate => ({
  id: r.id,
  country: r.country,
  region: r.region || null,
  name: r.name,
  rate_bps: r.rateBps,
  inclusive: r.inclusive,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
})

export async function listTaxRates(db: DB, q: { limit: number; cursor?: string }) {
  const after = cursorAfter(q.cursor)
  const rows = await db
    .select()
    .from(taxRates)
    .where(after ? gt(taxRates.id, after) : undefined)
    .orderBy(asc(taxRates.id))
    .limit(q.limit + 1)
  const page = paginate(rows, q.limit, (r) => [r.id])
  return { data: page.data.map(toTaxRate), next_cursor: page.next_cursor }
}

export async function getTaxRate(db: DB, id: string): Promise<TaxRate> {
  const row = await db.select().from(taxRates).where(eq(taxRates.id, id)).get()
  if (!row) throw notFound('Tax rate')
  return toTaxRate(row)
}

export async function createTaxRate(db: DB, input: TaxRateCreate): Promise<TaxRate> {
  const now = nowIso()
  const row: TaxRow = {
    id: newId('tax'),
    country: input.country,
    region: input.region ?? '',
    name: input.name,
    rateBps: input.rate_bps,
    inclusive: input.inclusive,
    createdAt: now,
    updatedAt: now,
  }
  try {
    await db.insert(taxRates).values(row)
  } catch (err) {
    if (isUniqueViolation(err, 'tax_rates')) {
      throw new AppError('conflict', `A tax rate for ${input.country}${input.region ? `/${input.region}` : ''} already exists`)
    }
    throw err
  }
  return toTaxRate(row)
}

export async function updateTaxRate(db: DB, id: string, input: TaxRateUpdate): Promise<TaxRate> {
  const row = await db
    .update(taxRates)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.rate_bps !== undefined ? { rateBps: input.rate_bps } : {}),
      ...(input.inclusive !== undefined ? { inclusive: input.inclusive } : {}),
      updatedAt: nowIso(),
    })
    .where(eq(taxRates.id, id))
    .returning()
    .get()
  if (!row) throw notFound('Tax rate')
  return toTaxRate(row)
}

export async function deleteTaxRate(db: DB, id: string): Promise<void> {
  const row = await db.delete(taxRates).where(eq(taxRates.id, id)).returning({ id: taxRates.id }).get()
  if (!row) throw notFound('Tax rate')
}

/** The rate that applies to an address: the region-specific one beats the country-wide one. */
export async function findTaxRate(db: DB, country: string, region?: string): Promise<TaxRow | undefined> {
  const c = country.toUpperCase()
  const r = region?.toUpperCase() ?? ''
  // '' (country-wide) sorts before any region code, so DESC puts the region match first.
  return db
    .select()
    .from(taxRates)
    .where(and(eq(taxRates.country, c), sql`${taxRates.region} IN (${r}, '')`))
    .orderBy(sql`${taxRates.region} DESC`)
    .limit(1)
    .get()
}

// ---------- shipping methods ----------

type ShippingRow = typeof shippingMethods.$inferSelect

export const toShippingMethod = (r: ShippingRow): ShippingMethod => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  currency: r.currency,
  amount: r.amount,
  free_over_amount: r.freeOverAmount,
  per_kg_amount: r.perKgAmount,
  carrier: r.carrier,
  service_code: r.serviceCode,
  countries: r.countries ? (JSON.parse(r.countries) as string[]) : null,
  active: r.active,
  position: r.position,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
})

/** A method's kind needs its own numbers: free_over a threshold, per_weight a per-kg price. */
function checkShippingShape(m: Pick<ShippingMethod, 'kind' | 'free_over_amount' | 'per_kg_amount' | 'carrier' | 'service_code'>) {
  if (m.kind === 'free_over' && m.free_over_amount === null) {
    throw badRequest('A free_over method needs free_over_amount', [{ path: 'free_over_amount', message: 'Required for free_over' }])
  }
  if (m.kind === 'per_weight' && m.per_kg_amount === null) {
    throw badRequest('A per_weight method needs per_kg_amount', [{ path: 'per_kg_amount', message: 'Required for per_weight' }])
  }
  if (m.kind === 'carrier' && (m.carrier === null || m.service_code === null)) {
    throw badRequest('A carrier method needs carrier and service_code (amount is its fallback price)', [
      { path: m.carrier === null ? 'carrier' : 'service_code', message: 'Required for carrier' },
    ])
  }
  if (m.kind !== 'carrier' && (m.carrier !== null || m.service_code !== null)) {
    throw badRequest('carrier and service_code belong to carrier methods only', [{ path: 'carrier', message: 'Only for kind carrier' }])
  }
}

const uniqueCountries = (c: string[] | null | undefined) => (c ? JSON.stringify([...new Set(c)].sort()) : null)

export async function listShippingMethods(db: DB, q: { limit: number; cursor?: string }) {
  const after = cursorAfter(q.cursor)
  const rows = await db
    .select()
    .from(shippingMethods)
    .where(after ? gt(shippingMethods.id, after) : undefined)
    .orderBy(asc(shippingMethods.id))
    .limit(q.limit + 1)
  const page = paginate(rows, q.limit, (r) => [r.id])
  return { data: page.data.map(toShippingMethod), next_cursor: page.next_cursor }
}

/** Active methods a shopper can pick, optionally for one destination country and currency. */
export async function availableShippingMethods(db: DB, q: { country?: string; currency?: string }) {
  const rows = await db
    .select()
    .from(shippingMethods)
    .where(and(eq(shippingMethods.active, true), q.currency ? eq(shippingMethods.currency, q.currency) : undefined))
    .orderBy(asc(shippingMethods.position), asc(shippingMethods.id))
    .limit(200)
  return rows.map(toShippingMethod).filter((m) => shipsTo(m, q.country))
}

/** A method without a country list ships everywhere; with one, only to those countries. */
export const shipsTo = (m: Pick<ShippingMethod, 'countries'>, country: string | undefined) =>
  m.countries === null || (country !== undefined && m.countries.includes(country.toUpperCase()))

export async function getShippingMethod(db: DB, id: string): Promise<ShippingMethod> {
  const row = await db.select().from(shippingMethods).where(eq(shippingMethods.id, id)).get()
  if (!row) throw notFound('Shipping method')
  return toShippingMethod(row)
}

export async function createShippingMethod(
  db: DB,
  given: Omit<ShippingMethodCreate, 'carrier' | 'service_code'> & Partial<Pick<ShippingMethodCreate, 'carrier' | 'service_code'>>,
): Promise<ShippingMethod> {
  const input = { ...given, carrier: given.carrier ?? null, service_code: given.service_code ?? null }
  checkShippingShape(input)
  const now = nowIso()
  const row: ShippingRow = {
    id: newId('shm'),
    name: input.name,
    kind: input.kind,
    currency: input.currency,
    amount: input.amount,
    freeOverAmount: input.free_over_amount,
    perKgAmount: input.per_kg_amount,
    carrier: input.carrier,
    serviceCode: input.service_code,
    countries: uniqueCountries(input.countries),
    active: input.active,
    position: input.position,
    createdAt: now,
    updatedAt: now,
  }
  await db.insert(shippingMethods).values(row)
  return toShippingMethod(row)
}

export async function updateShippingMethod(db: DB, id: string, input: ShippingMethodUpdate): Promise<ShippingMethod> {
  const current = await getShippingMethod(db, id)
  const next = { ...current, ...input }
  checkShippingShape(next)
  const row = await db
    .update(shippingMethods)
    .set({
      name: next.name,
      kind: next.kind,
      currency: next.currency,
      amount: next.amount,
      freeOverAmount: next.free_over_amount,
      perKgAmount: next.per_kg_amount,
      carrier: next.carrier,
      serviceCode: next.service_code,
      countries: uniqueCountries(next.countries),
      active: next.active,
      position: next.position,
      updatedAt: nowIso(),
    })
    .where(eq(shippingMethods.id, id))
    .returning()
    .get()
  if (!row) throw notFound('Shipping method')
  return toShippingMethod(row)
}

export async function deleteShippingMethod(db: DB, id: string): Promise<void> {
  const row = await db.delete(shippingMethods).where(eq(shippingMethods.id, id)).returning({ id: shippingMethods.id }).get()
  if (!row) throw notFound('Shipping method')
}

// ---------- discounts ----------

type DiscountRow = typeof discounts.$inferSelect

export const toDiscount = (r: DiscountRow): Discount => ({
  id: r.id,
  code: r.code,
  description: r.description,
  kind: r.kind,
  value: r.value,
  currency: r.currency,
  min_subtotal: r.minSubtotal,
  usage_limit: r.usageLimit,
  used_count: r.usedCount,
  per_customer_limit: r.perCustomerLimit,
  starts_at: r.startsAt,
  expires_at: r.expiresAt,
  active: r.active,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
})

/** Timestamps are stored as canonical UTC ISO strings so they compare as text. */
const canonical = (t: string | null) => (t === null ? null : new Date(t).toISOString())

function checkDiscountShape(d: Pick<Discount, 'kind' | 'value' | 'currency' | 'starts_at' | 'expires_at'>) {
  if (d.kind === 'percentage' && d.value > 10_000) {
    throw badRequest('A percentage discount is at most 10000 basis points (100%)', [{ path: 'value', message: 'Max 10000' }])
  }
  if (d.kind === 'fixed' && d.currency === null) {
    throw badRequest('A fixed discount needs a currency', [{ path: 'currency', message: 'Required for fixed' }])
  }
  if (d.starts_at && d.expires_at && Date.parse(d.expires_at) <= Date.parse(d.starts_at)) {
    throw badRequest('expires_at must be after starts_at', [{ path: 'expires_at', message: 'Must be after starts_at' }])
  }
}

export async function listDiscounts(db: DB, q: { limit: number; cursor?: string }) {
  const after = cursorAfter(q.cursor)
  const rows = await db
    .select()
    .from(discounts)
    .where(after ? gt(discounts.id, after) : undefined)
    .orderBy(asc(discounts.id))
    .limit(q.limit + 1)
  const page = paginate(rows, q.limit, (r) => [r.id])
  return { data: page.data.map(toDiscount), next_cursor: page.next_cursor }
}

export async function getDiscount(db: DB, id: string): Promise<Discount> {
  const row = await db.select().from(discounts).where(eq(discounts.id, id)).get()
  if (!row) throw notFound('Discount')
  return toDiscount(row)
}

/** Case-insensitive lookup: codes are stored upper case. */
export const findDiscountByCode = (db: DB, code: string) =>
  db.select().from(discounts).where(eq(discounts.code, code.trim().toUpperCase())).get()

export async function createDiscount(db: DB, input: DiscountCreate): Promise<Discount> {
  checkDiscountShape(input)
  const now = nowIso()
  const row: DiscountRow = {
    id: newId('dsc'),
    code: input.code,
    description: input.description,
    kind: input.kind,
    value: input.value,
    currency: input.currency,
    minSubtotal: input.min_subtotal,
    usageLimit: input.usage_limit,
    usedCount: 0,
    perCustomerLimit: input.per_customer_limit,
    startsAt: canonical(input.starts_at),
    expiresAt: canonical(input.expires_at),
    active: input.active,
    createdAt: now,
    updatedAt: now,
  }
  try {
    await db.insert(discounts).values(row)
  } catch (err) {
    if (isUniqueViolation(err, 'discounts')) throw new AppError('conflict', `The code ${input.code} already exists`)
    throw err
  }
  return toDiscount(row)
}

export async function updateDiscount(db: DB, id: string, input: DiscountUpdate): Promise<Discount> {
  const current = await getDiscount(db, id)
  const next = { ...current, ...input }
  checkDiscountShape(next)
  if (next.usage_limit !== null && next.usage_limit < current.used_count) {
    throw new AppError('conflict', `usage_limit cannot go below the ${current.used_count} redemptions already made`)
  }
  try {
    const row = await db
      .update(discounts)
      .set({
        description: next.description,
        kind: next.kind,
        value: next.value,
        currency: next.currency,
        minSubtotal: next.min_subtotal,
        usageLimit: next.usage_limit,
        perCustomerLimit: next.per_customer_limit,
        startsAt: canonical(next.starts_at),
        expiresAt: canonical(next.expires_at),
        active: next.active,
        updatedAt: nowIso(),
      })
      .where(eq(discounts.id, id))
      .returning()
      .get()
    if (!row) throw notFound('Discount')
    return toDiscount(row)
  } catch (err) {
    // A redemption raced past the check above: the CHECK refused the lower limit.
    if (isCheckViolation(err, 'discounts_usage_limit')) {
      throw new AppError('conflict', 'usage_limit cannot go below the redemptions already made')
    }
    throw err
  }
}

/** A code that was redeemed is part of order history: deactivate it instead of deleting. */
export async function deleteDiscount(db: DB, id: string): Promise<void> {
  const row = await db
    .delete(discounts)
    .where(and(eq(discounts.id, id), eq(discounts.usedCount, 0)))
    .returning({ id: discounts.id })
    .get()
  if (row) return
  await getDiscount(db, id) // 404 when it does not exist at all
  throw new AppError('conflict', 'This code has been redeemed; set active=false instead of deleting it')
}
