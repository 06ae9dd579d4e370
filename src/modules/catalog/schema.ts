import { z } from '@hono/zod-openapi'
import { CurrencySchema } from '../../lib/money'
import { PageQuerySchema } from '../../lib/pagination'
import { SLUG_PATTERN } from './slug'
import { REVIEW_STATUSES } from './tables'

const Amount = z.number().int().min(0).max(1_000_000_000_00)
const SlugSchema = z.string().max(80).regex(SLUG_PATTERN, 'slug must be lower-case latin letters, digits and single hyphens')
const Timestamp = z.string().openapi({ example: '2026-11-21T10:00:00.000Z' })

export const IdOrSlugParamSchema = z.object({
  idOrSlug: z
    .string()
    .min(1)
    .max(120)
    .openapi({ param: { name: 'idOrSlug', in: 'path' }, example: 'kofe-arabika-250-g' }),
})
export const ProductIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(120)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Product id (or slug on public routes)' }),
})
export const VariantParamSchema = ProductIdParamSchema.extend({
  variantId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'variantId', in: 'path' } }),
})
export const ImageParamSchema = ProductIdParamSchema.extend({
  imageId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'imageId', in: 'path' } }),
})

// ---- categories

export const CategorySchema = z
  .object({
    id: z.string(),
    parent_id: z.string().nullable(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    position: z.number().int(),
    /** Active products directly in this category. */
    product_count: z.number().int(),
    /** Active products in this category and all its subcategories. */
    total_product_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Category')

export const CategoryTreeNodeSchema = CategorySchema.extend({
  children: z.array(z.unknown()).openapi({ description: 'Child categories, each a CategoryTreeNode' }),
}).openapi('CategoryTreeNode')

export const CategoryListQuerySchema = z.object({
  format: z.enum(['tree', 'flat']).default('tree').openapi({ description: 'tree: nested children; flat: one list with parent_id' }),
})

export const CategoryDetailSchema = CategorySchema.extend({
  ancestors: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string() })),
  children: z.array(CategorySchema),
}).openapi('CategoryDetail')

export const CategoryCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    slug: SlugSchema.optional(),
    parent_id: z.string().max(64).nullable().optional(),
    description: z.string().max(2000).nullable().optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
  })
  .openapi('CategoryCreate')

export const CategoryUpdateSchema = CategoryCreateSchema.partial().openapi('CategoryUpdate')

// ---- products

const AttributeValue = z.union([z.string().max(200), z.number(), z.boolean()])
const Attributes = z
  .record(z.string().min(1).max(64), AttributeValue)
  .refine((o) => Object.keys(o).length <= 30, 'at most 30 attributes')
  .openapi({ example: { size: 'M', color: 'red' } })

export const VariantSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    price: z.number().int().openapi({ description: 'Minor units of the product currency' }),
    compare_at_price: z.number().int().nullable(),
    currency: z.string(),
    stock: z.number().int(),
    attributes: z.record(z.string(), AttributeValue),
    weight_grams: z.number().int(),
    position: z.number().int(),
  })
  .openapi('Variant')

export const ImageSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ example: '/images/products/prd_x/img_y.jpg' }),
    key: z.string(),
    content_type: z.string(),
    size: z.number().int(),
    alt: z.string().nullable(),
    position: z.number().int(),
  })
  .openapi('ProductImage')

const RatingSchema = z.object({
  average: z.number().openapi({ description: 'Mean rating, two decimals; 0 when unrated', example: 4.25 }),
  count: z.number().int(),
})

const ProductStatus = z.enum(['draft', 'active', 'archived'])

export const ProductSummarySchema = z
  .object({
    id: z.string(),
    seller_id: z.string(),
    category_id: z.string().nullable(),
    name: z.string(),
    slug: z.string(),
    status: ProductStatus,
    currency: z.string(),
    price_min: z.number().int(),
    price_max: z.number().int(),
    stock_total: z.number().int(),
    in_stock: z.boolean(),
    rating: RatingSchema,
    image_url: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('ProductSummary')

export const ProductSchema = ProductSummarySchema.omit({ image_url: true })
  .extend({
    seller_name: z.string().nullable().openapi({ description: 'The seller’s display name' }),
    description: z.string(),
    category: z.object({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
    variants: z.array(VariantSchema),
    images: z.array(ImageSchema),
  })
  .openapi('Product')

export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating'] as const
export type ProductSort = (typeof SORTS)[number]

export const ProductListQuerySchema = PageQuerySchema.extend({
  q: z.string().max(200).optional().openapi({ description: 'Full-text search over name and description' }),
  category: z.string().max(120).optional().openapi({ description: 'Category id or slug; includes all subcategories' }),
  min_price: z.coerce.number().int().min(0).optional().openapi({ description: 'Lowest price_min, minor units' }),
  max_price: z.coerce.number().int().min(0).optional().openapi({ description: 'Highest price_min, minor units' }),
  sort: z.enum(SORTS).optional().openapi({ description: 'Default: relevance when q is given, otherwise newest' }),
  in_stock: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .openapi({ description: 'true: only products with at least one variant in stock (filtered in the query, so every page is full)' }),
})

export const ManageProductListQuerySchema = ProductListQuerySchema.extend({
  status: ProductStatus.optional(),
  seller_id: z.string().max(64).optional().openapi({ description: 'Staff/admin only: one seller' }),
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: 'Products with a variant whose SKU contains this text (case-insensitive)' }),
})

export const VariantCreateSchema = z
  .object({
    sku: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._\-/]+$/, 'sku may contain letters, digits and . _ - /'),
    name: z.string().trim().min(1).max(120).optional(),
    price: Amount,
    compare_at_price: Amount.nullable().optional(),
    stock: z.number().int().min(0).max(1_000_000_000).optional(),
    attributes: Attributes.optional(),
    weight_grams: z.number().int().min(0).max(10_000_000).optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('VariantCreate')

export const VariantUpdateSchema = VariantCreateSchema.partial().openapi('VariantUpdate')

/** Why stock was changed by hand, recorded in the stock history. */
export const STOCK_REASONS = ['received', 'damaged', 'recount', 'returned', 'other'] as const

const StockReasonFields = {
  reason: z
    .enum(STOCK_REASONS)
    .optional()
    .openapi({ description: 'Why: received, damaged, recount, returned or other (then with a note). The dashboard always sends one.' }),
  note: z.string().trim().min(1).max(500).optional().openapi({ description: 'Free text; required when the reason is other' }),
}

export const StockChangeSchema = z
  .union([
    z.object({ stock: z.number().int().min(0).max(1_000_000_000), ...StockReasonFields }).strict(),
    z.object({ delta: z.number().int().min(-1_000_000_000).max(1_000_000_000), ...StockReasonFields }).strict(),
  ])
  .superRefine((c, ctx) => {
    if (c.reason === 'other' && !c.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required when the reason is other' })
  })
  .openapi('StockChange', { description: 'Either set stock to an absolute value or adjust it by a delta, with the reason recorded' })

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().openapi({
    description: 'Makes a retry of the same change apply once; reusing it for a different change is 409',
  }),
})

export const StockAdjustmentSchema = z
  .object({
    id: z.string(),
    variant_id: z.string(),
    user_id: z.string(),
    user_name: z.string().nullable().openapi({ description: 'Who changed the stock, by display name' }),
    kind: z.enum(['set', 'delta']),
    quantity: z.number().int().openapi({ description: 'The new stock for set, the signed change for delta' }),
    reason: z.enum(STOCK_REASONS).nullable().openapi({ description: 'Why, when the change gave one' }),
    note: z.string().nullable(),
    idempotency_key: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi('StockAdjustment')

export const ProductCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: SlugSchema.optional(),
    description: z.string().max(20_000).optional(),
    category_id: z.string().max(64).nullable().optional(),
    status: ProductStatus.optional(),
    currency: CurrencySchema,
    /** Staff/admin routes only: whose product this is (defaults to the caller). */
    seller_id: z.string().max(64).optional(),
    variants: z.array(VariantCreateSchema).min(1).max(100),
  })
  .openapi('ProductCreate')

export const ProductUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: SlugSchema,
    description: z.string().max(20_000),
    category_id: z.string().max(64).nullable(),
    status: ProductStatus,
    currency: CurrencySchema,
  })
  .partial()
  .openapi('ProductUpdate')

// ---- reviews

export const ReviewSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    rating: z.number().int(),
    title: z.string().nullable(),
    body: z.string().nullable(),
    verified_purchase: z.boolean().openapi({
      description:
        'The author bought the product (a paid order of theirs has it). Every review posted through the API is; demo reviews are not.',
    }),
    created_at: Timestamp,
  })
  .openapi('Review')

export const ReviewStatusSchema = z.enum(REVIEW_STATUSES).openapi('ReviewStatus')

/** A review as staff see it: the author, the product, and its moderation state. */
export const AdminReviewSchema = ReviewSchema.extend({
  product_name: z.string(),
  user_id: z.string(),
  author_name: z.string(),
  order_id: z.string().nullable(),
  status: ReviewStatusSchema,
  moderated_at: Timestamp.nullable(),
  moderated_by: z.string().nullable(),
  moderation_reason: z.string().nullable(),
}).openapi('AdminReview')

export const AdminReviewListQuerySchema = PageQuerySchema.extend({
  status: ReviewStatusSchema.optional(),
  product_id: z.string().min(1).max(64).optional(),
})

export const ReviewHideSchema = z
  .object({ reason: z.string().trim().min(1).max(500).openapi({ example: 'Contains personal data' }) })
  .openapi('ReviewHide')

export const ReviewRestoreSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).openapi('ReviewRestore')

export const ReviewCreateSchema = z
  .object({
    rating: z.number().int().min(1).max(5),
    title: z.string().trim().max(200).optional(),
    body: z.string().trim().max(5000).optional(),
  })
  .openapi('ReviewCreate')

export type CategoryCreate = z.infer<typeof CategoryCreateSchema>
export type CategoryUpdate = z.infer<typeof CategoryUpdateSchema>
export type Category = z.infer<typeof CategorySchema>
export type CategoryDetail = z.infer<typeof CategoryDetailSchema>
export type ProductSummary = z.infer<typeof ProductSummarySchema>
export type Product = z.infer<typeof ProductSchema>
export type Variant = z.infer<typeof VariantSchema>
export type ProductImage = z.infer<typeof ImageSchema>
export type ProductCreate = z.infer<typeof ProductCreateSchema>
export type ProductUpdate = z.infer<typeof ProductUpdateSchema>
export type VariantCreate = z.infer<typeof VariantCreateSchema>
export type VariantUpdate = z.infer<typeof VariantUpdateSchema>
export type StockChange = z.infer<typeof StockChangeSchema>
export type Review = z.infer<typeof ReviewSchema>
export type ReviewCreate = z.infer<typeof ReviewCreateSchema>
export type AdminReview = z.infer<typeof AdminReviewSchema>
export type AdminReviewListQuery = z.infer<typeof AdminReviewListQuerySchema>
export type ProductListQuery = z.infer<typeof ProductListQuerySchema>
