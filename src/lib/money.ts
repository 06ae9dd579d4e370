import { z } from '@hono/zod-openapi'

/** ISO 4217 code, upper case. */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD')
  .openapi({ example: 'USD' })

/** Integer amount in the currency's minor units (cents, tiyn, kopecks). Never a float. */
export const AmountSchema = z.number().int().min(0).max(1_000_000_000_00)

export const MoneySchema = z
  .object({ amount: AmountSchema, currency: CurrencySchema })
  .openapi('Money', { example: { amount: 1999, currency: 'USD' } })

export type Money = z.infer<typeof MoneySchema>

export const money = (amount: number, currency: string): Money => {
  if (!Number.isSafeInteger(amount)) throw new Error(`money amount must be an integer, got ${amount}`)
  return { amount, currency }
}

/**
 * Divide with explicit rounding. All percentage maths (tax, discounts) goes through this so the
 * rounding rule is written down once: half away from zero, like a shop till.
 */
export function divRound(numerator: number, denominator: number): number {
  if (denominator === 0) throw new Error('division by zero')
  const q = Math.trunc(numerator / denominator)
  const r = numerator - q * denominator
  const sign = Math.sign(numerator) * Math.sign(denominator)
  return 2 * Math.abs(r) >= Math.abs(denominator) ? q + sign : q
}

/** `amount * basisPoints / 10000`, rounded half away from zero (1 bp = 0.01%). */
export const applyBasisPoints = (amount: number, basisPoints: number) => divRound(amount * basisPoints, 10_000)

/**
 * ISO 4217 minor-unit exponents: how many decimals a currency's minor unit has. Every amount in
 * this codebase is an integer in these minor units (`1999` USD is $19.99, `1999` JPY is ¥1999,
 * `1999` KWD is 1.999 KD). Currencies not listed have 2. The one place this is written down:
 * payment providers convert from it to what their API expects (see providers/stripe.ts).
 */
const EXPONENT_0 = [
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
] as const
const EXPONENT_3 = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'] as const

export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries(EXPONENT_0.map((c) => [c, 0])),
  ...Object.fromEntries(EXPONENT_3.map((c) => [c, 3])),
})

/** Decimals of the currency's minor unit (USD 2, JPY 0, KWD 3; 2 unless listed). */
export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2
}

/**
 * Re-express an integer amount from one exponent to another (e.g. our JPY minor units, exponent 0,
 * for an API that wants two decimals: ×100). Going down must be exact: an amount that cannot be
 * expressed (12.345 in an API with two decimals) returns null instead of being rounded.
 */
export function rescaleMinor(amount: number, fromExponent: number, toExponent: number): number | null {
  if (!Number.isSafeInteger(amount)) return null
  if (toExponent >= fromExponent) {
    const out = amount * 10 ** (toExponent - fromExponent)
    return Number.isSafeInteger(out) ? out : null
  }
  const factor = 10 ** (fromExponent - toExponent)
  return amount % factor === 0 ? amount / factor : null
}

/** `1999, 'USD'` → `'19.99'`; `1999, 'JPY'` → `'1999'`; `1999, 'KWD'` → `'1.999'` (no rounding, no floats). */
export function formatMinor(amount: number, currency: string): string {
  const exp = currencyExponent(currency)
  const sign = amount < 0 ? '-' : ''
  const digits = String(Math.abs(amount)).padStart(exp + 1, '0')
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`
}
