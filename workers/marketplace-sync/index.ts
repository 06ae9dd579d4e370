import * as Sentry from '@sentry/cloudflare'
import { log, sentryOptions } from '../../src/lib/observability'
import { handleDeadLetterBatch, handleMarketplaceBatch } from '../../src/modules/marketplace/consumer'
import { runScheduledSync } from '../../src/modules/marketplace/service'

/** Queue names as bound in ./wrangler.toml. */
const SYNC_QUEUE = 'marketplace-sync'
const DEAD_LETTER_QUEUE = 'marketplace-sync-dlq'

/**
 * The marketplace-sync Worker: catalog changes in, Kaspi/Ozon pushes out; a cron for retries and
 * order imports. All logic lives in src/modules/marketplace/ so the test suite drives it with
 * real bindings.
 */
export default Sentry.withSentry(sentryOptions, {
  async queue(batch, env) {
    const opts = { publicBase: env.APP_BASE_URL }
    if (batch.queue === DEAD_LETTER_QUEUE) return handleDeadLetterBatch(batch, env)
    if (batch.queue === SYNC_QUEUE) return handleMarketplaceBatch(batch, env, opts)
    throw new Error(`marketplace-sync worker is not a consumer of queue ${batch.queue}`)
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runScheduledSync(env, { publicBase: env.APP_BASE_URL }).then(
        (report) => log('info', 'marketplace cron done', { cron: controller.cron, report }),
        (err: unknown) => log('error', 'marketplace cron failed', { cron: controller.cron, error: String(err) }),
      ),
    )
  },
} satisfies ExportedHandler<Env>)
