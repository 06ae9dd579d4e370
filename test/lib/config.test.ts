import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { checkConfig, ConfigError, config, sameConfig } from '../../src/lib/config'
import { contentSecurityPolicy } from '../../src/lib/security'
import { rateTimeoutMs, returnWindowDays, shipFrom } from '../../src/modules/shipping/config'
import { accountLink } from '../../src/modules/accounts/verification'
import { orderLink } from '../../src/lib/order-link'
import { paymentReturnUrl } from '../../src/modules/payments/providers/http'

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

  it('parses LOG_SAMPLE_RATE as a fraction from 0 to 1', () => {
    expect(config({}).LOG_SAMPLE_RATE).toBe(0)
    expect(config({ LOG_SAMPLE_RATE: '0.25' }).LOG_SAMPLE_RATE).toBe(0.25)
    expect(config({ LOG_SAMPLE_RATE: '1' }).LOG_SAMPLE_RATE).toBe(1)
    for (const bad of ['1.5', '-0.1', 'often'])
      expect(() => config({ LOG_SAMPLE_RATE: bad })).toThrow(`LOG_SAMPLE_RATE=${JSON.stringify(bad)}`)
  })

  it('builds links from the parsed base URLs: trailing slashes dropped, the default when unset, a malformed one refused', async () => {
    const secret = { JWT_SECRET: 'config-test-secret' }
    expect(await orderLink({ ...secret, APP_BASE_URL: 'https://shop.example/' }, 'ord_1')).toMatch(
      /^https:\/\/shop\.example\/orders\/ord_1\?sig=/,
    )
    expect(await orderLink(secret, 'ord_1')).toMatch(/^http:\/\/localhost:8787\/orders\/ord_1\?sig=/)
    await expect(orderLink({ ...secret, APP_BASE_URL: 'shop.example' }, 'ord_1')).rejects.toThrow('APP_BASE_URL="shop.example"')
    expect(accountLink({ APP_BASE_URL: 'https://shop.example//' } as never, '/verify-email', 't k')).toBe(
      'https://shop.example/verify-email?token=t%20k',
    )
    const providerEnv = { STRIPE_SECRET_KEY: 'sk', STRIPE_API_BASE: '', ...secret }
    expect(await paymentReturnUrl({ ...providerEnv, APP_BASE_URL: 'https://shop.example/' } as never, 'ord_1', 'paypal')).toMatch(
      /^https:\/\/shop\.example\/orders\/ord_1\/payment-return\?provider=paypal&sig=/,
    )
  })

  it('gives each outside service its production API unless a base is set, without a trailing slash', () => {
    expect(config({})).toMatchObject({
      STRIPE_API_BASE: 'https://api.stripe.com',
      PAYPAL_API_BASE: 'https://api-m.paypal.com',
      UPS_API_BASE: 'https://onlinetools.ups.com',
      KASPI_API_BASE: 'https://kaspi.kz/shop/api',
      SENDGRID_BASE_URL: 'https://api.sendgrid.com',
      TURNSTILE_BASE_URL: 'https://challenges.cloudflare.com',
    })
    const c = config({ STRIPE_API_BASE: 'http://localhost:8787/__fakes/stripe/', UPS_API_BASE: '', OZON_API_BASE: 'https://ozon.test//' })
    expect(c).toMatchObject({
      STRIPE_API_BASE: 'http://localhost:8787/__fakes/stripe',
      UPS_API_BASE: 'https://onlinetools.ups.com',
      OZON_API_BASE: 'https://ozon.test',
    })
  })

  it('parses the script URLs, the CORS origins and the ship-from address; unset ones keep their defaults', () => {
    expect(config({})).toMatchObject({
      STRIPE_JS_URL: 'https://js.stripe.com/v3',
      TURNSTILE_SCRIPT_URL: 'https://challenges.cloudflare.com/turnstile/v0/api.js',
      CORS_ALLOWED_ORIGINS: [],
      SHIP_FROM_ADDRESS: { name: 'Edge Commerce Warehouse', country: 'US', postal_code: '40209', city: 'Louisville', region: 'KY' },
    })
    const c = config({
      STRIPE_JS_URL: 'http://localhost:8787/__fakes/stripe-js/v3/',
      TURNSTILE_SCRIPT_URL: ' http://localhost:8787/__fakes/turnstile-fake/turnstile/v0/api.js ',
      CORS_ALLOWED_ORIGINS: 'https://admin.example.com/, http://localhost:5173,',
      SHIP_FROM_ADDRESS: '{"name":"Depot","city":"Leeds","postal_code":"LS1 1AA","country":"gb"}',
    })
    expect(c).toMatchObject({
      STRIPE_JS_URL: 'http://localhost:8787/__fakes/stripe-js/v3/', // a script's URL is kept as written
      TURNSTILE_SCRIPT_URL: 'http://localhost:8787/__fakes/turnstile-fake/turnstile/v0/api.js',
      CORS_ALLOWED_ORIGINS: ['https://admin.example.com', 'http://localhost:5173'],
      SHIP_FROM_ADDRESS: { name: 'Depot', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
    })
    // Their readers go through config() now, so a malformed value throws there too instead of a default.
    expect(shipFrom({ SHIP_FROM_ADDRESS: '{"country":"ke","city":"Nairobi"}' })).toEqual({ country: 'KE', city: 'Nairobi' })
    expect(() => shipFrom({ SHIP_FROM_ADDRESS: '{"country":"KE"' })).toThrow('SHIP_FROM_ADDRESS=')
    expect(() => shipFrom({ SHIP_FROM_ADDRESS: '{"country":"Kenya"}' })).toThrow('country: expected a two-letter country code')
    expect(contentSecurityPolicy({ STRIPE_JS_URL: 'https://stripe-js.test/v3' })).toContain("script-src 'self' https://stripe-js.test;")
    expect(() => contentSecurityPolicy({ STRIPE_JS_URL: 'stripe-js.test/v3' })).toThrow(ConfigError)
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
      ['PAYMENT_WEBHOOKS_BASE_URL', 'ftp://hooks.example'],
      ['LOG_SAMPLE_RATE', '2'],
      ['SENDGRID_BASE_URL', 'api.sendgrid.com'],
      ['MPESA_API_BASE', 'sandbox'],
      ['STRIPE_JS_URL', 'js.stripe.com/v3'],
      ['TURNSTILE_SCRIPT_URL', 'ftp://challenges.cloudflare.com/api.js'],
      ['CORS_ALLOWED_ORIGINS', 'admin.example.com'],
      ['CORS_ALLOWED_ORIGINS', 'https://admin.example.com/dashboard'],
      ['CORS_ALLOWED_ORIGINS', 'https://shop.example.com, *'],
      ['SHIP_FROM_ADDRESS', 'Louisville, KY'],
      ['SHIP_FROM_ADDRESS', '{"city":"Louisville"}'],
      ['SHIP_FROM_ADDRESS', '{"country":"USA"}'],
      ['SHIP_FROM_ADDRESS', '{"country":"US","zip":"40209"}'],
    ]
    for (const [key, value] of bad) {
      expect(() => config({ [key]: value })).toThrow(ConfigError)
      expect(() => config({ [key]: value })).toThrow(`${key}=${JSON.stringify(value)}`)
      expect(() => config({ [key]: value })).toThrow(expect.objectContaining({ variables: [key] }))
    }
  })

  it('checks an env object once: later reads are a lookup; a check, a new object or a copy of other values parse again', () => {
    /** The test's vars behind a counter of the reads of them. */
    const counted = (vars: Record<string, string>) => {
      const seen = { reads: 0 }
      const env = new Proxy(vars, {
        get: (target, key) => {
          seen.reads++
          return target[key as string]
        },
      })
      return { env, vars, seen }
    }
    const { env: e, vars, seen } = counted({ LOG_SAMPLE_RATE: '0.5', RETURN_WINDOW_DAYS: '7' })
    const first = config(e)
    const perCheck = seen.reads
    expect(perCheck).toBe(Object.keys(first).length) // each variable of the schema, once
    expect(config(e)).toBe(first)
    expect(config(e).LOG_SAMPLE_RATE).toBe(0.5)
    expect(seen.reads).toBe(perCheck) // the second and third reads touched no value

    // A copy sharing the check (d1Session's env with a D1 session) reads nothing either.
    const copy = counted({ ...vars })
    expect(config(sameConfig(e, copy.env))).toBe(first)
    expect(copy.seen.reads).toBe(0)

    // A changed env is validated again: another object with a bad value, or the same object at its
    // next check (withConfigCheck runs one per invocation).
    expect(() => config({ ...vars, LOG_SAMPLE_RATE: 'often' })).toThrow('LOG_SAMPLE_RATE="often"')
    vars.RETURN_WINDOW_DAYS = '14'
    expect(checkConfig(e).RETURN_WINDOW_DAYS).toBe(14)
    expect(seen.reads).toBe(2 * perCheck)
    expect(config(e).RETURN_WINDOW_DAYS).toBe(14)
    vars.RETURN_WINDOW_DAYS = 'a fortnight'
    expect(() => checkConfig(e)).toThrow(expect.objectContaining({ variables: ['RETURN_WINDOW_DAYS'] }))
  })
})
