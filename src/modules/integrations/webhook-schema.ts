import { z } from '@hono/zod-openapi'
import { WEBHOOK_DELIVERY_STATUSES } from './tables'
import { WEBHOOK_EVENT_TYPES } from './webhook-events'

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi('WebhookEventType')

export const WebhookEndpointCreateSchema = z
  .object({
    url: z.string().trim().min(1).max(2048).openapi({ example: 'https://erp.example.com/hooks/edge-commerce' }),
    description: z.string().trim().max(200).optional(),
    events: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length),
  })
  .strict()
  .openapi('WebhookEndpointCreate')

export const WebhookEndpointUpdateSchema = z
  .object({
    url: z.string().trim().min(1).max(2048).optional(),
    description: z.string().trim().max(200).nullable().optional(),
    events: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length).optional(),
    enabled: z.boolean().optional().openapi({ description: 'true re-enables a disabled endpoint and clears its failure count' }),
  })
  .strict()
  .openapi('WebhookEndpointUpdate')

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(WebhookEventTypeSchema),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.string().nullable(),
    consecutive_failures: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookEndpoint')

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({ description: 'whsec_…: shown only in this answer; verify signatures with it', example: 'whsec_…' }),
}).openapi('WebhookEndpointWithSecret')

export const WebhookLastDeliverySchema = z
  .object({
    id: z.string(),
    event_type: WebhookEventTypeSchema,
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    last_status_code: z.number().int().nullable(),
    created_at: z.string(),
    last_attempt_at: z.string().nullable(),
  })
  .openapi('WebhookLastDelivery')

export const WebhookEndpointListItemSchema = WebhookEndpointSchema.extend({
  last_delivery: WebhookLastDeliverySchema.nullable().openapi({ description: 'The newest delivery to this endpoint, if any' }),
}).openapi('WebhookEndpointListItem')

export const WebhookEndpointListSchema = z.object({ data: z.array(WebhookEndpointListItemSchema) }).openapi('WebhookEndpointList')

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: 'Sent as webhook-id; the same on every attempt and replay' }),
    endpoint_id: z.string(),
    event_type: WebhookEventTypeSchema,
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_attempt_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookDelivery')

export const WebhookDeliveryListItemSchema = WebhookDeliverySchema.extend({
  last_latency_ms: z.number().int().nullable().openapi({ description: "The last attempt's latency (null before the first attempt)" }),
  last_response_excerpt: z.string().nullable().openapi({ description: "At most 1 KB of the last attempt's answer" }),
  last_error: z.string().nullable().openapi({ description: 'Why the last attempt failed (network error or HTTP status)' }),
}).openapi('WebhookDeliveryListItem')

export const WebhookDeliveryListSchema = z
  .object({
    data: z.array(WebhookDeliveryListItemSchema),
    next: z
      .object({ before: z.string(), before_id: z.string() })
      .nullable()
      .openapi({ description: 'Query parameters for the next (older) page; null on the last page' }),
  })
  .openapi('WebhookDeliveryList')

export const WebhookDeliveryDetailSchema = WebhookDeliverySchema.extend({
  payload: z.record(z.string(), z.unknown()),
  attempt_log: z.array(
    z.object({
      attempt: z.number().int(),
      status_code: z.number().int().nullable(),
      latency_ms: z.number().int(),
      response_excerpt: z.string().nullable().openapi({ description: 'At most 1 KB of the answer' }),
      error: z.string().nullable(),
      at: z.string(),
    }),
  ),
}).openapi('WebhookDeliveryDetail')

export const WebhookDeliveryQuerySchema = z.object({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.iso.datetime().optional().openapi({ description: 'Only deliveries created before this time (paging back)' }),
  before_id: z.string().min(1).max(64).optional().openapi({
    description:
      "With `before`: the last delivery id seen, so deliveries created in that same millisecond are not skipped (the list's `next`)",
  }),
})

export const WebhookReplaySinceSchema = z
  .object({ since: z.iso.datetime().openapi({ description: 'Replay failed (retrying or dead) deliveries created since this time' }) })
  .strict()
  .openapi('WebhookReplaySince')

export const WebhookReplayResultSchema = z.object({ replayed: z.number().int() }).openapi('WebhookReplayResult')

export const WebhookEventTypeListSchema = z.object({ data: z.array(WebhookEventTypeSchema) }).openapi('WebhookEventTypeList')

export const EndpointDeliveryParamSchema = z.object({ id: z.string().min(1).max(64) })
