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
