import { z } from '@hono/zod-openapi'
import { PageQuerySchema } from '../../lib/pagination'
import { MARKETPLACES, SYNC_STATES } from './tables'

export const MarketplaceNameSchema = z.enum(MARKETPLACES).openapi({ example: 'ozon' })

const RunSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['push', 'import_orders']),
    trigger: z.enum(['queue', 'cron', 'admin']),
    ok: z.boolean(),
    summary: z.record(z.string(), z.number()),
    error: z.string().nullable(),
    started_at: z.string(),
    finished_at: z.string(),
  })
  .openapi('MarketplaceRun')

export const MarketplaceStatusSchema = z
  .object({
    marketplace: MarketplaceNameSchema,
    enabled: z.boolean().openapi({ description: 'False when the credentials (secrets) are not configured' }),
    counts: z.object({ pending: z.number().int(), synced: z.number().int(), error: z.number().int() }),
    imported_orders: z.number().int(),
    last_push: RunSchema.nullable(),
    last_import: RunSchema.nullable(),
  })
  .openapi('MarketplaceStatus')

export const SyncRowSchema = z
  .object({
    marketplace: MarketplaceNameSchema,
    product_id: z.string(),
    state: z.enum(SYNC_STATES),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_success_at: z.string().nullable(),
    external_id: z.string().nullable(),
    external_ids: z.record(z.string(), z.string()),
    offers: z.array(
      z.object({ sku: z.string(), price: z.number().int(), currency: z.string(), stock: z.number().int(), active: z.boolean() }),
    ),
    updated_at: z.string(),
  })
  .openapi('MarketplaceSyncRow')

export const SyncRowQuerySchema = PageQuerySchema.extend({
  state: z.enum(SYNC_STATES).optional(),
  marketplace: MarketplaceNameSchema.optional(),
})

export const SyncRequestSchema = z
  .object({
    marketplace: MarketplaceNameSchema.optional().openapi({ description: 'Default: every enabled marketplace' }),
    product_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: 'Default: every active product plus every product already synced to the chosen marketplaces' }),
  })
  .openapi('MarketplaceSyncRequest')

export const SyncAcceptedSchema = z
  .object({
    queued_messages: z.number().int(),
    product_count: z.number().int(),
    marketplaces: z.array(MarketplaceNameSchema),
  })
  .openapi('MarketplaceSyncAccepted')

export const ImportRequestSchema = z.object({ marketplace: MarketplaceNameSchema }).openapi('MarketplaceImportRequest')

export const ImportResultSchema = z
  .object({
    marketplace: MarketplaceNameSchema,
    since: z.string(),
    fetched: z.number().int(),
    imported: z.number().int(),
    existing: z.number().int(),
    failed: z.number().int(),
    errors: z.array(z.object({ external_id: z.string(), message: z.string() })),
  })
  .openapi('MarketplaceImportResult')
