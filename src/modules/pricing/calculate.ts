import { applyBasisPoints, divRound } from '../../lib/money'

/**
 * Pure pricing maths: no I/O, integer minor units in and out. The rules, in order:
 *
 * 1. Line subtotal = unit_price × quantity. Order subtotal = Σ line subtotals.
 * 2. Discount (merchandise only, never shipping):
 *    - percentage: applyBasisPoints(subtotal, bps), i.e. rounded half away from zero;
 *    - fixed: the amount;
 *    both clamped to the subtotal, so merchandise never goes below zero.
 * 3. The order discount is allocated to lines in proportion to their subtotals: each line gets
 *    floor(discount × line_subtotal / subtotal); the cents left over go to the largest line (first
 *    one on ties). If that would push the largest line's discount above its own subtotal (only with
 *    tiny lines), the overflow moves on to the next largest lines. Line discounts always add up to
 *    the order discount exactly and no line goes negative.
 * 4. Tax per line on the discounted amount (taxable = subtotal − discount):
 *    - exclusive: tax = applyBasisPoints(taxable, bps), added on top;
 *    - inclusive: tax = divRound(taxable × bps, 10000 + bps), already inside the price.
 *    Order tax = Σ line taxes (never recomputed on the order total, so lines and order agree).
 * 5. Shipping is computed on the discounted merchandise (before exclusive tax) and weight, and is
 *    NOT taxed: it is added to the total as is.
 * 6. Total = subtotal − discount + (exclusive ? tax : 0) + shipping.
 */

export interface CalcLineInput {
  key: string
  unit_price: number
  quantity: number
  weight_grams: number
}

export interface CalcDiscount {
  kind: 'percentage' | 'fixed'
  /** Basis points for percentage, minor units for fixed. */
  value: number
}

export interface CalcTax {
  rate_bps: number
  inclusive: boolean
}

export interface CalcShipping {
  kind: 'flat' | 'free_over' | 'per_weight'
  amount: number
  free_over_amount: number | null
  per_kg_amount: number | null
}

export interface CalcLineResult {
  key: string
  subtotal: number
  discount: number
  tax: number
  /** What the customer pays for this line: taxable amount plus exclusive tax. */
  total: number
}

export interface CalcResult {
  lines: CalcLineResult[]
  subtotal: number
  discount: number
  tax: number
  shipping: number
  total: number
  weight_grams: number
}

/** The order-level discount for a subtotal, clamped to [0, subtotal]. */
export function discountAmount(subtotal: number, discount: CalcDiscount | null): number {
  if (!discount || subtotal <= 0) return 0
  const raw = discount.kind === 'percentage' ? applyBasisPoints(subtotal, discount.value) : discount.value
  return Math.max(0, Math.min(raw, subtotal))
}

/**
 * Split `total` across `weights` proportionally (floor), leftover cents to the largest weight,
 * never giving any entry more than its own weight. Requires 0 <= total <= Σ weights.
 */
export function allocateProportionally(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (total < 0 || total > sum) throw new Error(`cannot allocate ${total} over ${sum}`)
  if (total === 0 || sum === 0) return weights.map(() => 0)
  // BigInt for the product: total × weight can exceed 2^53 for large carts.
  const shares = weights.map((w) => Number((BigInt(total) * BigInt(w)) / BigInt(sum)))
  let left = total - shares.reduce((a, b) => a + b, 0)
  // Largest weight first; stable on ties so the first line wins.
  const order = weights.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w || a.i - b.i)
  for (const { w, i } of order) {
    if (left === 0) break
    const room = w - shares[i]!
    const give = Math.min(room, left)
    shares[i] = shares[i]! + give
    left -= give
  }
  return shares
}

/** Tax contained in or added to `taxable` at `tax`; 0 without a rate. */
export function lineTax(taxable: number, tax: CalcTax | null): number {
  if (!tax || tax.rate_bps === 0 || taxable <= 0) return 0
  return tax.inclusive ? divRound(taxable * tax.rate_bps, 10_000 + tax.rate_bps) : applyBasisPoints(taxable, tax.rate_bps)
}

/**
 * Shipping cost for discounted merchandise `goods` weighing `grams`. per_weight charges every
 * started kilogram (1 g over a kilogram is a second step); a free-over threshold is reached when
 * goods >= threshold.
 */
export function shippingAmount(method: CalcShipping | null, goods: number, grams: number): number {
  if (!method) return 0
  if (method.free_over_amount !== null && goods >= method.free_over_amount) return 0
  if (method.kind === 'per_weight') {
    const steps = Math.ceil(Math.max(0, grams) / 1000)
    return method.amount + steps * (method.per_kg_amount ?? 0)
  }
  return method.amount
}

/** Price a set of lines: the single source of every number a quote, cart or order shows. */
export function calculate(input: {
  lines: CalcLineInput[]
  discount: CalcDiscount | null
  tax: CalcTax | null
  shipping: CalcShipping | null
}): CalcResult {
  const subtotals = input.lines.map((l) => l.unit_price * l.quantity)
  const subtotal = subtotals.reduce((a, b) => a + b, 0)
  const discount = discountAmount(subtotal, input.discount)
  const lineDiscounts = allocateProportionally(discount, subtotals)

  const lines = input.lines.map((l, i): CalcLineResult => {
    const taxable = subtotals[i]! - lineDiscounts[i]!
    const tax = lineTax(taxable, input.tax)
    return {
      key: l.key,
      subtotal: subtotals[i]!,
      discount: lineDiscounts[i]!,
      tax,
      total: taxable + (input.tax?.inclusive ? 0 : tax),
    }
  })
  const tax = lines.reduce((a, l) => a + l.tax, 0)
  const weight = input.lines.reduce((a, l) => a + l.weight_grams * l.quantity, 0)
  const shipping = lines.length ? shippingAmount(input.shipping, subtotal - discount, weight) : 0
  const total = subtotal - discount + (input.tax?.inclusive ? 0 : tax) + shipping
  return { lines, subtotal, discount, tax, shipping, total, weight_grams: weight }
}
