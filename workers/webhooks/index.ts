import { countQueueOutcomes } from '../../src/lib/metrics'
import { withConfigCheck } from '../../src/lib/config-check'
import { withOptionalSentry } from '../../src/lib/observability'
import { queueKind } from '../../src/lib/queue-names'
import { handleWebhookBatch, handleWebhookDeadLetterBatch } from '../../src/modules/integrations/webhook-consumer'

/**
 * The outgoing-webhooks consumer Worker: deliveries in, signed POSTs out. All logic lives in
 * src/modules/integrations/webhook-consumer.ts so the test suite drives it with real bindings.
 */
export default withOptionalSentry(
  withConfigCheck({
    async queue(received, env) {
      const batch = countQueueOutcomes(env, received) // queue.retry / queue.dead_letter metrics
      const kind = queueKind(batch.queue, 'webhooks-out')
      if (kind === 'dlq') return handleWebhookDeadLetterBatch(batch, env)
      if (kind === 'main') return handleWebhookBatch(batch, env)
      throw new Error(`webhooks worker is not a consumer of queue ${batch.queue}`)
    },
  } satisfies ExportedHandler<WebhooksWorkerEnv>),
)
