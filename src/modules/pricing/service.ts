/**
 * Pricing service: the one place a price is turned into money owed. Carts and checkout both call
 * `quote()`, which reads current prices and stock from the catalog and applies tax, shipping and
 * discount rules through the pure maths in calculate.ts.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { isCheckViolation } from '../../lib/d1'
import { getDb, type DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { calculate, type CalcDiscount, type CalcShipping, type CalcTax } from './calculate'
import { loadPricingVariants, type PricingVariant } from './catalog-source'
import { quoteCarrierMethod, verifyQuote, type ShippingQuote } from '../shipping/rates'
import { findDiscountByCode, findTaxRate, shipsTo, toShippingMethod } from './rules'
import { discountCustomerUsage, discountRedemptions, discounts, shippingMethods } from './tables'

export * from './rules'

export interface QuoteInput {
  lines: { variant_id: string; quantity: number }[]
  user_id?: string
  country?: string
  region?: string
  /** Destination postal code, for carrier (live-rated) shipping methods. */
  postal_code?: string
  shipping_method_id?: string
  /** Checkout: the signed id of the carrier rate the shopper was shown; that price is charged (or 409 price_changed). */
  shipping_quote_id?: string
  discount_code?: string
  /**
   * 'flag' (default, for checkout): price the quantity asked for and report a shortage as a
   * problem. 'cap' (for cart reads): price at most the stock there is, dropping sold-out lines.
   */
  stock_policy?: 'flag' | 'cap'
}

export interface QuoteLine {
  variant_id: string
  product_id: string
  seller_id: string
  product_name: string
  sku: string
  variant_name: string
  unit_price: number
  quantity: number
  subtotal: number
  discount: number
  tax: number
  total: number
  available_stock: number
  weight_grams: number
  /** Display extras for carts (not part of what checkout snapshots). */
  product_slug: string
  image_url: string | null
}

/**
 * Why a discount code did not apply. Internal: a shopper only ever sees `discount_not_applicable`
 * ("This code cannot be applied"), whatever the reason, so nobody can tell a code that does not
 * exist from one that exists but is expired, exhausted or members-only by guessing. The reason is
 * logged with the discount's id (and kept on the quote, `reason`, for staff-side callers and tests).
 */
export type DiscountRefusal =
  | 'discount_not_found'
  | 'discount_inactive'
  | 'discount_not_started'
  | 'discount_expired'
  | 'discount_exhausted'
  | 'discount_customer_limit'
  | 'discount_requires_account'
  | 'discount_min_subtotal'
  | 'discount_currency'

export type QuoteProblemCode =
  | 'invalid_quantity'
  | 'variant_unavailable'
  | 'out_of_stock'
  | 'insufficient_stock'
  | 'currency_mismatch'
  | 'discount_not_applicable'
  | 'shipping_method_unavailable'
  | 'shipping_quote_invalid'

export interface QuoteProblem {
  variant_id?: string
  code: QuoteProblemCode
  message: string
  /** discount_not_applicable only: the precise reason. Never sent to shoppers (see publicProblems). */
  reason?: DiscountRefusal
}

/** The one answer a shopper gets for any discount code that does not apply. */
export const DISCOUNT_NOT_APPLICABLE = 'This code cannot be applied'

/** Problems as shoppers may see them: without the internal discount refusal reason. */
export const publicProblems = (problems: readonly QuoteProblem[]) => problems.map(({ reason: _reason, ...p }) => p)

export interface Quote {
  /** The currency of the first priceable line; null when nothing could be priced. */
  currency: string | null
  lines: QuoteLine[]
  subtotal: number
  discount: number
  tax: number
  shipping: number
  total: number
  /** True when the applied tax rate is inclusive (tax is inside the prices, not added). */
  tax_inclusive: boolean
  discount_code: string | null
  discount_id: string | null
  shipping_method: { id: string; name: string } | null
  /** Carrier methods: the live (or fallback) rate charged, with the signed id checkout can send back. */
  shipping_quote: ShippingQuote | null
  problems: QuoteProblem[]
}

export const MAX_LINE_QUANTITY = 99

/** Merge repeated variants (quantities add up), keeping first-seen order. */
function mergeLines(lines: QuoteInput['lines']) {
  const merged = new Map<string, number>()
  for (const l of lines) merged.set(l.variant_id, (merged.get(l.variant_id) ?? 0) + l.quantity)
  return [...merged].map(([variant_id, quantity]) => ({ variant_id, quantity }))
}

/**
 * Price lines against the catalog as it is now, plus tax, shipping and an optional discount code.
 * Never throws for a business problem: unavailable variants, shortages, mixed currencies and
 * unusable codes/methods are listed in `problems` (a rejected code is simply not applied).
 */
export async function quote(
  env: Env,
  input: QuoteInput,
  /** The lines' variants when the caller read them moments ago in this request (the cart's add); else read here. */
  loaded?: readonly PricingVariant[],
): Promise<Quote> {
  const db = getDb(env)
  const policy = input.stock_policy ?? 'flag'
  const problems: QuoteProblem[] = []
  const requested = mergeLines(input.lines)
  const variants =
    loaded ??
    (await loadPricingVariants(
      db,
      requested.map((l) => l.variant_id),
    ))
  const byId = new Map(variants.map((v) => [v.variant_id, v]))

  let currency: string | null = null
  const priced: { v: PricingVariant; quantity: number }[] = []
  for (const { variant_id, quantity } of requested) {
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      problems.push({ variant_id, code: 'invalid_quantity', message: 'Quantity must be a positive whole number' })
      continue
    }
    const v = byId.get(variant_id)
    if (!v || !v.available) {
      problems.push({ variant_id, code: 'variant_unavailable', message: 'This item is no longer available' })
      continue
    }
    currency ??= v.currency
    if (v.currency !== currency) {
      problems.push({
        variant_id,
        code: 'currency_mismatch',
        message: `Priced in ${v.currency} while the order is in ${currency}; it cannot be bought together`,
      })
      continue
    }
    let qty = quantity
    if (v.stock <= 0) {
      problems.push({ variant_id, code: 'out_of_stock', message: 'Out of stock' })
      if (policy === 'cap') continue
    } else if (quantity > v.stock) {
      problems.push({ variant_id, code: 'insufficient_stock', message: `Only ${v.stock} left in stock` })
      if (policy === 'cap') qty = v.stock
    }
    priced.push({ v, quantity: qty })
  }

  const grossSubtotal = priced.reduce((a, p) => a + p.v.price * p.quantity, 0)
  const grams = priced.reduce((a, p) => a + p.v.weight_grams * p.quantity, 0)
  // Discount, tax rate and shipping do not depend on each other: one wait instead of three (each
  // collects its own problems, appended in this order so the answer does not depend on timing).
  const discountProblems: QuoteProblem[] = []
  const shippingProblems: QuoteProblem[] = []
  const [discount, taxRow, shipping] = await Promise.all([
    input.discount_code
      ? resolveDiscount(db, input.discount_code, { currency, subtotal: grossSubtotal, userId: input.user_id }, discountProblems)
      : null,
    input.country ? findTaxRate(db, input.country, input.region) : undefined,
    input.shipping_method_id
      ? resolveShipping(
          env,
          db,
          input.shipping_method_id,
          {
            currency,
            country: input.country,
            postal_code: input.postal_code,
            grams,
            quote_id: input.shipping_quote_id,
            priced: priced.length > 0,
          },
          shippingProblems,
        )
      : null,
  ])
  problems.push(...discountProblems, ...shippingProblems)
  const tax: CalcTax | null = taxRow ? { rate_bps: taxRow.rateBps, inclusive: taxRow.inclusive } : null

  const result = calculate({
    lines: priced.map((p) => ({
      key: p.v.variant_id,
      unit_price: p.v.price,
      quantity: p.quantity,
      weight_grams: p.v.weight_grams,
    })),
    discount: discount?.calc ?? null,
    tax,
    shipping: shipping?.calc ?? null,
  })

  return {
    currency,
    lines: priced.map((p, i): QuoteLine => {
      const r = result.lines[i]!
      return {
        variant_id: p.v.variant_id,
        product_id: p.v.product_id,
        seller_id: p.v.seller_id,
        product_name: p.v.product_name,
        sku: p.v.sku,
        variant_name: p.v.variant_name,
        unit_price: p.v.price,
        quantity: p.quantity,
        subtotal: r.subtotal,
        discount: r.discount,
        tax: r.tax,
        total: r.total,
        available_stock: Math.max(0, p.v.stock),
        weight_grams: p.v.weight_grams,
        product_slug: p.v.product_slug,
        image_url: p.v.image_url,
      }
    }),
    subtotal: result.subtotal,
    discount: result.discount,
    tax: result.tax,
    shipping: result.shipping,
    total: result.total,
    tax_inclusive: tax?.inclusive ?? false,
    discount_code: discount?.code ?? null,
    discount_id: discount?.id ?? null,
    shipping_method: shipping ? { id: shipping.id, name: shipping.name } : null,
    shipping_quote: shipping?.quote ?? null,
    problems,
  }
}

/** A code's usability for this order; pushes a problem and returns null when it cannot apply. */
async function resolveDiscount(
  db: DB,
  code: string,
  ctx: { currency: string | null; subtotal: number; userId?: string },
  problems: QuoteProblem[],
): Promise<{ id: string; code: string; calc: CalcDiscount } | null> {
  const d = await findDiscountByCode(db, code)
  const fail = (reason: DiscountRefusal) => {
    problems.push({ code: 'discount_not_applicable', message: DISCOUNT_NOT_APPLICABLE, reason })
    log('info', 'discount code not applied', { reason, discount_id: d?.id ?? null })
    return null
  }
  if (!d) return fail('discount_not_found')
  const now = nowIso()
  if (!d.active) return fail('discount_inactive')
  if (d.startsAt && d.startsAt > now) return fail('discount_not_started')
  if (d.expiresAt && d.expiresAt <= now) return fail('discount_expired')
  if (d.usageLimit !== null && d.usedCount >= d.usageLimit) return fail('discount_exhausted')
  if (d.perCustomerLimit !== null) {
    if (!ctx.userId) return fail('discount_requires_account')
    const usage = await db
      .select({ used: discountCustomerUsage.used })
      .from(discountCustomerUsage)
      .where(and(eq(discountCustomerUsage.discountId, d.id), eq(discountCustomerUsage.userId, ctx.userId)))
      .get()
    if ((usage?.used ?? 0) >= d.perCustomerLimit) return fail('discount_customer_limit')
  }
  if (d.currency && ctx.currency && d.currency !== ctx.currency) return fail('discount_currency')
  if (ctx.subtotal < d.minSubtotal) return fail('discount_min_subtotal')
  return { id: d.id, code: d.code, calc: { kind: d.kind, value: d.value } }
}

async function resolveShipping(
  env: Env,
  db: DB,
  id: string,
  ctx: { currency: string | null; country?: string; postal_code?: string; grams: number; quote_id?: string; priced: boolean },
  problems: QuoteProblem[],
): Promise<{ id: string; name: string; calc: CalcShipping; quote: ShippingQuote | null } | null> {
  const row = await db.select().from(shippingMethods).where(eq(shippingMethods.id, id)).get()
  const m = row ? toShippingMethod(row) : undefined
  let why: string | undefined
  if (!m || !m.active) why = 'This shipping method does not exist or is not offered'
  else if (ctx.currency && m.currency !== ctx.currency) why = `This shipping method is priced in ${m.currency}`
  else if (!shipsTo(m, ctx.country)) {
    why = ctx.country ? `This shipping method does not ship to ${ctx.country.toUpperCase()}` : 'Give a country for this shipping method'
  } else if (m.kind === 'carrier' && !ctx.country) why = 'Give a country for this shipping method'
  if (why || !m) {
    problems.push({ code: 'shipping_method_unavailable', message: why ?? 'Unavailable shipping method' })
    return null
  }
  if (m.kind !== 'carrier' || !m.carrier || !m.service_code) {
    return {
      id: m.id,
      name: m.name,
      calc: {
        kind: m.kind === 'carrier' ? 'flat' : m.kind,
        amount: m.amount,
        free_over_amount: m.free_over_amount,
        per_kg_amount: m.per_kg_amount,
      },
      quote: null,
    }
  }
  // A carrier method: the live rate (or its fallback price), charged like a flat price.
  const method = { id: m.id, carrier: m.carrier, service_code: m.service_code, amount: m.amount, currency: m.currency }
  const dest = { country: ctx.country!, postal_code: ctx.postal_code }
  let quote: ShippingQuote | null = null
  if (ctx.quote_id) {
    const checked = await verifyQuote(env, ctx.quote_id, { method, dest, grams: ctx.grams })
    if (checked.ok) quote = checked.quote
    else problems.push({ code: 'shipping_quote_invalid', message: `${checked.reason}; review the new shipping price` })
  }
  // Nothing to ship (an empty or unpriceable cart): no reason to ask the carrier.
  if (!quote && ctx.priced) quote = await quoteCarrierMethod(env, method, dest, ctx.grams)
  return {
    id: m.id,
    name: m.name,
    calc: { kind: 'flat', amount: quote?.amount ?? m.amount, free_over_amount: m.free_over_amount, per_kg_amount: null },
    quote,
  }
}

/**
 * Statements that redeem a discount code, for the caller's checkout `db.batch()` so the
 * redemption commits or fails together with the order. Limits are enforced by the database:
 * `discounts.used_count + 1` fails CHECK discounts_usage_limit once the total limit is reached,
 * and the per-customer counter row fails CHECK discount_customer_usage_limit once the customer's
 * limit is reached; either aborts the whole batch (test with `isDiscountLimitError`). The order id
 * is UNIQUE in discount_redemptions, so one order cannot redeem twice.
 */
export function discountRedemptionStatements(
  db: DB,
  input: { discount_id: string; user_id: string | null | undefined; order_id: string },
): BatchItem<'sqlite'>[] {
  const now = nowIso()
  // Query builders only: drizzle's d1 batch cannot run `db.run(sql)` items that carry parameters.
  const out: BatchItem<'sqlite'>[] = [
    db
      .update(discounts)
      .set({ usedCount: sql`${discounts.usedCount} + 1`, updatedAt: now })
      .where(eq(discounts.id, input.discount_id)),
  ]
  if (input.user_id) {
    // max_uses is re-copied on every redemption so a limit the admin changed applies from now on.
    const limit = sql<number | null>`(SELECT ${discounts.perCustomerLimit} FROM ${discounts} WHERE ${discounts.id} = ${input.discount_id})`
    out.push(
      db
        .insert(discountCustomerUsage)
        .values({ discountId: input.discount_id, userId: input.user_id, used: 1, maxUses: limit, updatedAt: now })
        .onConflictDoUpdate({
          target: [discountCustomerUsage.discountId, discountCustomerUsage.userId],
          set: {
            used: sql`${discountCustomerUsage.used} + 1`,
            maxUses: sql`excluded.max_uses`,
            updatedAt: sql`excluded.updated_at`,
          },
        }),
    )
  }
  out.push(
    db.insert(discountRedemptions).values({
      id: newId('dsr'),
      discountId: input.discount_id,
      userId: input.user_id ?? null,
      orderId: input.order_id,
      createdAt: now,
    }),
  )
  return out
}

/** True when a batch failed because redeeming a code would exceed its total or per-customer limit. */
export function isDiscountLimitError(err: unknown): boolean {
  return isCheckViolation(err, 'discounts_usage_limit', 'discount_customer_usage_limit')
}
