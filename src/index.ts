import * as Sentry from '@sentry/cloudflare'
import { app } from './app'
import { sentryOptions } from './lib/observability'
import { runScheduled } from './scheduled'

// Durable Object classes are exported as-is: an error inside one surfaces in the Worker call
// that invoked it, which Sentry captures there.
export { CartDO } from './cart-do'
export { OrderDO } from './order-do'

export default Sentry.withSentry(sentryOptions, {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Env>)
