import * as Sentry from '@sentry/cloudflare'
import { sentryOptions } from '../../src/lib/observability'
import { handleWebhookBatch, handleWebhookDeadLetterBatch } from '../../src/modules/integrations/webhook-consumer'

/** Queue names as bound in ./wrangler.toml (staging's carry a -staging suffix). */
const isDeadLetterQueue = (name: string) => /^webhooks-out(-staging)?-dlq$/.test(name)
const isWebhookQueue = (name: string) => /^webhooks-out(-staging)?$/.test(name)

/**
 * The outgoing-webhooks consumer Worker: deliveries in, signed POSTs out. All logic lives in
 * src/modules/integrations/webhook-consumer.ts so the test suite drives it with real bindings.
 */
export default Sentry.withSentry(sentryOptions, {
  async queue(batch, env) {
    if (isDeadLetterQueue(batch.queue)) return handleWebhookDeadLetterBatch(batch, env)
    if (isWebhookQueue(batch.queue)) return handleWebhookBatch(batch, env)
    throw new Error(`webhooks worker is not a consumer of queue ${batch.queue}`)
  },
} satisfies ExportedHandler<Env>)
