/**
 * Where pricing gets current prices and stock: the catalog service (never its tables). Kept in one
 * small adapter so the quote code depends only on the few facts it needs.
 */
import type { DB } from '../../lib/db'
import { getVariantsForPricing } from '../catalog/service'

export interface PricingVariant {
  variant_id: string
  product_id: string
  seller_id: string
  product_name: string
  product_slug: string
  variant_name: string
  sku: string
  price: number
  currency: string
  stock: number
  weight_grams: number
  image_url: string | null
  /** Buyable now: the product is active (draft and archived products are not sold). */
  available: boolean
}

export async function loadPricingVariants(db: DB, ids: string[]): Promise<PricingVariant[]> {
  if (!ids.length) return []
  const rows = await getVariantsForPricing(db, ids)
  return rows.map((r) => ({
    variant_id: r.variant_id,
    product_id: r.product_id,
    seller_id: r.seller_id,
    product_name: r.product_name,
    product_slug: r.product_slug,
    variant_name: r.variant_name,
    sku: r.sku,
    price: r.price,
    currency: r.currency,
    stock: r.stock,
    weight_grams: r.weight_grams,
    image_url: r.image_url,
    available: r.product_status === 'active',
  }))
}
