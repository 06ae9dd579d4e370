import { app } from './app'
import { devForward, type DevServices } from './lib/dev-forward'
import { withConfigCheck } from './lib/config-check'
import { withOptionalSentry } from './lib/observability'
import { runScheduled } from './scheduled'

// Durable Object classes are exported as-is: an error inside one surfaces in the Worker call
// that invoked it, which Sentry captures there.
export { CartDO } from './modules/cart/cart-do'
export { OrderDO } from './modules/orders/order-do'

export default withOptionalSentry(
  withConfigCheck({
    // Local development forwards /webhooks/* and /__fakes/* to the other Workers (lib/dev-forward.ts).
    fetch: (request, env, ctx) => devForward(request, env as DevServices) ?? app.fetch(request, env, ctx),
    scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
  } satisfies ExportedHandler<Env>),
)
