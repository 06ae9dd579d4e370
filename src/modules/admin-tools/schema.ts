import { z } from '@hono/zod-openapi'
import { MoneySchema } from '../../lib/money'
import { AddressSchema, AdminUserSchema } from '../accounts/schema'
import { OrderStatusSchema } from '../orders/schema'

export const SearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(2, 'Type at least 2 characters')
    .max(100)
    .openapi({ description: 'Order number, email or name, product name or SKU' }),
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
    customers: z.array(
      z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['customer', 'seller', 'staff', 'admin']) }),
    ),
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

const CurrencyTotalsSchema = z
  .object({
    currency: z.string(),
    orders: z.number().int().openapi({ description: 'Every order in this currency, whatever its status' }),
    paid_orders: z.number().int().openapi({ description: 'Orders whose money was captured (paid or later)' }),
    open_orders: z.number().int().openapi({ description: 'Orders still awaiting payment' }),
    spent: MoneySchema.openapi({ description: 'Totals of the paid orders' }),
    refunded: MoneySchema,
    lifetime_value: MoneySchema.openapi({ description: 'spent − refunded' }),
    average_order: MoneySchema.openapi({ description: 'spent ÷ paid_orders, rounded to a minor unit' }),
    first_order_at: z.string(),
    last_order_at: z.string(),
  })
  .openapi('CustomerCurrencyTotals')

export const CustomerProfileSchema = z
  .object({
    user: AdminUserSchema,
    addresses: z.array(AddressSchema),
    totals: z
      .array(CurrencyTotalsSchema)
      .openapi({ description: 'One entry per currency the customer ordered in; amounts are never converted' }),
  })
  .openapi('CustomerProfile')
export type CustomerProfile = z.infer<typeof CustomerProfileSchema>
