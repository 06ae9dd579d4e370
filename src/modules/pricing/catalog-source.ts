/**
 * Where pricing gets current prices and stock: the catalog service. Kept in one small adapter so
 * the quote code does not depend on the catalog's exact return shape.
 */
import { inArray, eq } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { productVariants, products } from '../catalog/tables'

export interface PricingVariant {
  variant_id: string
  product_id: string
  seller_id: string
  product_name: string
  variant_name: string
  sku: string
  price: number
  currency: string
  stock: number
  weight_grams: number
  /** Buyable now: the product is active. */
  available: boolean
}

// TEMPORARY until the catalog service exports getVariantsForPricing.
export async function loadPricingVariants(db: DB, ids: string[]): Promise<PricingVariant[]> {
  if (!ids.length) return []
  const rows = await db
    .select({
      variant_id: productVariants.id,
      product_id: products.id,
      seller_id: products.sellerId,
      product_name: products.name,
      variant_name: productVariants.name,
      sku: productVariants.sku,
      price: productVariants.price,
      currency: products.currency,
      stock: productVariants.stock,
      weight_grams: productVariants.weightGrams,
      status: products.status,
    })
    .from(productVariants)
    .innerJoin(products, eq(products.id, productVariants.productId))
    .where(inArray(productVariants.id, ids))
  return rows.map(({ status, ...r }) => ({ ...r, available: status === 'active' }))
}
