import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../src/modules/notifications/format'
import { render, templateLocale } from '../../src/modules/notifications/templates'

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('money formatting from minor units', () => {
  it.each([
    [{ amount: 123450, currency: 'USD' }, 'en-US', '$1,234.50'],
    [{ amount: 5, currency: 'USD' }, 'en-US', '$0.05'],
    [{ amount: 123450, currency: 'RUB' }, 'ru-RU', '1 234,50 ₽'],
    [{ amount: 1500, currency: 'JPY' }, 'en-US', '¥1,500'],
    [{ amount: 12345, currency: 'KWD' }, 'en-US', 'KWD 12.345'],
    [{ amount: 999999999999, currency: 'KZT' }, 'ru-RU', '9 999 999 999,99 KZT'],
    [{ amount: -250, currency: 'EUR' }, 'en-US', '-€2.50'],
  ])('%o in %s is %s', (money, locale, expected) => {
    expect(plain(formatMoney(money, locale))).toBe(expected)
  })
})

describe('templates', () => {
  it('picks Russian for ru and kk, English otherwise', () => {
    expect(templateLocale('ru')).toBe('ru')
    expect(templateLocale('kk')).toBe('ru')
    expect(templateLocale('en')).toBe('en')
    expect(templateLocale(undefined)).toBe('en')
  })

  it('uses Russian plural forms for link lifetimes', () => {
    const ctx = (minutes: number) => ({
      brand: 'Edge Commerce',
      name: 'Анна',
      account: { user_id: 'usr_1', email: 'a@example.test', link: 'https://shop.test/x?token=t', expires_at: '' },
      expiresInMinutes: minutes,
    })
    expect(render('password_reset', 'ru', 'email', ctx(120)).text).toContain('Ссылка действует 2 часа')
    expect(render('password_reset', 'ru', 'email', ctx(300)).text).toContain('Ссылка действует 5 часов')
    expect(render('password_reset', 'ru', 'email', ctx(30)).text).toContain('Ссылка действует 30 минут')
    expect(render('email_verification', 'en', 'email', ctx(1440)).text).toContain('expires in 24 hours')
  })

  it('escapes HTML in email and keeps SMS text short and plain', () => {
    const ctx = {
      brand: 'Edge Commerce',
      name: '<b>Eve</b>',
      order: { order_id: 'ord_1', user_id: 'usr_1', total: { amount: 100, currency: 'USD' } },
    }
    const email = render('order_delivered', 'en', 'email', ctx)
    expect(email.html).toContain('&lt;b&gt;Eve&lt;/b&gt;')
    expect(email.html).not.toContain('<b>Eve</b>')
    const sms = render('order_delivered', 'en', 'sms', ctx)
    expect(sms.text).toBe('Edge Commerce: Order ord_1 delivered\nYour order ord_1 has been delivered. Thank you for shopping with us!')
    expect(sms.html).toBeUndefined()
  })
})
