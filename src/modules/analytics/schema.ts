import { z } from '@hono/zod-openapi'

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine((s) => {
    // Date.parse rolls 2026-02-30 over to March; a real date survives the round trip.
    const t = Date.parse(`${s}T00:00:00Z`)
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s
  }, 'not a real date')

export const RangeQuerySchema = z
  .object({
    from: isoDate.optional().openapi({ example: '2026-11-01', description: 'First day (UTC), inclusive; default 30 days ago' }),
    to: isoDate.optional().openapi({ example: '2026-11-30', description: 'Last day (UTC), inclusive; default today' }),
    limit: z.coerce.number().int().min(1).max(50).default(10).openapi({ description: 'Rows in the top lists' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    message: 'a range is at most 366 days',
    path: ['to'],
  })

const Amount = z.object({ currency: z.string(), amount: z.number().int() })

export const SalesReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    revenue_by_day: z.array(z.object({ day: z.string(), currency: z.string(), revenue: z.number().int(), orders: z.number().int() })),
    totals: z.array(Amount.extend({ orders: z.number().int(), refunded: z.number().int() })),
    orders_by_status: z.array(z.object({ status: z.string(), count: z.number().int() })),
    top_products: z.array(
      z.object({
        product_id: z.string(),
        product_name: z.string(),
        currency: z.string(),
        quantity: z.number().int(),
        revenue: z.number().int(),
      }),
    ),
    top_sellers: z.array(
      z.object({
        seller_id: z.string(),
        seller_name: z.string().nullable(),
        currency: z.string(),
        quantity: z.number().int(),
        revenue: z.number().int(),
      }),
    ),
  })
  .openapi('SalesReport')

export type SalesReport = z.infer<typeof SalesReportSchema>
export type RangeQuery = z.infer<typeof RangeQuerySchema>
