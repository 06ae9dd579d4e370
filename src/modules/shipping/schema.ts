import { z } from '@hono/zod-openapi'
import { CARRIERS } from './carriers/types'

export const CarrierSchema = z.enum(CARRIERS).openapi('Carrier')

export const ShippingQuoteSchema = z
  .object({
    id: z.string().openapi({ description: 'Signed quote id: send it as shipping_quote_id at checkout to be charged exactly this amount' }),
    method_id: z.string(),
    carrier: CarrierSchema,
    service_code: z.string(),
    amount: z.number().int().openapi({ description: 'Minor units of currency' }),
    currency: z.string(),
    source: z
      .enum(['carrier', 'cache', 'fallback'])
      .openapi({ description: "carrier/cache: a live rate; fallback: the carrier was slow or down, the method's own price" }),
    weight_band_grams: z.number().int(),
    expires_at: z.string(),
  })
  .openapi('ShippingQuote')

export const BuyLabelBodySchema = z
  .object({
    line_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(100)
      .openapi({ description: 'Unfulfilled lines of the order that go in this parcel' }),
    carrier: CarrierSchema.optional().openapi({ description: "With service_code; omitted: the order's carrier shipping method" }),
    service_code: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,40}$/)
      .optional(),
    weight_grams: z
      .number()
      .int()
      .min(1)
      .max(70_000)
      .optional()
      .openapi({ description: "Parcel weight; default: the lines' catalog weights (at least 100 g)" }),
  })
  .strict()
  .openapi('BuyLabelBody')

export const LabelIdempotencySchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .openapi({ description: 'One per purchase: a repeated request (double click, retry) returns the first label' }),
})

export const ShipmentEventSchema = z
  .object({ code: z.string(), status: z.string(), description: z.string(), location: z.string().nullable(), at: z.string() })
  .openapi('ShipmentEvent')

export const ShipmentSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    kind: z.enum(['outbound', 'return']),
    return_id: z.string().nullable(),
    carrier: CarrierSchema,
    carrier_name: z.string(),
    service_code: z.string(),
    status: z.enum(['purchasing', 'label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'voided']),
    tracking_number: z.string().nullable(),
    label_url: z.string().nullable().openapi({ description: 'Authenticated download of the label (staff, or the seller of its lines)' }),
    label_content_type: z.string().nullable(),
    cost: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
    weight_grams: z.number().int(),
    line_ids: z.array(z.string()),
    created_by: z.object({ type: z.string(), id: z.string().nullable() }),
    delivered_at: z.string().nullable(),
    last_tracked_at: z.string().nullable(),
    created_at: z.string(),
    events: z.array(ShipmentEventSchema),
  })
  .openapi('Shipment')

export const ShipmentQuerySchema = z.object({
  status: z.enum(['purchasing', 'label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'voided']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
