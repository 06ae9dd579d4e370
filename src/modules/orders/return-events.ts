import { domainEvent, type DomainEvent, type DomainEventType } from '../../lib/events'
import type { OrderState, ReturnState, ReturnStatus } from './model'
import { eventIdFor } from './write-through'

const EVENT_OF: Record<ReturnStatus, DomainEventType> = {
  requested: 'return.requested',
  approved: 'return.approved',
  refused: 'return.refused',
  cancelled: 'return.cancelled',
  received: 'return.received',
  refunded: 'return.refunded',
}

/** The return as events, notifications and webhooks carry it. */
export function returnPayload(state: OrderState, ret: ReturnState) {
  return {
    id: ret.id,
    status: ret.status,
    reason: ret.reason,
    comment: ret.comment,
    note: ret.note,
    refund: { amount: ret.refund_amount, currency: ret.currency },
    method: ret.method,
    instructions: ret.instructions,
    label: ret.label
      ? { carrier: ret.label.carrier, tracking_number: ret.label.tracking_number, shipment_id: ret.label.shipment_id }
      : null,
    refund_id: ret.refund_id,
    lines: ret.lines.map((l) => {
      const line = state.lines.find((x) => x.id === l.line_id)
      return {
        line_id: l.line_id,
        seller_id: l.seller_id,
        product_name: line?.product_name ?? null,
        sku: line?.sku ?? null,
        quantity: l.quantity,
        amount: { amount: l.amount, currency: ret.currency },
        restock: l.restock,
      }
    }),
  }
}

/**
 * The domain event for the return's new status (return.requested … return.refunded), with the
 * order fields the notification templates read. Its id is derived from (order, seq) like every
 * order event, so a re-publish after a crash dedupes downstream.
 */
export function returnEvent(state: OrderState, ret: ReturnState, seq: number, at: string): DomainEvent {
  const event = domainEvent(EVENT_OF[ret.status], {
    order_id: state.id,
    user_id: state.user_id,
    email: state.email,
    status: state.status,
    total: { amount: state.total, currency: state.currency },
    return: returnPayload(state, ret),
  })
  return { ...event, id: eventIdFor(state.id, seq), occurred_at: at }
}
