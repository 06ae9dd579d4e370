import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { publishCatalogChange } from '../../lib/events'
import { log } from '../../lib/observability'

/**
 * Tell marketplace sync that products changed, after the D1 write has committed. Runs in
 * waitUntil and never fails the request: the write already happened, a lost message is logged.
 */
export function notifyCatalogChange(c: Context<AppEnv>, productIds: string[], reason: string): void {
  const send = publishCatalogChange(c.env, productIds, reason).catch((err: unknown) =>
    log('error', 'catalog change publish failed', { request_id: c.get('requestId'), product_ids: productIds, reason, error: String(err) }),
  )
  try {
    c.executionCtx.waitUntil(send)
  } catch {
    // No execution context (e.g. app.request in a unit test): the promise still runs.
  }
}
