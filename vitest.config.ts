import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Tests run inside workerd against real D1, KV, R2, Durable Objects and Queues. Each test file
// gets isolated storage; migrations are applied in test/setup.ts.
const migrations = await readD1Migrations('./migrations')

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // A tiny limit the rate-limit tests swap in for a tier's binding (wrangler.toml's are loose).
        ratelimits: { RATE_LIMIT_TINY: { namespace_id: '9001', simple: { limit: 3, period: 60 } } },
        bindings: {
          TEST_MIGRATIONS: migrations,
          JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
          SENTRY_DSN: '',
          // Stripe calls are routed to fakes/stripe.ts in-process (test/fakes.ts routeFetch).
          STRIPE_SECRET_KEY: 'sk_test_vitest',
          STRIPE_WEBHOOK_SECRET: 'whsec_vitest_secret',
          STRIPE_API_BASE: 'https://api.stripe.com',
          // Notifications: real provider origins (tests route them to fakes/ with routeFetch) and
          // test credentials, overriding whatever a developer's .dev.vars says.
          NOTIFICATIONS_PROVIDER_MODE: 'live',
          SENDGRID_BASE_URL: 'https://api.sendgrid.com',
          SENDGRID_API_KEY: 'SG.vitest-key',
          TWILIO_BASE_URL: 'https://api.twilio.com',
          TWILIO_ACCOUNT_SID: 'ACvitest00000000000000000000000000',
          TWILIO_AUTH_TOKEN: 'vitest-twilio-token',
          TWILIO_FROM_NUMBER: '+15005550006',
          WHATSAPP_BASE_URL: 'https://graph.facebook.com',
          WHATSAPP_PHONE_NUMBER_ID: '109876543210',
          WHATSAPP_ACCESS_TOKEN: 'EAAvitest',
          TELEGRAM_BASE_URL: 'https://api.telegram.org',
          TELEGRAM_BOT_TOKEN: '123456:vitest-bot-token',
          // Marketplace sync: real origins (routed to fakes/kaspi.ts and fakes/ozon.ts) and test credentials.
          KASPI_API_BASE: 'https://kaspi.kz/shop/api',
          KASPI_API_TOKEN: 'kaspi-vitest-token',
          KASPI_MERCHANT_ID: 'vitest-merchant',
          KASPI_PRICE_LIST_TOKEN: 'vitest-price-list-token',
          OZON_API_BASE: 'https://api-seller.ozon.ru',
          OZON_CLIENT_ID: '123456',
          OZON_API_KEY: 'ozon-vitest-key',
          OZON_WAREHOUSE_ID: '22000000001',
        },
      },
    }),
  ],
  test: {
    setupFiles: ['./test/setup.ts'],
    include: ['test/**/*.test.ts'],
    // test/browser runs in Node against `wrangler dev` (vitest.browser.config.ts), not in workerd.
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 30_000,
    // Request logs are noise when a test passes; keep them for failures.
    silent: 'passed-only',
    hookTimeout: 60_000,
  },
})
