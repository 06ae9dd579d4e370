import { formatMoney } from '../notifications/format'
import { intlLocale, type Locale } from './i18n'

/** Minor units → a localized price in that currency (Intl.NumberFormat; the exponent comes from ISO 4217). */
export const price = (amount: number, currency: string, locale: Locale) => formatMoney({ amount, currency }, intlLocale(locale))

export const dateTime = (iso: string, locale: Locale) =>
  new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC'

/** Decimal major units typed by a shopper ("12.50") → minor units, or undefined when not a price. */
export function parseMajor(input: string | undefined, digits = 2): number | undefined {
  if (!input) return undefined
  const m = /^\s*(\d{1,9})(?:[.,](\d{0,3}))?\s*$/.exec(input)
  if (!m) return undefined
  const frac = (m[2] ?? '').padEnd(digits, '0').slice(0, digits)
  return Number(m[1]) * 10 ** digits + (digits ? Number(frac || '0') : 0)
}

/** Minor units → the plain decimal a price input shows ("12.50"). */
export function toMajor(amount: number, digits = 2): string {
  if (!digits) return String(amount)
  const s = String(amount).padStart(digits + 1, '0')
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`
}
