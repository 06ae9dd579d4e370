import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { publishCatalogChange } from '../../lib/events'
import { log } from '../../lib/observability'
import { emitCatalogWebhooks } from '../integrations/webhook-events'

/**
 * Tell marketplace sync and the outgoing webhooks that products changed, after the D1 write has committed. Runs in
 * waitUntil and never fails the request: the write already happened, a lost message is logged.
 */
export function notifyCatalogChange(c: Context<AppEnv>, productIds: string[], reason: string): void {
  const send = Promise.all([
    publishCatalogChange(c.env, productIds, reason).catch((err: unknown) =>
      log('error', 'catalog change publish failed', {
        request_id: c.get('requestId'),
        product_ids: productIds,
        reason,
        error: String(err),
      }),
    ),
    // Outgoing webhooks (product.*, stock.changed): the one place catalogue events come from.
    emitCatalogWebhooks(c.env, productIds, reason),
  ])
  try {
    c.executionCtx.waitUntil(send)
  } catch {
    // No execution context (e.g. app.request in a unit test): the promise still runs.
  }
}
