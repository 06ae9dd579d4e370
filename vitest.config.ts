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
        bindings: {
          TEST_MIGRATIONS: migrations,
          JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
          SENTRY_DSN: '',
          // Stripe calls are routed to fakes/stripe.ts in-process (test/fakes.ts routeFetch).
          STRIPE_SECRET_KEY: 'sk_test_vitest',
          STRIPE_WEBHOOK_SECRET: 'whsec_vitest_secret',
          STRIPE_API_BASE: 'https://api.stripe.com',
        },
      },
    }),
  ],
  test: {
    setupFiles: ['./test/setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Request logs are noise when a test passes; keep them for failures.
    silent: 'passed-only',
    hookTimeout: 60_000,
  },
})
