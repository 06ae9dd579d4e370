import type { DomainEventType } from '../../lib/events'
import type { OrderStatus } from './tables'

/**
 * The order state machine (drawn in docs/architecture.md), plus: a partial refund may be followed by another partial
 * refund or a full one, and a partially refunded order can still ship.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['processing', 'failed', 'cancelled'],
  processing: ['paid', 'failed', 'cancelled'],
  paid: ['shipped', 'refunded', 'partially_refunded'],
  partially_refunded: ['shipped', 'partially_refunded', 'refunded'],
  shipped: ['delivered', 'refunded', 'partially_refunded'],
  delivered: ['refunded', 'partially_refunded'],
  failed: [],
  cancelled: [],
  refunded: [],
}

export const canTransition = (from: OrderStatus, to: OrderStatus) => TRANSITIONS[from].includes(to)

/** Statuses in which an unpaid order still holds stock and times out. */
export const AWAITING_PAYMENT: readonly OrderStatus[] = ['pending', 'processing']

/** The order's money has been captured (whatever happened since). */
export const PAID_OR_LATER: readonly OrderStatus[] = ['paid', 'shipped', 'delivered', 'partially_refunded', 'refunded']

/** Statuses a refund may start from. */
export const REFUNDABLE: readonly OrderStatus[] = ['paid', 'shipped', 'delivered', 'partially_refunded']

/** Reached only through a refund that moved money, never by a plain transition. */
export const REFUND_STATUSES: readonly OrderStatus[] = ['refunded', 'partially_refunded']

/** Lines of an order in these statuses can be shipped one by one. */
export const SHIPPABLE: readonly OrderStatus[] = ['paid', 'partially_refunded']

/** Entering these puts the reserved stock back. */
export const RELEASES_STOCK: readonly OrderStatus[] = ['failed', 'cancelled']

/** The domain event published when an order enters a status (none for `processing`). */
export function eventFor(to: OrderStatus): DomainEventType | undefined {
  switch (to) {
    case 'paid':
      return 'order.paid'
    case 'shipped':
      return 'order.shipped'
    case 'delivered':
      return 'order.delivered'
    case 'cancelled':
      return 'order.cancelled'
    case 'failed':
      return 'order.failed'
    case 'refunded':
    case 'partially_refunded':
      return 'order.refunded'
    default:
      return undefined
  }
}

export const ACTOR_TYPES = ['customer', 'staff', 'seller', 'system', 'provider'] as const
export type ActorType = (typeof ACTOR_TYPES)[number]
export interface Actor {
  type: ActorType
  id?: string
}
