import { z } from '@hono/zod-openapi'
import { AmountSchema, CurrencySchema } from '../../lib/money'
import { CARRIERS } from '../shipping/carriers/types'

const Country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase())
  .openapi({ example: 'US' })

const Region = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,10}$/, 'region must be a short code such as CA or BY-MI')
  .transform((s) => s.toUpperCase())
  .openapi({ example: 'CA' })

const Bps = z.number().int().min(0).max(10_000).openapi({ description: 'Basis points: 100 = 1%', example: 2000 })
const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-01T00:00:00Z' })
const Id = z.object({ id: z.string().min(1).max(64) })

// ---------- tax rates ----------

export const TaxRateSchema = z
  .object({
    id: z.string(),
    country: z.string(),
    region: z.string().nullable(),
    name: z.string(),
    rate_bps: z.number().int(),
    inclusive: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('TaxRate')

export const TaxRateCreateSchema = z
  .object({
    country: Country,
    region: Region.nullable().optional(),
    name: z.string().trim().min(1).max(100),
    rate_bps: Bps,
    inclusive: z.boolean().default(false),
  })
  .openapi('TaxRateCreate')

export const TaxRateUpdateSchema = z
  .object({ name: z.string().trim().min(1).max(100), rate_bps: Bps, inclusive: z.boolean() })
  .partial()
  .openapi('TaxRateUpdate')

// ---------- shipping methods ----------

const ShippingKind = z.enum(['flat', 'free_over', 'per_weight', 'carrier'])
const CarrierField = z.enum(CARRIERS)
const ServiceCode = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,40}$/, 'service_code is a carrier service level such as 03 (UPS Ground) or FEDEX_GROUND')
  .openapi({ example: 'FEDEX_GROUND' })

export const ShippingMethodSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: ShippingKind,
    currency: z.string(),
    amount: z.number().int(),
    free_over_amount: z.number().int().nullable(),
    per_kg_amount: z.number().int().nullable(),
    carrier: CarrierField.nullable(),
    service_code: z.string().nullable(),
    countries: z.array(z.string()).nullable(),
    active: z.boolean(),
    position: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('ShippingMethod')

const shippingFields = {
  name: z.string().trim().min(1).max(100),
  kind: ShippingKind,
  currency: CurrencySchema,
  amount: AmountSchema.openapi({ description: 'Flat price, the base price for per_weight, or the fallback price for carrier' }),
  free_over_amount: AmountSchema.nullable().openapi({ description: 'Free when discounted merchandise >= this' }),
  per_kg_amount: AmountSchema.nullable().openapi({ description: 'per_weight: price of every started kilogram' }),
  carrier: CarrierField.nullable().openapi({ description: 'carrier: the carrier that quotes it live (ups, fedex)' }),
  service_code: ServiceCode.nullable().openapi({
    description: 'carrier: the service level (UPS Service.Code such as 03, FedEx serviceType)',
  }),
  countries: z.array(Country).min(1).max(250).nullable().openapi({ description: 'NULL ships everywhere' }),
  active: z.boolean(),
  position: z.number().int().min(0).max(10_000),
}

export const ShippingMethodCreateSchema = z
  .object({
    ...shippingFields,
    free_over_amount: shippingFields.free_over_amount.default(null),
    per_kg_amount: shippingFields.per_kg_amount.default(null),
    carrier: shippingFields.carrier.default(null),
    service_code: shippingFields.service_code.default(null),
    countries: shippingFields.countries.default(null),
    active: shippingFields.active.default(true),
    position: shippingFields.position.default(0),
  })
  .openapi('ShippingMethodCreate')

export const ShippingMethodUpdateSchema = z.object(shippingFields).partial().openapi('ShippingMethodUpdate')

export const ShippingQuerySchema = z.object({
  country: Country.optional(),
  currency: CurrencySchema.optional(),
})

// ---------- discounts ----------

const DiscountKind = z.enum(['percentage', 'fixed'])

export const DiscountSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    description: z.string().nullable(),
    kind: DiscountKind,
    value: z.number().int(),
    currency: z.string().nullable(),
    min_subtotal: z.number().int(),
    usage_limit: z.number().int().nullable(),
    used_count: z.number().int(),
    per_customer_limit: z.number().int().nullable(),
    starts_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Discount')

const discountFields = {
  code: z
    .string()
    .regex(/^[A-Za-z0-9_-]{3,32}$/, 'code must be 3-32 letters, digits, - or _')
    .transform((s) => s.toUpperCase())
    .openapi({ example: 'WELCOME10' }),
  description: z.string().trim().max(500).nullable(),
  kind: DiscountKind,
  value: AmountSchema.openapi({ description: 'Basis points for percentage (max 10000), minor units for fixed' }),
  currency: CurrencySchema.nullable(),
  min_subtotal: AmountSchema,
  usage_limit: z.number().int().min(1).max(1_000_000_000).nullable(),
  per_customer_limit: z.number().int().min(1).max(1_000_000).nullable(),
  starts_at: Timestamp.nullable(),
  expires_at: Timestamp.nullable(),
  active: z.boolean(),
}

export const DiscountCreateSchema = z
  .object({
    ...discountFields,
    description: discountFields.description.default(null),
    currency: discountFields.currency.default(null),
    min_subtotal: discountFields.min_subtotal.default(0),
    usage_limit: discountFields.usage_limit.default(null),
    per_customer_limit: discountFields.per_customer_limit.default(null),
    starts_at: discountFields.starts_at.default(null),
    expires_at: discountFields.expires_at.default(null),
    active: discountFields.active.default(true),
  })
  .openapi('DiscountCreate')

/** The code itself is immutable once created: orders refer to it. */
const { code: _code, ...updatable } = discountFields
export const DiscountUpdateSchema = z.object(updatable).partial().openapi('DiscountUpdate')

export const IdParam = Id

export type TaxRate = z.infer<typeof TaxRateSchema>
export type ShippingMethod = z.infer<typeof ShippingMethodSchema>
export type Discount = z.infer<typeof DiscountSchema>
export type TaxRateCreate = z.infer<typeof TaxRateCreateSchema>
export type TaxRateUpdate = z.infer<typeof TaxRateUpdateSchema>
export type ShippingMethodCreate = z.infer<typeof ShippingMethodCreateSchema>
export type ShippingMethodUpdate = z.infer<typeof ShippingMethodUpdateSchema>
export type DiscountCreate = z.infer<typeof DiscountCreateSchema>
export type DiscountUpdate = z.infer<typeof DiscountUpdateSchema>
