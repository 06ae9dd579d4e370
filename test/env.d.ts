import type { D1Migration } from 'cloudflare:test'

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[]
      /** 3 per 60 s (vitest.config.ts): swapped in for a tier's binding by the rate-limit tests. */
      RATE_LIMIT_TINY: RateLimit
    }
  }
}
