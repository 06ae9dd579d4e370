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
  /** When the order entered `delivered` (absent in states saved before it was kept, or not delivered yet). */
  delivered_at?: string
  /** Returns (RMA) of this order's lines, owned by the DO like the status (src/modules/returns). */
  returns?: ReturnState[]
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
  kind?: 'transition' | 'line' | 'note' | 'return'
  /** kind 'return': the return as it is after this entry (a history row without a status change, and the return's rows). */
  return?: ReturnState
  /** kind 'line': the line's new fulfilment. */
  line?: {
    id: string
    fulfilment_status: FulfilmentStatus
    carrier: string | null
    tracking_number: string | null
    shipped_at: string | null
  }
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

export const RETURN_STATUSES = ['requested', 'approved', 'refused', 'cancelled', 'received', 'refunded'] as const
export type ReturnStatus = (typeof RETURN_STATUSES)[number]

/** One returned line: how many units, and the refund they are worth (minor units, fixed at request time). */
export interface ReturnLineState {
  line_id: string
  seller_id: string
  quantity: number
  amount: number
  /** Set when received: whether these units go back on sale. */
  restock: boolean | null
}

/** A return (RMA) of delivered lines, kept in the OrderDO's state (docs/returns.md). */
export interface ReturnState {
  id: string
  status: ReturnStatus
  reason: string
  comment: string | null
  /** Staff's note (the refusal's reason, or anything said on approval/receipt). */
  note: string | null
  lines: ReturnLineState[]
  /** Sum of the lines' amounts: what the refund will be, minor units of the order's currency. */
  refund_amount: number
  currency: string
  /** How the parcel comes back: a carrier return label, or written instructions. */
  method: 'label' | 'instructions' | null
  instructions: string | null
  label: { shipment_id: string; carrier: string; tracking_number: string } | null
  refund_id: string | null
  requested_by: Actor
  /** The order's seq at this return's last change (write-through version). */
  version: number
  created_at: string
  updated_at: string
  history: { status: ReturnStatus; at: string; actor: Actor; note: string | null }[]
}

/** What happened to a return, told to the OrderDO, which decides (OrderDO.returnAction). */
export type ReturnAction =
  | {
      kind: 'request'
      return_id: string
      lines: { line_id: string; quantity: number }[]
      reason: string
      comment?: string | null
      actor: Actor
    }
  | { kind: 'cancel'; return_id: string; actor: Actor }
  | {
      kind: 'approve'
      return_id: string
      actor: Actor
      instructions: string | null
      /** The carrier return label bought for it (absent: the customer follows `instructions`). */
      label?: { shipment_id: string; carrier: string; tracking_number: string } | null
      note?: string | null
    }
  | { kind: 'refuse'; return_id: string; actor: Actor; note: string }
  | { kind: 'receive'; return_id: string; actor: Actor; restock: Record<string, boolean>; note?: string | null }
  | { kind: 'refunded'; return_id: string; actor: Actor; refund_id: string | null }

export type ReturnActionResult =
  | { ok: true; ret: ReturnState; order: OrderState; changed: boolean }
  | {
      ok: false
      code: 'invalid_transition' | 'not_found' | 'validation_error' | 'unprocessable'
      message: string
      details?: { path?: string; message: string; [k: string]: unknown }[]
    }
