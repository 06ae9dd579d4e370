import type { Locale } from './i18n'

/**
 * The M-Pesa phone a shopper typed (checkout, and the order page's retry): spaces and dashes are
 * allowed and the `+` is optional; a Kenyan mobile number comes back in E.164 (`+2547…`), anything
 * else is null. The API checks the same rule again (KenyanPhoneSchema).
 */
export function mpesaPhone(raw: string | undefined): string | null {
  const compact = (raw ?? '').trim().replace(/[\s-]/g, '')
  return /^\+?254[17]\d{8}$/.test(compact) ? `+${compact.replace(/^\+/, '')}` : null
}

/** What the shopper reads when the number is not one M-Pesa can prompt. */
export const mpesaPhoneError = (l: Locale) =>
  l === 'ru'
    ? 'Для M-Pesa укажите кенийский номер телефона, например +254712345678.'
    : 'For M-Pesa, enter the Kenyan phone number that gets the payment prompt, for example +254712345678.'
