import { z } from '@hono/zod-openapi'
import { ShippingQuoteSchema } from '../shipping/schema'
import { CART_TOKEN_PATTERN } from './service'

const VariantId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'variant_id must be a product variant id')
  .openapi({ example: 'var_01jd6x0m2qk4r8t9v3w5y7z1ab' })

const Quantity = z
  .number()
  .int('quantity must be a whole number')
  .min(1, 'quantity must be at least 1')
  .max(99, 'quantity must be at most 99')
  .openapi({ example: 2 })

export const CartTokenHeaderSchema = z.object({
  'x-cart-token': z
    .string()
    .regex(CART_TOKEN_PATTERN, 'X-Cart-Token must be a token this API issued')
    .optional()
    .openapi({ description: 'Guest cart token, from a previous X-Cart-Token response header', example: 'cart_…' }),
})

export const MergeHeaderSchema = z.object({
  'x-cart-token': z
    .string()
    .regex(CART_TOKEN_PATTERN, 'X-Cart-Token must be a token this API issued')
    .openapi({ description: 'The guest cart to merge into the signed-in user’s cart' }),
})

export const CartQuerySchema = z.object({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code')
    .optional()
    .openapi({ description: 'Destination country, for tax and shipping', example: 'US' }),
  region: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,10}$/)
    .optional()
    .openapi({ example: 'CA' }),
  postal_code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .optional()
    .openapi({ description: 'Destination postal code, for live carrier rates', example: 'N1 1AA' }),
  shipping_method_id: z.string().min(1).max(64).optional(),
  discount_code: z.string().min(1).max(64).optional().openapi({ example: 'WELCOME10' }),
})

export const AddItemBodySchema = z.object({ variant_id: VariantId, quantity: Quantity }).openapi('CartAddItem')
export const SetQuantityBodySchema = z.object({ quantity: Quantity }).openapi('CartSetQuantity')
export const VariantParamSchema = z.object({ variantId: VariantId })

const ProblemSchema = z.object({ variant_id: z.string().optional(), code: z.string(), message: z.string() })

export const CartItemSchema = z
  .object({
    variant_id: z.string(),
    product_id: z.string().nullable(),
    seller_id: z.string().nullable(),
    product_name: z.string().nullable(),
    variant_name: z.string().nullable(),
    sku: z.string().nullable(),
    product_slug: z.string().nullable(),
    image_url: z.string().nullable(),
    unit_price: z.number().int().nullable().openapi({ description: 'Current catalog price; null when unavailable' }),
    price_at_add: z.number().int().openapi({ description: 'Unit price when the line was added or last changed' }),
    quantity: z.number().int(),
    priced_quantity: z.number().int().openapi({ description: 'Quantity in the totals: capped by stock, 0 if unavailable' }),
    available_stock: z.number().int(),
    subtotal: z.number().int(),
    discount: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
    added_at: z.string(),
    available: z.boolean(),
    price_changed: z.object({ old: z.number().int(), new: z.number().int() }).nullable(),
    quantity_capped: z.boolean(),
    problems: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .openapi('CartItem')

export const CartSchema = z
  .object({
    token: z.string().optional().openapi({ description: 'Guest carts only: send it back as X-Cart-Token' }),
    currency: z.string().nullable(),
    items: z.array(CartItemSchema),
    item_count: z.number().int(),
    subtotal: z.number().int(),
    discount: z.number().int(),
    tax: z.number().int(),
    shipping: z.number().int(),
    total: z.number().int(),
    tax_inclusive: z.boolean(),
    discount_code: z.string().nullable(),
    shipping_method: z.object({ id: z.string(), name: z.string() }).nullable(),
    shipping_quote: ShippingQuoteSchema.nullable().openapi({
      description: 'Carrier methods: the rate charged and its quote id for checkout',
    }),
    problems: z.array(ProblemSchema),
  })
  .openapi('Cart')

export const CartChangeSchema = CartSchema.extend({
  changed: z
    .object({ variant_id: z.string(), quantity: z.number().int(), capped: z.boolean() })
    .openapi({ description: 'The line just written; capped=true when stock (or 99) limited the quantity' }),
}).openapi('CartChange')

export const MergeResultSchema = CartSchema.extend({
  merged: z.array(z.string()),
  dropped: z.array(z.string()).openapi({ description: 'Guest lines that could not be merged (unavailable, no stock)' }),
}).openapi('CartMerge')
