import { z } from '@hono/zod-openapi'
import { MoneySchema } from '../../lib/money'
import { PageQuerySchema } from '../../lib/pagination'
import { RETURN_STATUSES } from '../orders/model'
import { ACTOR_TYPES } from '../orders/state-machine'

export const ReturnStatusSchema = z.enum(RETURN_STATUSES).openapi('ReturnStatus')

const ActorSchema = z.object({ type: z.enum(ACTOR_TYPES), id: z.string().nullable() })

export const ReturnLineSchema = z
  .object({
    line_id: z.string(),
    seller_id: z.string(),
    product_name: z.string().nullable(),
    variant_name: z.string().nullable(),
    sku: z.string().nullable(),
    quantity: z.number().int(),
    amount: MoneySchema.openapi({ description: 'What these units refund: the line total (its discount share and tax) pro rata' }),
    restock: z.boolean().nullable().openapi({ description: 'Set when received: whether the units went back on sale' }),
  })
  .openapi('ReturnLine')

export const ReturnSchema = z
  .object({
    id: z.string().openapi({ example: 'ret_01jd2xk3m4n5p6q7r8s9t0v1w2' }),
    order_id: z.string(),
    user_id: z.string(),
    status: ReturnStatusSchema,
    reason: z.string(),
    comment: z.string().nullable(),
    note: z.string().nullable().openapi({ description: "Staff's note (a refusal's reason)" }),
    refund: MoneySchema.openapi({ description: 'The refund for the returned lines (shipping is not refunded)' }),
    method: z.enum(['label', 'instructions']).nullable(),
    instructions: z.string().nullable(),
    label: z
      .object({ shipment_id: z.string(), carrier: z.string(), tracking_number: z.string(), label_url: z.string() })
      .nullable()
      .openapi({ description: 'The carrier return label (approved returns of orders shipped with a carrier)' }),
    refund_id: z.string().nullable(),
    refund_attempt: z
      .object({
        id: z.string(),
        status: z.enum(['pending', 'succeeded', 'failed']),
        provider: z.string(),
        failure_reason: z.string().nullable(),
        updated_at: z.string(),
      })
      .nullable()
      .openapi({
        description:
          "The return's latest refund at the payment provider: pending until the provider confirms it (the return then " +
          'becomes refunded by itself); failed leaves the return received for staff to retry (POST …/refund)',
      }),
    lines: z.array(ReturnLineSchema),
    history: z.array(z.object({ status: ReturnStatusSchema, at: z.string(), actor: ActorSchema, note: z.string().nullable() })),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Return')

export const ReturnPageSchema = z.object({ data: z.array(ReturnSchema), next_cursor: z.string().nullable() }).openapi('ReturnPage')

export const OrderReturnsSchema = z
  .object({
    data: z.array(ReturnSchema),
    window_days: z.number().int().openapi({ description: 'RETURN_WINDOW_DAYS: days after delivery a line can be returned' }),
    deadline: z.string().nullable().openapi({ description: 'When the window closes (null: not delivered)' }),
    returnable: z.array(
      z.object({
        line_id: z.string(),
        product_name: z.string(),
        sku: z.string(),
        quantity: z.number().int(),
        returnable_quantity: z.number().int().openapi({ description: 'Delivered units not already in a return (0 after the deadline)' }),
        unit_refund: MoneySchema.openapi({ description: 'About what one unit refunds (exact amounts are fixed when asked)' }),
      }),
    ),
  })
  .openapi('OrderReturns')

export const ReturnRequestBodySchema = z
  .object({
    lines: z
      .array(z.object({ line_id: z.string().min(1).max(64), quantity: z.number().int().min(1).max(10_000) }))
      .min(1)
      .max(100),
    reason: z.string().trim().min(1).max(500).openapi({ example: 'Wrong size' }),
    comment: z.string().trim().max(2000).optional(),
  })
  .openapi('ReturnRequest')
export type ReturnRequestBody = z.infer<typeof ReturnRequestBodySchema>

export const ApproveBodySchema = z
  .object({
    note: z.string().trim().max(2000).optional(),
    instructions: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .optional()
      .openapi({ description: 'What the customer should do (orders not shipped with a carrier; a default text otherwise)' }),
  })
  .openapi('ReturnApprove')

export const RefuseBodySchema = z.object({ note: z.string().trim().min(1).max(2000) }).openapi('ReturnRefuse')

export const ReceiveBodySchema = z
  .object({
    lines: z
      .array(z.object({ line_id: z.string().min(1).max(64), restock: z.boolean() }))
      .max(100)
      .default([])
      .openapi({ description: 'Per returned line, whether its units go back on sale (absent: not restocked)' }),
    note: z.string().trim().max(2000).optional(),
  })
  .openapi('ReturnReceive')

export const ReturnIdempotencySchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .openapi({ description: 'A retry with the same key (or any duplicate) refunds nothing twice' }),
})
export const OptionalIdempotencySchema = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({ description: 'A retry with the same key answers the same return' }),
})

export const ReturnQuerySchema = PageQuerySchema.extend({
  status: ReturnStatusSchema.optional(),
  order_id: z.string().max(64).optional(),
  from: z.string().max(40).optional().openapi({ description: 'created_at >= from (ISO)' }),
  to: z.string().max(40).optional().openapi({ description: 'created_at < to (ISO)' }),
})
export type ReturnQuery = z.infer<typeof ReturnQuerySchema>

export const ReturnActionResponseSchema = z
  .object({
    return: ReturnSchema,
    changed: z.boolean().openapi({ description: 'false when the step had already happened (a duplicate)' }),
    refund: z
      .object({ id: z.string(), status: z.string(), amount: MoneySchema, provider: z.string() })
      .nullable()
      .optional()
      .openapi({ description: 'The refund made for the return (receive / refund)' }),
    refund_error: z.string().nullable().optional().openapi({ description: 'Why the refund is not done yet; retry POST …/refund' }),
  })
  .openapi('ReturnActionResult')

export const ReturnIdParamSchema = z.object({ id: z.string().min(1).max(64), return_id: z.string().min(1).max(64) })
