import { countQueueOutcomes } from '../../src/lib/metrics'
import { withConfigCheck } from '../../src/lib/config-check'
import { log, withOptionalSentry } from '../../src/lib/observability'
import { queueKind } from '../../src/lib/queue-names'
import { handleDeadLetterBatch, handleMarketplaceBatch } from '../../src/modules/marketplace/consumer'
import { runScheduledSync } from '../../src/workflows/marketplace-cron'
import { config } from '../../src/lib/config'

/**
 * The marketplace-sync Worker: catalog changes in, Kaspi/Ozon pushes out; a cron for retries and
 * order imports. All logic lives in src/modules/marketplace/ so the test suite drives it with
 * real bindings.
 */
export default withOptionalSentry(
  withConfigCheck({
    async queue(received, env) {
      const batch = countQueueOutcomes(env, received) // queue.retry / queue.dead_letter metrics
      const opts = { publicBase: config(env).APP_BASE_URL }
      const kind = queueKind(batch.queue, 'marketplace-sync')
      if (kind === 'dlq') return handleDeadLetterBatch(batch, env)
      if (kind === 'main') return handleMarketplaceBatch(batch, env, opts)
      throw new Error(`marketplace-sync worker is not a consumer of queue ${batch.queue}`)
    },
    scheduled(controller, env, ctx) {
      ctx.waitUntil(
        runScheduledSync(env, { publicBase: config(env).APP_BASE_URL }).then(
          (report) => log('info', 'marketplace cron done', { cron: controller.cron, report }),
          (err: unknown) => log('error', 'marketplace cron failed', { cron: controller.cron, error: String(err) }),
        ),
      )
    },
  } satisfies ExportedHandler<MarketplaceSyncWorkerEnv>),
)
