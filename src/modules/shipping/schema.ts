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
    source: z.enum(['carrier', 'cache', 'fallback']).openapi({ description: 'carrier/cache: a live rate; fallback: the carrier was slow or down, the method\'s own price' }),
    weight_band_grams: z.number().int(),
    expires_at: z.string(),
  })
  .openapi('ShippingQuote')
