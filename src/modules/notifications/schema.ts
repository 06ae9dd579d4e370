import { z } from '@hono/zod-openapi'
import { CurrencySchema } from '../../lib/money'
import { PageQuerySchema } from '../../lib/pagination'
import { DELIVERY_STATUSES } from './tables'

export const CHANNELS = ['email', 'sms', 'whatsapp', 'telegram'] as const
export type Channel = (typeof CHANNELS)[number]

export const TEMPLATES = [
  'order_confirmation',
  'payment_failed',
  'order_shipped',
  'order_delivered',
  'order_refunded',
  'order_cancelled',
  'return_requested',
  'return_approved',
  'return_refused',
  'return_received',
  'return_refunded',
  'return_cancelled',
  'return_staff_alert',
  'return_staff_cancelled',
  'email_verification',
  'password_reset',
  'account_exists',
] as const
export type TemplateName = (typeof TEMPLATES)[number]

// ---------------------------------------------------------------- event payloads (queue input)

/** Lenient on purpose: producers may add fields; only what the templates need is required. */
const MoneyInSchema = z.object({ amount: z.number().int(), currency: CurrencySchema })

export const DomainEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  occurred_at: z.string(),
  data: z.record(z.string(), z.unknown()),
})

export const OrderEventDataSchema = z.object({
  order_id: z.string().min(1),
  user_id: z.string().min(1),
  /** A human order number when the orders module has one; the id otherwise. */
  number: z.union([z.string(), z.number()]).optional(),
  total: MoneyInSchema.optional(),
  lines: z.array(z.record(z.string(), z.unknown())).optional().catch(undefined),
  tracking: z.object({ carrier: z.string().nullish(), tracking_number: z.string().nullish(), url: z.string().nullish() }).nullish(),
  refund: MoneyInSchema.nullish(),
  /** Return events (return.*): the return as src/modules/orders/return-events.ts sends it. */
  return: z
    .object({
      id: z.string(),
      status: z.string(),
      reason: z.string().nullish(),
      note: z.string().nullish(),
      refund: MoneyInSchema.nullish(),
      instructions: z.string().nullish(),
      label: z.object({ carrier: z.string(), tracking_number: z.string() }).nullish(),
      lines: z.array(z.record(z.string(), z.unknown())).optional().catch(undefined),
    })
    .nullish(),
})
export type OrderEventData = z.infer<typeof OrderEventDataSchema>

/** account.email_verification_requested / account.password_reset_requested / account.signup_attempted. */
export const AccountTokenEventDataSchema = z.object({
  user_id: z.string().min(1),
  email: z.string().min(1),
  /** The one-time link with the raw token: lives only in the queue message and the email. */
  link: z.string().url(),
  expires_at: z.string(),
})
export type AccountTokenEventData = z.infer<typeof AccountTokenEventDataSchema>

// ---------------------------------------------------------------- admin API

export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES)

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: 'ntf_01jd2xk3m4n5p6q7r8s9t0v1w2' }),
    event_id: z.string(),
    event_type: z.string(),
    channel: z.enum(CHANNELS),
    user_id: z.string().nullable(),
    recipient: z.string(),
    template: z.string(),
    locale: z.string(),
    provider: z.string().openapi({ example: 'sendgrid' }),
    status: DeliveryStatusSchema,
    attempts: z.number().int(),
    provider_message_id: z.string().nullable(),
    last_error: z.string().nullable(),
    sent_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('NotificationDelivery')

export const DeliveryDetailSchema = DeliverySchema.extend({
  subject: z.string().nullable().openapi({ description: 'Rendered subject (log provider only)' }),
  body: z.string().nullable().openapi({ description: 'Rendered text (log provider only; one-time links redacted)' }),
}).openapi('NotificationDeliveryDetail')

export const DeliveryQuerySchema = PageQuerySchema.extend({
  status: DeliveryStatusSchema.optional(),
  channel: z.enum(CHANNELS).optional(),
  provider: z.string().max(32).optional(),
  template: z.enum(TEMPLATES).optional(),
  event_type: z.string().max(64).optional(),
  event_id: z.string().max(64).optional(),
  user_id: z.string().max(64).optional(),
})
export type DeliveryQuery = z.infer<typeof DeliveryQuerySchema>

export const DeadLetterSchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    user_id: z.string().nullable(),
    attempts: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi('NotificationDeadLetter')
