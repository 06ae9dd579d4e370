import { z } from '@hono/zod-openapi'
import { MoneySchema } from '../../lib/money'
import { OrderStatusSchema } from '../orders/schema'

export const SearchQuerySchema = z.object({
  q: z.string().trim().min(2, 'Type at least 2 characters').max(100).openapi({ description: 'Order number, email or name, product name or SKU' }),
  limit: z.coerce.number().int().min(1).max(20).default(5).openapi({ description: 'Results per kind' }),
})
export type SearchQuery = z.infer<typeof SearchQuerySchema>

export const SearchResultSchema = z
  .object({
    query: z.string(),
    orders: z.array(
      z.object({
        id: z.string(),
        status: OrderStatusSchema,
        email: z.string().nullable(),
        customer_name: z.string().nullable(),
        total: MoneySchema,
        created_at: z.string(),
      }),
    ),
    customers: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['customer', 'seller', 'staff', 'admin']) })),
    products: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: z.enum(['draft', 'active', 'archived']),
        seller_name: z.string().nullable(),
        sku: z.string().nullable().openapi({ description: 'The matching SKU when the match was on a variant' }),
      }),
    ),
  })
  .openapi('AdminSearchResult')
export type SearchResult = z.infer<typeof SearchResultSchema>
