import { countQueueOutcomes } from '../../src/lib/metrics'
import { withConfigCheck } from '../../src/lib/config-check'
import { withOptionalSentry } from '../../src/lib/observability'
import { queueKind } from '../../src/lib/queue-names'
import { handleDeadLetterBatch, handleNotificationBatch } from '../../src/modules/notifications/consumer'

/**
 * The notifications consumer Worker: domain events in, emails/SMS/WhatsApp/Telegram out. All logic
 * lives in src/modules/notifications/consumer.ts so the test suite drives it with real bindings.
 */
export default withOptionalSentry(
  withConfigCheck({
    async queue(received, env) {
      const batch = countQueueOutcomes(env, received) // queue.retry / queue.dead_letter metrics
      // Staging binds notifications-staging(-dlq): matching the production names only threw on every batch.
      const kind = queueKind(batch.queue, 'notifications')
      if (kind === 'dlq') return handleDeadLetterBatch(batch, env)
      if (kind === 'main') return handleNotificationBatch(batch, env)
      throw new Error(`notifications worker is not a consumer of queue ${batch.queue}`)
    },
  } satisfies ExportedHandler<NotificationsWorkerEnv>),
)
