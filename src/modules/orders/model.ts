import type { PaymentProviderName } from '../payments/providers/names'
import type { Actor } from './state-machine'
import type { OrderStatus } from './tables'

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

/** One recorded transition, as the DO stores it before writing it through to D1. */
export interface TransitionRecord {
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
}
