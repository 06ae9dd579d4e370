import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
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
        // wrangler.toml's development-only service bindings name Workers this pool does not run;
        // these stand-ins answer 503 (test/lib/dev-forward.test.ts runs the Worker with and without them).
        serviceBindings: {
          PAYMENT_WEBHOOKS: () => new Response('the payment webhooks Worker does not run in vitest', { status: 503 }),
          FAKES: () => new Response('the fakes Worker does not run in vitest', { status: 503 }),
        },
        bindings: {
          TEST_MIGRATIONS: migrations,
          JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
          SENTRY_DSN: '',
          // Stripe calls are routed to fakes/stripe.ts in-process (test/fakes.ts routeFetch).
          STRIPE_SECRET_KEY: 'sk_test_vitest',
          STRIPE_WEBHOOK_SECRET: 'whsec_vitest_secret',
          STRIPE_API_BASE: 'https://api.stripe.com',
          // The storefront's Stripe.js (production origin; a developer's .dev.vars points it at the local fake).
          STRIPE_JS_URL: 'https://js.stripe.com/v3',
          STRIPE_PUBLISHABLE_KEY: 'pk_test_vitest',
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
          // Payment providers beyond Stripe: real origins (test/payments/providers routes them to
          // fakes/<provider>.ts) and test credentials, so every provider is enabled in tests.
          PAYMENT_WEBHOOKS_BASE_URL: 'https://hooks.edge-commerce.test',
          PAYPAL_API_BASE: 'https://api-m.sandbox.paypal.com',
          PAYPAL_CLIENT_ID: 'paypal-vitest-client',
          PAYPAL_CLIENT_SECRET: 'paypal-vitest-secret',
          PAYPAL_WEBHOOK_ID: 'WH-VITEST-0000000000',
          PAYSTACK_API_BASE: 'https://api.paystack.co',
          PAYSTACK_SECRET_KEY: 'sk_test_vitest_paystack',
          CHAPA_API_BASE: 'https://api.chapa.co',
          CHAPA_SECRET_KEY: 'CHASECK_TEST-vitest',
          CHAPA_WEBHOOK_SECRET: 'chapa-vitest-webhook-hash',
          MPESA_API_BASE: 'https://sandbox.safaricom.co.ke',
          MPESA_SHORTCODE: '174379',
          MPESA_CONSUMER_KEY: 'mpesa-vitest-key',
          MPESA_CONSUMER_SECRET: 'mpesa-vitest-secret',
          MPESA_PASSKEY: 'mpesa-vitest-passkey',
          MPESA_CALLBACK_SECRET: 'mpesa-vitest-callback-secret',
          MPESA_INITIATOR_NAME: 'testapi',
          MPESA_SECURITY_CREDENTIAL: 'vitest-security-credential',
          KASPI_PAY_API_BASE: 'https://qrapi-cert-ip.kaspi.kz',
          KASPI_PAY_API_KEY: 'kaspi-pay-vitest-key',
          KASPI_PAY_ORGANIZATION_BIN: '123456789012',
          KASPI_PAY_WEBHOOK_SECRET: 'kaspi-pay-vitest-secret',
          // Carriers: real origins (test/shipping routes them to fakes/ups.ts and fakes/fedex.ts) and
          // the fakes' credentials.
          UPS_API_BASE: 'https://wwwcie.ups.com',
          UPS_CLIENT_ID: 'ups-fake-client',
          UPS_CLIENT_SECRET: 'ups-fake-secret',
          UPS_ACCOUNT_NUMBER: 'A1B2C3',
          UPS_TRACK_ALERT_CREDENTIAL: 'ups-track-alert-test-credential',
          FEDEX_API_BASE: 'https://apis-sandbox.fedex.com',
          FEDEX_CLIENT_ID: 'fedex-fake-client',
          FEDEX_CLIENT_SECRET: 'fedex-fake-secret',
          FEDEX_ACCOUNT_NUMBER: '740561073',
          CARRIER_RATE_TIMEOUT_MS: '2500',
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
