import { z } from '@hono/zod-openapi'
import { CurrencySchema } from '../../lib/money'

const ProductIds = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each product once')
  .openapi({ description: 'The selected products (1–100, each once)' })

export const PriceChangeSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('amount'),
        amount: z.number().int().min(-1_000_000_000_00).max(1_000_000_000_00).openapi({ description: 'Signed, minor units of `currency`' }),
        currency: CurrencySchema.openapi({
          description: 'Only products priced in this currency change; others fail with a per-item error',
        }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('percent'),
        basis_points: z
          .number()
          .int()
          .min(-10_000)
          .max(100_000)
          .openapi({ description: 'Signed change in hundredths of a percent: 1000 = +10 %, -250 = -2.5 %' }),
      })
      .strict(),
  ])
  .openapi('BulkPriceChange')

export const BulkActionSchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('archive'), product_ids: ProductIds }).strict(),
    z.object({ action: z.literal('change_price'), product_ids: ProductIds, change: PriceChangeSchema }).strict(),
    z.object({ action: z.literal('set_stock'), product_ids: ProductIds, stock: z.number().int().min(0).max(1_000_000_000) }).strict(),
  ])
  .openapi('BulkProductAction')

export const BulkResultSchema = z
  .object({
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        product_id: z.string(),
        ok: z.boolean(),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
        product: z
          .object({
            id: z.string(),
            name: z.string(),
            status: z.enum(['draft', 'active', 'archived']),
            currency: z.string(),
            price_min: z.number().int(),
            price_max: z.number().int(),
            stock_total: z.number().int(),
          })
          .optional()
          .openapi({ description: 'The product after the change' }),
      }),
    ),
  })
  .openapi('BulkProductResult')

export type BulkAction = z.infer<typeof BulkActionSchema>
export type BulkResult = z.infer<typeof BulkResultSchema>
