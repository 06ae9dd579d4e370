import type { Money } from '../../lib/money'

/** The currency's minor-unit exponent per ISO 4217 as ICU knows it (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/**
 * Money in minor units rendered for a locale: `{amount: 123450, currency: 'RUB'}` is "1 234,50 ₽"
 * in ru and "RUB 1,234.50" in en. The decimal string is built with integer arithmetic and handed
 * to Intl as a string, so no float ever touches the amount.
 */
export function formatMoney(money: Money, locale: string): string {
  const digits = currencyDigits(money.currency)
  const negative = money.amount < 0
  const abs = String(Math.abs(money.amount)).padStart(digits + 1, '0')
  const decimal = digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs
  const value = `${negative ? '-' : ''}${decimal}`
  try {
    const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency })
    // format() accepts decimal strings exactly (Intl.NumberFormat v3); the cast is for older lib types.
    return formatter.format(value as unknown as number)
  } catch {
    return `${value} ${money.currency}`
  }
}
