import type { PaymentProviderName } from '../payments/providers/names'
import type { Actor } from './state-machine'
import type { FulfilmentStatus, OrderStatus } from './tables'

/** What the OrderDO keeps about its order: enough to run the lifecycle without reading D1. */
export interface OrderState {
  id: string
  user_id: string
  status: OrderStatus
  /** Transition sequence; 0 is creation. Mirrors orders.version in D1. */
  seq: number
  currency: string
  total: number
  refunded_amount: number
  email: string | null
  payment_provider: PaymentProviderName
  payment_due_at: string | null
  tracking: { carrier: string; tracking_number: string } | null
  created_at: string
  updated_at: string
  lines: OrderStateLine[]
}

export interface OrderStateLine {
  id: string
  variant_id: string
  product_id: string
  seller_id: string
  product_name: string
  sku: string
  quantity: number
  total: number
  /** Line fulfilment, owned by the DO like the status (absent in states saved before it was kept: unfulfilled). */
  fulfilment_status?: FulfilmentStatus
  carrier?: string | null
  tracking_number?: string | null
  shipped_at?: string | null
}

export interface TransitionMeta {
  carrier?: string
  tracking_number?: string
  /** Minor units refunded by this transition (refund / partial refund). */
  refund_amount?: number
  [key: string]: unknown
}

export interface TransitionInput {
  to: OrderStatus
  actor: Actor
  reason?: string
  meta?: TransitionMeta
}

/** RPC errors lose their class across the DO boundary, so the DO answers with this union instead. */
export type TransitionResult =
  | { ok: true; order: OrderState }
  | { ok: false; code: 'invalid_transition' | 'not_found' | 'validation_error'; message: string }

/**
 * What a payment did, told to the OrderDO, which alone decides what it means for the order:
 * `initiated` (a provider payment exists: pending -> processing), `succeeded` (money captured:
 * -> paid, after checking amount and currency against the DO's own total), `failed`
 * (declined/cancelled at the provider: -> failed while unpaid).
 */
export interface PaymentSignal {
  kind: 'initiated' | 'succeeded' | 'failed'
  actor: Actor
  reason?: string
  /** Succeeded: what the provider captured, minor units, and its currency. */
  amount?: number
  currency?: string
  meta?: TransitionMeta
}

export type PaymentSignalOutcome =
  | 'processing'
  | 'already_processing'
  | 'order_paid'
  | 'already_paid'
  | 'order_failed'
  | 'already_failed'
  | 'ignored_out_of_order'
  | 'paid_after_terminal'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'not_payable'

export type PaymentSignalResult =
  | { ok: true; outcome: PaymentSignalOutcome; order: OrderState }
  | { ok: false; code: 'not_found'; message: string }

/** A seller (or staff) ships one line. */
export interface ShipLineInput {
  line_id: string
  /** When set, the line must belong to this seller (else not_found). */
  seller_id?: string
  carrier: string
  tracking_number: string
  actor: Actor
}

/** Refunds that moved money, told to the DO: the order's refunded total becomes `refunded_total`. */
export interface RefundsSignal {
  /** Sum of the succeeded refunds of the order's payment, minor units (monotonic). */
  refunded_total: number
  actor: Actor
  meta?: TransitionMeta
}

/**
 * One journal entry, as the DO stores it before writing it through to D1: a status `transition`
 * (a history row and the new status), a `line` fulfilment change (no history row), or a `note`
 * (a history row that does not change the status, e.g. a late payment refunded automatically).
 */
export interface TransitionRecord {
  /** Absent in entries written before kinds existed: a transition. */
  kind?: 'transition' | 'line' | 'note'
  /** kind 'line': the line's new fulfilment. */
  line?: { id: string; fulfilment_status: FulfilmentStatus; carrier: string | null; tracking_number: string | null; shipped_at: string | null }
  history_id: string
  seq: number
  from_status: OrderStatus | null
  to_status: OrderStatus
  actor_type: Actor['type']
  actor_id: string | null
  reason: string | null
  meta: TransitionMeta | null
  at: string
  refunded_amount: number
  /** kind 'note': 'staff' for an order note only staff see (absent: public). */
  visibility?: 'staff'
}
