/**
 * The catalog's contract with other modules (cart, pricing, checkout, marketplace sync, seed).
 * Other modules call these functions; they never read the catalog tables directly.
 */
import { sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { parseAttributes, getProduct } from './products'
import type { Product } from './schema'
import { imageUrl } from './search'

export { refreshProductAggregates } from './statements'
export { invalidateAfterStockChange, type StockRow } from './cache'
export { listCategories, categoryTree, getCategoryDetail, createCategory, updateCategory, deleteCategory } from './categories'
export { searchProducts, type ProductSearch } from './search'
export {
  getProduct,
  createProduct,
  updateProduct,
  deleteProduct,
  addVariant,
  updateVariant,
  deleteVariant,
  type WriteScope,
} from './products'
export { uploadImage, deleteImage } from './images'
export { changeStock, listStockAdjustments, type StockAdjustment } from './stock'
export { listReviews } from './reviews'
export type { Product, ProductSummary, Variant, Category } from './schema'

/** What cart/pricing/checkout need to price and reserve one variant. */
export interface PricingVariant {
  variant_id: string
  product_id: string
  product_name: string
  product_slug: string
  product_status: 'draft' | 'active' | 'archived'
  seller_id: string
  sku: string
  variant_name: string
  /** Minor units of `currency`. */
  price: number
  currency: string
  stock: number
  weight_grams: number
  attributes: Record<string, string | number | boolean>
  image_url: string | null
}

interface PricingRow extends Omit<PricingVariant, 'attributes' | 'image_url'> {
  attributes: string
  image_key: string | null
}

// D1 allows 100 bound parameters per statement.
const CHUNK = 90

/**
 * Current price, stock and product facts for the given variant ids, in the order asked, each id
 * once; unknown ids are left out (callers treat a missing id as "no longer sold"). Any product
 * status is returned: callers decide whether a draft/archived product may be bought.
 */
export async function getVariantsForPricing(db: DB, variantIds: readonly string[]): Promise<PricingVariant[]> {
  const ids = [...new Set(variantIds)]
  const found = new Map<string, PricingVariant>()
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK)
    const rows = await db.all<PricingRow>(sql`
      SELECT v.id AS variant_id, v.product_id, p.name AS product_name, p.slug AS product_slug,
        p.status AS product_status, p.seller_id, v.sku, v.name AS variant_name, v.price, p.currency,
        v.stock, v.weight_grams, v.attributes,
        (SELECT i.key FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1) AS image_key
      FROM product_variants v JOIN products p ON p.id = v.product_id
      WHERE v.id IN (${sql.join(
        chunk.map((id) => sql`${id}`),
        sql`, `,
      )})`)
    for (const { image_key, attributes, ...row } of rows) {
      found.set(row.variant_id, { ...row, attributes: parseAttributes(attributes), image_url: image_key ? imageUrl(image_key) : null })
    }
  }
  return ids.flatMap((id) => found.get(id) ?? [])
}

/** A product (any status) with its variants and images, as marketplace sync pushes it; null when deleted. */
export async function getProductForSync(db: DB, productId: string): Promise<Product | null> {
  return (await getProduct(db, productId)) ?? null
}
