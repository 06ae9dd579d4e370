import { z } from '@hono/zod-openapi'
import { MoneySchema } from '../../lib/money'
import { PageQuerySchema, pageOf } from '../../lib/pagination'
import { paymentAlerts } from './tables'

/** A Kenyan mobile number in E.164 (Safaricom M-Pesa lines are +2547… and +2541…). */
export const KenyanPhoneSchema = z
  .string()
  .trim()
  .regex(/^\+254[17]\d{8}$/, 'phone must be a Kenyan mobile number in E.164 form, e.g. +254712345678')
  .openapi({ example: '+254712345678' })

export const PaymentStatusSchema = z.enum(['pending', 'succeeded', 'failed', 'cancelled', 'requires_review']).openapi('PaymentStatus')

export const PaymentSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    user_id: z.string().nullable(),
    provider: z.string().openapi({ example: 'stripe' }),
    provider_ref: z.string().nullable().openapi({ description: 'The provider object id, e.g. a Stripe PaymentIntent pi_…' }),
    status: PaymentStatusSchema,
    amount: MoneySchema,
    amount_received: MoneySchema,
    amount_refunded: MoneySchema,
    failure_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Payment')

export const StartedPaymentSchema = z
  .object({
    payment: PaymentSchema,
    provider: z.string(),
    status: z.enum(['requires_payment', 'awaiting_confirmation', 'succeeded']),
    next_action: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({
        description:
          'Stripe: `{ type: "stripe_payment_intent", client_secret, payment_intent_id }` for Stripe.js / Payment Element. ' +
          'Manual: `{ type: "manual_payment", instructions, reference, amount, pay_before }`.',
      }),
  })
  .openapi('StartedPayment')

export const PaymentQuerySchema = PageQuerySchema.extend({
  status: PaymentStatusSchema.optional(),
  provider: z.string().max(32).optional(),
  order_id: z.string().max(64).optional(),
})

export const PaymentPageSchema = pageOf(PaymentSchema).openapi('PaymentPage')

export const AlertQuerySchema = PageQuerySchema.extend({ order_id: z.string().max(64).optional() })

export const PaymentAlertSchema = z
  .object({
    id: z.string(),
    kind: z.enum(paymentAlerts.kind.enumValues),
    order_id: z.string().nullable(),
    payment_id: z.string().nullable(),
    event_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    resolved_at: z.string().nullable(),
  })
  .openapi('PaymentAlert')

export const AlertPageSchema = pageOf(PaymentAlertSchema).openapi('PaymentAlertPage')

export const ConfirmPaymentBodySchema = z
  .object({
    reference: z.string().trim().min(1).max(200).optional().openapi({ description: 'Bank reference or receipt number' }),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .openapi('ConfirmPaymentBody')

export const ConfirmPaymentResponseSchema = z
  .object({ payment: PaymentSchema, order: z.object({ id: z.string(), status: z.string() }) })
  .openapi('ConfirmPaymentResponse')

export const RefundBodySchema = z
  .object({
    amount: z.number().int().min(1).optional().openapi({ description: 'Minor units; omit to refund everything not yet refunded' }),
    reason: z.string().trim().min(1).max(500).optional().openapi({
      description: 'Free text; "duplicate", "fraudulent" and "requested_by_customer" are also passed to Stripe',
    }),
    restock: z.boolean().optional().openapi({ description: "Put the order's items back in stock (once per order)" }),
  })
  .strict()
  .openapi('RefundBody')

export const RefundHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'A retry with the same key returns the first refund instead of refunding again' }),
})

export const RefundSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    payment_id: z.string(),
    provider: z.string(),
    provider_ref: z.string().nullable(),
    amount: MoneySchema,
    reason: z.string().nullable(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    restock: z.boolean(),
    failure_reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Refund')

export const RefundResponseSchema = z
  .object({ refund: RefundSchema, order: z.object({ id: z.string(), status: z.string(), refunded: MoneySchema }) })
  .openapi('RefundResponse')

export const OrderPaymentsSchema = z.object({ payments: z.array(PaymentSchema), refunds: z.array(RefundSchema) }).openapi('OrderPayments')

export const PayBodySchema = z
  .object({
    phone: KenyanPhoneSchema.optional().openapi({ description: 'M-Pesa: the phone that receives the payment prompt (STK push)' }),
  })
  .strict()
  .openapi('PayBody')

export const PaymentMethodsSchema = z
  .object({
    data: z.array(
      z.object({
        provider: z.string().openapi({ example: 'paypal' }),
        confirmed_by: z.enum(['webhook', 'staff']),
        currencies: z.array(z.string()).nullable().openapi({ description: 'ISO 4217 codes it can charge; null: any' }),
        refunds: z.enum(['api', 'manual']).openapi({
          description:
            "api: refunds go back through the provider's API; manual: no refund API (Kaspi Pay: staff refund in its cabinet; manual payments: staff hand the money back), the refund is recorded here",
        }),
      }),
    ),
  })
  .openapi('PaymentMethods')
