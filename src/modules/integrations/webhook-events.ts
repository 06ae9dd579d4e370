import type { DomainEvent } from '../../lib/events'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'order.failed',
  'payment.succeeded',
  'refund.created',
  'return.requested',
  'return.approved',
  'return.refused',
  'return.cancelled',
  'return.received',
  'return.refunded',
  'product.created',
  'product.updated',
  'product.deleted',
  'stock.changed',
] as const

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/** One queue message: deliver this (event, endpoint) row. */
export interface WebhookDeliveryMessage {
  delivery_id: string
}

type EmitEnv = Pick<Env, 'DB' | 'WEBHOOKS_QUEUE'>

/**
 * Store one webhook event and queue a delivery to every enabled endpoint subscribed to its type.
 * `dedupeKey` names the change (e.g. the order event id, which is derived from the order and its
 * transition sequence): of two emissions with the same key only the one whose event row was
 * inserted creates deliveries, so a retried or racing emission sends nothing twice. With no
 * subscribed endpoint nothing is stored. Returns the number of deliveries queued.
 */
export async function emitWebhookEvent(
  env: EmitEnv,
  input: { type: WebhookEventType; dedupeKey: string; data: Record<string, unknown>; occurredAt?: string },
): Promise<number> {
  const { results: endpoints } = await env.DB.prepare(`SELECT id, events FROM webhook_endpoints WHERE status = 'enabled'`).all<{
    id: string
    events: string
  }>()
  const targets = endpoints.filter((e) => (JSON.parse(e.events) as string[]).includes(input.type))
  if (!targets.length) return 0
  const id = newId('msg')
  const now = nowIso()
  const payload = JSON.stringify({ type: input.type, timestamp: input.occurredAt ?? now, data: input.data })
  const deliveries = targets.map((t) => ({ id: newId('whd'), endpointId: t.id }))
  const results = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO webhook_events (id, type, dedupe_key, payload, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    ).bind(id, input.type, input.dedupeKey, payload, now),
    // Only the emission whose event row went in (e.id = this id) creates deliveries.
    ...deliveries.map((d) =>
      env.DB.prepare(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, created_at, updated_at)
         SELECT ?, e.id, ?, e.type, 'pending', 0, ?, ? FROM webhook_events e WHERE e.id = ?
         ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
      ).bind(d.id, d.endpointId, now, now, id),
    ),
  ])
  if (!results[0]?.meta.changes) return 0
  await enqueueDeliveries(
    env,
    deliveries.map((d) => d.id),
  )
  return deliveries.length
}

/** Queue deliveries, 100 per sendBatch (the Queues limit). */
export async function enqueueDeliveries(env: Pick<Env, 'WEBHOOKS_QUEUE'>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100)
    await env.WEBHOOKS_QUEUE.sendBatch(
      chunk.map((delivery_id) => ({ body: { delivery_id } satisfies WebhookDeliveryMessage, contentType: 'json' as const })),
    )
  }
}

/** The webhook events an order domain event becomes (order.paid is also payment.succeeded). */
const FROM_ORDER_EVENT: Partial<Record<DomainEvent['type'], WebhookEventType[]>> = {
  'order.created': ['order.created'],
  'order.paid': ['order.paid', 'payment.succeeded'],
  'order.shipped': ['order.shipped'],
  'order.delivered': ['order.delivered'],
  'order.cancelled': ['order.cancelled'],
  'order.failed': ['order.failed'],
  'order.refunded': ['refund.created'],
  'return.requested': ['return.requested'],
  'return.approved': ['return.approved'],
  'return.refused': ['return.refused'],
  'return.cancelled': ['return.cancelled'],
  'return.received': ['return.received'],
  'return.refunded': ['return.refunded'],
}

/**
 * Called by the OrderDO for each event of its outbox, next to the notifications publish: the one
 * place order, payment, refund and return webhooks come from. The order event's id is derived from (order,
 * transition seq), so re-publishing after a crash dedupes here. Throws when D1 or the queue fails,
 * so the outbox keeps the event and retries.
 */
export async function emitOrderWebhooks(env: EmitEnv, event: DomainEvent): Promise<void> {
  for (const type of FROM_ORDER_EVENT[event.type] ?? []) {
    await emitWebhookEvent(env, { type, dedupeKey: `${type}:${event.id}`, data: event.data, occurredAt: event.occurred_at })
  }
}

/** Catalogue change reasons (src/modules/catalog/notify.ts) → webhook event types. */
const FROM_CATALOG_REASON: Record<string, WebhookEventType> = {
  'product.created': 'product.created',
  'product.updated': 'product.updated',
  'product.archived': 'product.updated',
  'variant.created': 'product.updated',
  'variant.updated': 'product.updated',
  'variant.deleted': 'product.updated',
  'image.added': 'product.updated',
  'image.deleted': 'product.updated',
  'product.deleted': 'product.deleted',
  'stock.changed': 'stock.changed',
}

/**
 * Called by notifyCatalogChange after a catalogue write committed: one event per product. Each
 * call is one change (idempotent stock replays do not call it), so the key is fresh. Best effort:
 * failures are logged, never thrown (the write already happened).
 */
export async function emitCatalogWebhooks(env: EmitEnv, productIds: string[], reason: string): Promise<void> {
  const type = FROM_CATALOG_REASON[reason]
  if (!type) return
  const change = newId('chg')
  for (const productId of new Set(productIds)) {
    try {
      await emitWebhookEvent(env, { type, dedupeKey: `${type}:${change}:${productId}`, data: { product_id: productId, reason } })
    } catch (err) {
      log('error', 'catalog webhook emission failed', { product_id: productId, reason, error: String(err) })
    }
  }
}
