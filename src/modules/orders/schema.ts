import { z } from '@hono/zod-openapi'
import { MoneySchema } from '../../lib/money'
import { PageQuerySchema, pageOf } from '../../lib/pagination'
import { ACTOR_TYPES, AWAITING_PAYMENT, TRANSITIONS } from './state-machine'
import { FULFILMENT_STATUSES, ORDER_STATUSES } from './tables'
import { PAYMENT_PROVIDER_NAMES } from '../payments/providers/names'
import { KenyanPhoneSchema } from '../payments/schema'

export const OrderStatusSchema = z.enum(ORDER_STATUSES).openapi('OrderStatus')

export const ShippingAddressSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(100).optional(),
    postal_code: z.string().trim().max(20).optional(),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code')
      .transform((c) => c.toUpperCase()),
    phone: z.string().trim().max(40).optional(),
  })
  .strict()
  .openapi('ShippingAddress')
export type ShippingAddress = z.infer<typeof ShippingAddressSchema>

export const CheckoutBodySchema = z
  .object({
    shipping_address: ShippingAddressSchema.optional(),
    address_id: z.string().min(1).max(64).optional().openapi({ description: 'One of your saved addresses, instead of shipping_address' }),
    shipping_method_id: z.string().min(1).max(64),
    shipping_quote_id: z.string().min(1).max(1000).optional().openapi({
      description:
        'Carrier methods: the shipping_quote.id the shopper saw (cart); that price is charged, or 409 price_changed if it no longer applies',
    }),
    discount_code: z.string().trim().min(1).max(64).optional(),
    payment_provider: z.enum(PAYMENT_PROVIDER_NAMES),
    payment_phone: KenyanPhoneSchema.optional().openapi({ description: 'M-Pesa: the phone that receives the payment prompt' }),
    email: z.string().trim().email().max(254).optional(),
    expected_total: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'The total the shopper saw; if the current total differs, 409 price_changed' }),
  })
  .strict()
  .refine((b) => Boolean(b.shipping_address) !== Boolean(b.address_id), {
    message: 'Give exactly one of shipping_address or address_id',
    path: ['shipping_address'],
  })
  .refine((b) => b.payment_provider !== 'mpesa' || Boolean(b.payment_phone), {
    message: 'M-Pesa needs payment_phone, the Kenyan number that receives the payment prompt',
    path: ['payment_phone'],
  })
  .openapi('CheckoutBody')
export type CheckoutBody = z.infer<typeof CheckoutBodySchema>

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z.string().min(1).max(255).openapi({ description: 'Unique per checkout attempt; a retry returns the first result' }),
})

const ActorSchema = z.object({ type: z.enum(ACTOR_TYPES), id: z.string().nullable() })

export const TimelineEntrySchema = z
  .object({
    kind: z.enum(['status', 'note']).openapi({ description: 'note: a staff-only order note (only in the admin order view)' }),
    from: OrderStatusSchema.nullable(),
    to: OrderStatusSchema,
    actor: ActorSchema,
    reason: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()).nullable(),
    at: z.string(),
  })
  .openapi('OrderTimelineEntry')

export const OrderLineSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    variant_id: z.string(),
    seller_id: z.string(),
    product_name: z.string(),
    variant_name: z.string(),
    sku: z.string(),
    unit_price: MoneySchema,
    quantity: z.number().int(),
    subtotal: MoneySchema,
    discount: MoneySchema,
    tax: MoneySchema,
    total: MoneySchema,
    fulfilment_status: z.enum(FULFILMENT_STATUSES),
    carrier: z.string().nullable(),
    tracking_number: z.string().nullable(),
    shipped_at: z.string().nullable(),
  })
  .openapi('OrderLine')

export const OrderSummarySchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    status: OrderStatusSchema,
    currency: z.string(),
    subtotal: MoneySchema,
    discount: MoneySchema,
    tax: MoneySchema,
    shipping: MoneySchema,
    total: MoneySchema,
    refunded: MoneySchema,
    tax_inclusive: z.boolean(),
    email: z.string().nullable(),
    shipping_address: ShippingAddressSchema,
    shipping_method: z.object({ id: z.string(), name: z.string() }).nullable(),
    discount_code: z.string().nullable(),
    payment_provider: z.enum(PAYMENT_PROVIDER_NAMES),
    payment_due_at: z.string().nullable(),
    line_count: z.number().int(),
    item_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('OrderSummary')

export const OrderDetailSchema = OrderSummarySchema.extend({
  lines: z.array(OrderLineSchema),
  timeline: z.array(TimelineEntrySchema),
}).openapi('Order')

export const PaymentInfoSchema = z
  .object({
    provider: z.enum(PAYMENT_PROVIDER_NAMES),
    status: z.string().openapi({ example: 'requires_payment' }),
    next_action: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough()
  .openapi('CheckoutPayment')

export const CheckoutResponseSchema = z.object({ order: OrderDetailSchema, payment: PaymentInfoSchema }).openapi('CheckoutResponse')

export const GuestCheckoutResponseSchema = CheckoutResponseSchema.extend({
  order_link: z.string().url().optional().openapi({ description: 'Guest checkout only: the signed URL of the order page' }),
}).openapi('GuestCheckoutResponse')

export const OrderPageSchema = pageOf(OrderSummarySchema).openapi('OrderPage')

export const ADMIN_ORDER_SORTS = ['newest', 'oldest', 'total_asc', 'total_desc'] as const

export const AdminOrderQuerySchema = PageQuerySchema.extend({
  status: OrderStatusSchema.optional(),
  user_id: z.string().max(64).optional(),
  from: z.string().datetime({ offset: true }).optional().openapi({ description: 'created_at >= this ISO time' }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: 'created_at < this ISO time' }),
  sort: z.enum(ADMIN_ORDER_SORTS).optional().openapi({
    description:
      'newest (default) or oldest by creation time; total_asc / total_desc by the total in minor units (currencies are not converted). Pages stay keyset-paginated: a cursor belongs to its sort.',
  }),
})

export const AdminTransitionBodySchema = z
  .object({
    to: OrderStatusSchema,
    reason: z.string().trim().max(500).optional(),
    carrier: z.string().trim().min(1).max(100).optional(),
    tracking_number: z.string().trim().min(1).max(100).optional(),
    refund_amount: z.number().int().min(1).optional().openapi({ description: 'Minor units, for refunds' }),
  })
  .strict()
  .openapi('AdminOrderTransition')

export const OrderNoteBodySchema = z
  .object({ text: z.string().trim().min(1, 'is required').max(2000) })
  .strict()
  .openapi('OrderNoteBody')

export const CancelBodySchema = z.object({ reason: z.string().trim().max(500).optional() }).strict()

export const SellerLineSchema = OrderLineSchema.extend({
  order_id: z.string(),
  order_status: OrderStatusSchema,
  shipping_address: ShippingAddressSchema,
  created_at: z.string(),
}).openapi('SellerOrderLine')

export const SellerLineQuerySchema = PageQuerySchema.extend({
  fulfilment_status: z.enum(FULFILMENT_STATUSES).optional(),
})

export const ShipLineBodySchema = z
  .object({
    carrier: z.string().trim().min(1).max(100),
    tracking_number: z.string().trim().min(1).max(100),
  })
  .strict()
  .openapi('ShipLineBody')

/** What staff can do next with an order; the dashboard offers only these. */
export const ORDER_ACTIONS = ['confirm_payment', 'ship', 'deliver', 'cancel', 'refund'] as const
export type OrderAction = (typeof ORDER_ACTIONS)[number]

const CustomerName = z.string().nullable().openapi({ description: 'The account holder’s display name' })

export const AdminOrderSummarySchema = OrderSummarySchema.extend({ customer_name: CustomerName }).openapi('AdminOrderSummary')
export const AdminOrderPageSchema = pageOf(AdminOrderSummarySchema).openapi('AdminOrderPage')

// Built from OrderSummary rather than extending Order: an overridden property of a registered
// schema becomes an allOf the generated client types cannot narrow.
export const AdminOrderDetailSchema = OrderSummarySchema.extend({
  customer_name: CustomerName,
  lines: z.array(OrderLineSchema.extend({ seller_name: z.string().nullable() }).openapi('AdminOrderLine')),
  timeline: z.array(
    z
      .object({
        ...TimelineEntrySchema.shape,
        actor: ActorSchema.extend({ name: z.string().nullable().openapi({ description: 'The acting user’s display name' }) }),
      })
      .openapi('AdminOrderTimelineEntry'),
  ),
  allowed_actions: z.array(z.enum(ORDER_ACTIONS)).openapi({
    description:
      'From the order state machine: ship (→ shipped, with carrier and tracking), deliver (→ delivered), cancel (→ cancelled), ' +
      'refund (POST …/refunds while something is left to refund), confirm_payment (manual payment awaiting confirmation)',
  }),
}).openapi('AdminOrder')

/** The actions open to an order in its current status. */
export function allowedActions(order: {
  status: z.infer<typeof OrderStatusSchema>
  payment_provider: string
  total: { amount: number }
  refunded: { amount: number }
}): OrderAction[] {
  const out: OrderAction[] = []
  const next = TRANSITIONS[order.status]
  if (order.payment_provider === 'manual' && AWAITING_PAYMENT.includes(order.status)) out.push('confirm_payment')
  if (next.includes('shipped')) out.push('ship')
  if (next.includes('delivered')) out.push('deliver')
  if (next.includes('cancelled')) out.push('cancel')
  if ((next.includes('refunded') || next.includes('partially_refunded')) && order.total.amount > order.refunded.amount) out.push('refund')
  return out
}
