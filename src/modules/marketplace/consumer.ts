/**
 * The marketplace-sync queue consumer (run by workers/marketplace-sync, importable by tests).
 * Messages: `catalog.products_changed` from the catalog and orders, `marketplace.sync_requested`
 * from the admin API, and `marketplace.order_status_changed` from the OrderDO (order-status.ts). Each message is handled on its own: acked when every enabled marketplace
 * took it (or refused it with a 4xx, recorded as an error), retried with exponential backoff on
 * 5xx/429/timeouts, and after MAX_RETRIES retries the queue moves it to marketplace-sync-dlq.
 */
import { z } from '@hono/zod-openapi'
import { and, eq, inArray } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import type { MarketplaceEnv } from './config'
import { OrderStatusChanged, pushOrderStatus } from './order-status'
import { syncProducts } from './sync'
import { MARKETPLACES, marketplaceProducts } from './tables'
import { backoffDelay } from '../../lib/backoff'

/** Keep equal to max_retries in workers/marketplace-sync/wrangler.toml. */
export const MAX_RETRIES = 5

/** 30 s, 1 min, 2 min, 4 min, 8 min … capped at an hour. `attempts` is the delivery count (1 = first). */
export const backoffSeconds = (attempts: number) => backoffDelay(attempts, { base: 30, max: 3600 })

const CatalogChange = z.object({
  id: z.string(),
  type: z.literal('catalog.products_changed'),
  occurred_at: z.string(),
  product_ids: z.array(z.string()).min(1).max(1000),
  reason: z.string(),
})

/** Sent by POST /admin/marketplace/sync: push again, everything, to the chosen marketplaces. */
export const SyncRequested = z.object({
  id: z.string(),
  type: z.literal('marketplace.sync_requested'),
  occurred_at: z.string(),
  product_ids: z.array(z.string()).min(1).max(1000),
  marketplaces: z.array(z.enum(MARKETPLACES)).min(1),
  requested_by: z.string().optional(),
})
export type SyncRequestedMessage = z.infer<typeof SyncRequested>

const ProductBody = z.discriminatedUnion('type', [CatalogChange, SyncRequested])
const Body = z.discriminatedUnion('type', [CatalogChange, SyncRequested, OrderStatusChanged])

export interface ConsumerOptions {
  /** Base URL to make relative image URLs absolute for the marketplaces. */
  publicBase?: string
}

export async function handleMarketplaceBatch(batch: MessageBatch<unknown>, env: MarketplaceEnv, opts: ConsumerOptions = {}): Promise<void> {
  for (const message of batch.messages) {
    const parsed = Body.safeParse(message.body)
    if (!parsed.success) {
      // A malformed message will never succeed; retrying would only park it in the DLQ later.
      log('error', 'marketplace-sync: dropping malformed message', { message_id: message.id, issues: parsed.error.issues.length })
      message.ack()
      continue
    }
    const body = parsed.data
    const finalAttempt = message.attempts > MAX_RETRIES
    try {
      if (body.type === 'marketplace.order_status_changed') {
        // An imported order's status, pushed back to its marketplace; same retry rules as products.
        if ((await pushOrderStatus(env, body)) === 'retry') {
          log('warn', 'marketplace-sync: retrying message', { message_id: message.id, attempts: message.attempts, final: finalAttempt })
          message.retry({ delaySeconds: backoffSeconds(message.attempts) })
        } else {
          message.ack()
        }
        continue
      }
      const outcome = await syncProducts(env, body.product_ids, {
        trigger: body.type === 'marketplace.sync_requested' ? 'admin' : 'queue',
        force: body.type === 'marketplace.sync_requested',
        // Admin re-runs push regardless; catalog changes skip what was already pushed after the change.
        changedAt: body.type === 'catalog.products_changed' ? body.occurred_at : undefined,
        only: body.type === 'marketplace.sync_requested' ? body.marketplaces : undefined,
        finalAttempt,
        publicBase: opts.publicBase,
      })
      if (outcome.retry) {
        log('warn', 'marketplace-sync: retrying message', { message_id: message.id, attempts: message.attempts, final: finalAttempt })
        message.retry({ delaySeconds: backoffSeconds(message.attempts) })
      } else {
        message.ack()
      }
    } catch (err) {
      // Our own failure (D1, a bug): retry with backoff; the DLQ keeps it if it never recovers.
      log('error', 'marketplace-sync: message failed', { message_id: message.id, attempts: message.attempts, error: String(err) })
      message.retry({ delaySeconds: backoffSeconds(message.attempts) })
    }
  }
}

/**
 * The dead-letter queue: a message that exhausted its retries. Its products still waiting
 * (`pending`) are marked `error` so the admin status shows them; the cron keeps re-pushing them.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: MarketplaceEnv): Promise<void> {
  const db = getDb(env)
  for (const message of batch.messages) {
    const parsed = ProductBody.safeParse(message.body)
    if (parsed.success) {
      const body = parsed.data
      const marketplaces = body.type === 'marketplace.sync_requested' ? body.marketplaces : [...MARKETPLACES]
      for (let i = 0; i < body.product_ids.length; i += 90) {
        await db
          .update(marketplaceProducts)
          .set({
            state: 'error',
            lastError: `Gave up after ${MAX_RETRIES + 1} deliveries (message ${body.id}); the cron retries it`,
            updatedAt: nowIso(),
          })
          .where(
            and(
              inArray(marketplaceProducts.marketplace, marketplaces),
              inArray(marketplaceProducts.productId, body.product_ids.slice(i, i + 90)),
              eq(marketplaceProducts.state, 'pending'),
            ),
          )
      }
      log('error', 'marketplace-sync: message dead-lettered', { message_id: body.id, product_ids: body.product_ids.length })
    } else {
      // An order status push that never got through: nothing to mark, the log is the record.
      log('error', 'marketplace-sync: message dead-lettered', { message_id: message.id, body: message.body })
    }
    message.ack()
  }
}
