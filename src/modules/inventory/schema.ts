import { z } from '@hono/zod-openapi'
import { PageQuerySchema, pageOf } from '../../lib/pagination'

export const InventoryQuerySchema = PageQuerySchema.extend({
  threshold: z.coerce.number().int().min(0).max(1_000_000).optional().openapi({
    description: 'Low stock: variants with stock at or below this; left out, the store setting (GET /admin/inventory/settings)',
  }),
  sold_out: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'true: only variants with no stock at all' }),
})
export type InventoryQuery = z.infer<typeof InventoryQuerySchema>

export const InventoryRowSchema = z
  .object({
    product_id: z.string(),
    product_name: z.string(),
    product_status: z.enum(['draft', 'active', 'archived']),
    seller_id: z.string(),
    seller_name: z.string().nullable(),
    variant_id: z.string(),
    variant_name: z.string(),
    sku: z.string(),
    stock: z.number().int(),
  })
  .openapi('InventoryRow')

export const InventoryPageSchema = pageOf(InventoryRowSchema)
  .extend({
    sold_out_count: z.number().int(),
    low_count: z.number().int().openapi({ description: 'Variants at or below the threshold, sold out included' }),
    threshold: z.number().int().openapi({ description: 'The threshold used: the query’s, or the store setting' }),
  })
  .openapi('InventoryPage')

export const InventorySettingsSchema = z
  .object({
    low_stock_threshold: z.number().int().openapi({ description: 'Variants with stock at or below this are low' }),
    updated_at: z.string().nullable(),
    updated_by_name: z.string().nullable().openapi({ description: 'Who saved it last, by display name (null: the default)' }),
  })
  .openapi('InventorySettings')

export const InventorySettingsBodySchema = z
  .object({ low_stock_threshold: z.number().int().min(0).max(1_000_000) })
  .strict()
  .openapi('InventorySettingsBody')
