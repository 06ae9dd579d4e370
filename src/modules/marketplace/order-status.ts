/**
 * Pushing OUR status changes of imported orders back to the marketplace they came from (issue 5,
 * "map statuses both ways"). The OrderDO sends `marketplace.order_status_changed` to the
 * marketplace-sync queue after a transition of an order with an external ref
 * (orders/write-through.ts afterStatusChanged); the consumer calls pushOrderStatus for it.
 *
 * - Kaspi: POST /v2/orders with the mapped status (statuses.ts: paid -> ACCEPTED_BY_MERCHANT,
 *   delivered -> COMPLETED, cancelled -> CANCELLED). Other statuses (shipped, refunded …) have no
 *   merchant-settable Kaspi status: acked without a call.
 * - Ozon: not supported. Moving an FBS posting on (/v4/posting/fbs/ship) needs the package
 *   composition, which we do not model; logged and acked.
 *
 * Same failure rules as product pushes: 5xx/429/timeouts retry with backoff, other 4xx are
 * recorded (a failed `push` run in the admin status) and acked. Idempotent for redelivery: a
 * message whose status the order no longer has is skipped (a later message pushes the newer
 * status), and Kaspi is not called again when its order already has the target status.
 */
import { z } from '@hono/zod-openapi'
import { and, eq } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { externalRefOf } from '../orders/import'
import { getOrder } from '../orders/service'
import { ORDER_STATUSES } from '../orders/tables'
import type { MarketplaceEnv } from './config'
import { KaspiMarketplace } from './kaspi'
import { MarketplaceError } from './marketplace'
import { marketplaceFor } from './sync'
import { recordRun } from './sync-state'
import { MARKETPLACES, marketplaceOrders, type MarketplaceName } from './tables'

export const OrderStatusChanged = z.object({
  id: z.string(),
  type: z.literal('marketplace.order_status_changed'),
  order_id: z.string(),
  status: z.enum(ORDER_STATUSES),
  occurred_at: z.string(),
})
export type OrderStatusChanged = z.infer<typeof OrderStatusChanged>

export type OrderStatusOutcome =
  | 'pushed'
  | 'already'
  | 'unmapped'
  | 'unsupported'
  | 'superseded'
  | 'not_imported'
  | 'disabled'
  | 'not_found'
  | 'refused'
  | 'retry'

const isMarketplace = (s: string): s is MarketplaceName => (MARKETPLACES as readonly string[]).includes(s)

export async function pushOrderStatus(env: MarketplaceEnv, message: OrderStatusChanged): Promise<OrderStatusOutcome> {
  const outcome = await decide(env, message)
  log(outcome === 'refused' ? 'error' : 'info', 'marketplace order status push', {
    message_id: message.id,
    order_id: message.order_id,
    status: message.status,
    outcome,
  })
  return outcome
}

async function decide(env: MarketplaceEnv, message: OrderStatusChanged): Promise<OrderStatusOutcome> {
  const ref = await externalRefOf(env, message.order_id)
  if (!ref || !isMarketplace(ref.source)) return 'not_imported'
  let current: string
  try {
    current = (await getOrder(env, message.order_id)).status
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return 'not_imported'
    throw err
  }
  // Delivered late (or redelivered) after the order moved on: the newer message pushes the newer status.
  if (current !== message.status) return 'superseded'
  const adapter = marketplaceFor(env, ref.source)
  if (!adapter) return 'disabled'
  if (!(adapter instanceof KaspiMarketplace)) return 'unsupported'
  const startedAt = nowIso()
  try {
    const result = await adapter.pushOrderStatus(ref.external_id, message.status)
    if (result === 'set' || result === 'already') {
      const db = getDb(env)
      await db
        .update(marketplaceOrders)
        .set({ externalStatus: adapter.fromOurStatus(message.status) ?? current, updatedAt: nowIso() })
        .where(and(eq(marketplaceOrders.marketplace, ref.source), eq(marketplaceOrders.externalId, ref.external_id)))
    }
    return result === 'set' ? 'pushed' : result
  } catch (err) {
    if (err instanceof MarketplaceError && err.retryable) return 'retry'
    if (!(err instanceof MarketplaceError)) throw err
    // A 4xx will not change on retry: record it where admins look (marketplace status, last push).
    await recordRun(getDb(env), {
      marketplace: ref.source,
      kind: 'push',
      trigger: 'queue',
      ok: false,
      summary: { order_status_failed: 1 },
      error: `Order ${message.order_id} status ${message.status}: ${err.message}`,
      startedAt,
    })
    return 'refused'
  }
}
