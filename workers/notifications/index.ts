import * as Sentry from '@sentry/cloudflare'
import { sentryOptions } from '../../src/lib/observability'
import { handleDeadLetterBatch, handleNotificationBatch } from '../../src/modules/notifications/consumer'

/** Queue names as bound in ./wrangler.toml. */
const NOTIFICATIONS_QUEUE = 'notifications'
const DEAD_LETTER_QUEUE = 'notifications-dlq'

/**
 * The notifications consumer Worker: domain events in, emails/SMS/WhatsApp/Telegram out. All logic
 * lives in src/modules/notifications/consumer.ts so the test suite drives it with real bindings.
 */
export default Sentry.withSentry(sentryOptions, {
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) return handleDeadLetterBatch(batch, env)
    if (batch.queue === NOTIFICATIONS_QUEUE) return handleNotificationBatch(batch, env)
    throw new Error(`notifications worker is not a consumer of queue ${batch.queue}`)
  },
} satisfies ExportedHandler<Env>)
