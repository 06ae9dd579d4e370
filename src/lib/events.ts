import { newId } from './ids'
import { nowIso } from './time'

/**
 * Domain events published to the notifications queue. Each carries a unique id so consumers can
 * act exactly once (dedupe on `id`), whatever the queue's at-least-once redelivery does.
 */
export type DomainEventType =
  | 'order.created'
  | 'order.paid'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.cancelled'
  | 'order.failed'
  | 'order.refunded'
  | 'return.requested'
  | 'return.approved'
  | 'return.refused'
  | 'return.cancelled'
  | 'return.received'
  | 'return.refunded'
  /** A new return told to one staff member (the notifications consumer fans return.requested out). */
  | 'return.staff_alert'
  /** A withdrawn return told to one staff member (fanned out from return.cancelled). */
  | 'return.staff_cancelled'
  | 'account.registered'
  | 'account.email_verification_requested'
  | 'account.password_reset_requested'
  | 'account.signup_attempted'

export interface DomainEvent<T extends Record<string, unknown> = Record<string, unknown>> {
  id: string
  type: DomainEventType
  occurred_at: string
  data: T
}

export function domainEvent<T extends Record<string, unknown>>(type: DomainEventType, data: T): DomainEvent<T> {
  return { id: newId('evt'), type, occurred_at: nowIso(), data }
}

/** Publish to the notifications queue. */
export async function publishEvent(env: Pick<Env, 'NOTIFICATIONS_QUEUE'>, event: DomainEvent): Promise<void> {
  await env.NOTIFICATIONS_QUEUE.send(event, { contentType: 'json' })
}

/** A marketplace-sync job: these products changed (price, stock, content, status) and must be pushed. */
export interface CatalogChangeMessage {
  id: string
  type: 'catalog.products_changed'
  occurred_at: string
  product_ids: string[]
  reason: string
}

/** Tell the marketplace-sync queue that products changed. Call after the D1 write has succeeded. */
export async function publishCatalogChange(env: Pick<Env, 'MARKETPLACE_QUEUE'>, productIds: string[], reason: string): Promise<void> {
  if (!productIds.length) return
  const message: CatalogChangeMessage = {
    id: newId('msg'),
    type: 'catalog.products_changed',
    occurred_at: nowIso(),
    product_ids: [...new Set(productIds)],
    reason,
  }
  await env.MARKETPLACE_QUEUE.send(message, { contentType: 'json' })
}

/**
 * An imported (marketplace) order changed status in our system; the marketplace-sync consumer
 * pushes it to the marketplace it came from. `id` is derived from the order and the transition
 * sequence, so a re-sent copy has the same id.
 */
export interface OrderStatusChangedMessage {
  id: string
  type: 'marketplace.order_status_changed'
  order_id: string
  status: string
  occurred_at: string
}

export async function publishOrderStatusChange(env: Pick<Env, 'MARKETPLACE_QUEUE'>, message: OrderStatusChangedMessage): Promise<void> {
  await env.MARKETPLACE_QUEUE.send(message, { contentType: 'json' })
}
