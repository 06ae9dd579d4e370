import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ConfigError, config } from '../../src/lib/config'
import { rateTimeoutMs, returnWindowDays } from '../../src/modules/shipping/config'

describe('config', () => {
  it('gives every default when nothing is set, and treats an empty value as unset', () => {
    const c = config({ ACCESS_TOKEN_TTL_SECONDS: '', NOTIFICATIONS_LOG_REVEAL_LINKS: '' })
    expect(c).toMatchObject({
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 2_592_000,
      CATALOG_CACHE_TTL_SECONDS: 300,
      CATALOG_MEMO_MS: 1000,
      ORDER_PAYMENT_TIMEOUT_SECONDS: 1800,
      MANUAL_PAYMENT_TIMEOUT_SECONDS: 259_200,
      CARRIER_RATE_TIMEOUT_MS: 2500,
      RETURN_WINDOW_DAYS: 30,
      NOTIFICATIONS_PROVIDER_MODE: 'live',
      NOTIFICATIONS_LOG_REVEAL_LINKS: false,
      APP_BASE_URL: 'http://localhost:8787',
    })
  })

  it('parses the Worker’s own vars (wrangler.toml and the test bindings)', () => {
    const c = config(env)
    expect(c.ACCESS_TOKEN_TTL_SECONDS).toBe(Number(env.ACCESS_TOKEN_TTL_SECONDS))
    expect(c.PAYMENT_WEBHOOKS_BASE_URL).toBe('https://hooks.edge-commerce.test')
    expect(config({ ...env })).toBe(c) // a copy with the same values is not parsed again
  })

  it('parses numbers, booleans, enums and URLs', () => {
    const c = config({
      RETURN_WINDOW_DAYS: '0',
      CARRIER_RATE_TIMEOUT_MS: '60000',
      NOTIFICATIONS_LOG_REVEAL_LINKS: 'true',
      NOTIFICATIONS_PROVIDER_MODE: 'log',
      APP_BASE_URL: 'https://shop.example/',
    })
    expect(c).toMatchObject({
      RETURN_WINDOW_DAYS: 0,
      CARRIER_RATE_TIMEOUT_MS: 10_000,
      NOTIFICATIONS_LOG_REVEAL_LINKS: true,
      NOTIFICATIONS_PROVIDER_MODE: 'log',
      APP_BASE_URL: 'https://shop.example',
    })
    expect(returnWindowDays({ RETURN_WINDOW_DAYS: '14' })).toBe(14)
    expect(rateTimeoutMs({})).toBe(2500)
  })

  it('refuses a bad value loudly, naming the variable and the value', () => {
    const bad: [string, string][] = [
      ['ORDER_PAYMENT_TIMEOUT_SECONDS', 'nonsense'],
      ['ORDER_PAYMENT_TIMEOUT_SECONDS', '0'],
      ['ACCESS_TOKEN_TTL_SECONDS', '1.5'],
      ['CATALOG_CACHE_TTL_SECONDS', '30'],
      ['NOTIFICATIONS_LOG_REVEAL_LINKS', 'yes'],
      ['NOTIFICATIONS_PROVIDER_MODE', 'quiet'],
      ['APP_BASE_URL', 'localhost:8787'],
    ]
    for (const [key, value] of bad) {
      expect(() => config({ [key]: value })).toThrow(ConfigError)
      expect(() => config({ [key]: value })).toThrow(`${key}=${JSON.stringify(value)}`)
    }
  })
})
