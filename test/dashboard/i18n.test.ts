// The dashboard's two dictionaries (dashboard/src/i18n.ts, Russian loaded on demand) must match: every English key has a
// Russian entry with the same placeholders, and every count has Russian's one/few/many/other.
import { describe, expect, it } from 'vitest'
import { detectLang, interpolate, loadDictionary, pluralForm, type Plural, type RuPlural } from '../../dashboard/src/i18n'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const texts = (entry: string | Record<string, string>) => (typeof entry === 'string' ? [entry] : Object.values(entry))

const dictionaries = { en: await loadDictionary('en'), ru: await loadDictionary('ru') }

describe('dashboard dictionaries', () => {
  const en: Record<string, string | Record<string, string>> = dictionaries.en
  const ru: Record<string, string | Record<string, string>> = dictionaries.ru

  it('have the same keys in English and Russian', () => {
    const missingInRu = Object.keys(en).filter((k) => !(k in ru))
    const onlyInRu = Object.keys(ru).filter((k) => !(k in en))
    expect(missingInRu).toEqual([])
    expect(onlyInRu).toEqual([])
  })

  it('use the same placeholders in both languages, and no empty text', () => {
    const mismatched: string[] = []
    for (const [key, entry] of Object.entries(en)) {
      const want = placeholders(texts(entry)[0]!)
      for (const text of [...texts(entry), ...texts(ru[key] ?? '')]) {
        if (text.trim() === '' || JSON.stringify(placeholders(text)) !== JSON.stringify(want)) mismatched.push(`${key}: ${text}`)
      }
    }
    expect(mismatched).toEqual([])
  })

  it('give every count the plural forms its language needs', () => {
    for (const [key, entry] of Object.entries(en)) {
      if (typeof entry === 'string') {
        expect(typeof ru[key], key).toBe('string')
        continue
      }
      expect(Object.keys(entry).sort(), key).toEqual(['one', 'other'])
      expect(Object.keys(ru[key] as object).sort(), key).toEqual(['few', 'many', 'one', 'other'])
    }
  })

  it('pick Russian plural forms with Intl.PluralRules', () => {
    const orders = dictionaries.ru['count.orders'] as RuPlural
    const say = (n: number) => interpolate(pluralForm('ru', orders, n), { count: String(n) })
    expect([1, 2, 5, 11, 21, 22, 25, 101].map(say)).toEqual([
      '1 заказ',
      '2 заказа',
      '5 заказов',
      '11 заказов',
      '21 заказ',
      '22 заказа',
      '25 заказов',
      '101 заказ',
    ])
    const en1 = dictionaries.en['count.orders'] as Plural
    expect(interpolate(pluralForm('en', en1, 1), { count: '1' })).toBe('1 order')
    expect(interpolate(pluralForm('en', en1, 0), { count: '0' })).toBe('0 orders')
  })

  it('choose the saved language, else the browser’s, else English', () => {
    expect(detectLang('ru', ['en-US'])).toBe('ru')
    expect(detectLang(null, ['ru-RU', 'en'])).toBe('ru')
    expect(detectLang(null, ['de-DE', 'en-GB'])).toBe('en')
    expect(detectLang('fr', ['kk-KZ'])).toBe('en')
  })
})
