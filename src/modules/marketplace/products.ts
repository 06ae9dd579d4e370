import type { DB } from '../../lib/db'
import { getProductForSync, type Product } from '../catalog/service'
import type { SyncProduct } from './marketplace'
import type { SnapshotOffer } from './sync-state'

/** A catalog product as the adapters see it. Relative image URLs are made absolute with `publicBase`. */
export function toSyncProduct(p: Product, publicBase = ''): SyncProduct {
  const brandAttr = p.variants.map((v) => v.attributes.brand).find((b) => typeof b === 'string' && b.trim())
  const base = publicBase.replace(/\/+$/, '')
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    brand: typeof brandAttr === 'string' ? brandAttr : null,
    active: p.status === 'active',
    images: p.images.map((i) => (i.url.startsWith('/') && base ? `${base}${i.url}` : i.url)),
    offers: p.variants.map((v) => ({
      sku: v.sku,
      variant_id: v.id,
      name: v.name,
      price: v.price,
      compare_at_price: v.compare_at_price,
      currency: v.currency || p.currency,
      stock: v.stock,
      weight_grams: v.weight_grams,
    })),
  }
}

/**
 * A product that no longer exists in the catalog, rebuilt from what we last published, inactive:
 * pushing it takes its offers off sale (stock 0) instead of leaving them orphaned on the marketplace.
 */
export function withdrawnProduct(productId: string, snapshot: SnapshotOffer[]): SyncProduct {
  return {
    id: productId,
    name: snapshot[0]?.name ?? productId,
    description: '',
    brand: snapshot[0]?.brand ?? null,
    active: false,
    images: [],
    offers: snapshot.map((o) => ({
      sku: o.sku,
      variant_id: o.variant_id,
      name: o.name,
      price: o.price,
      compare_at_price: o.compare_at_price,
      currency: o.currency,
      stock: 0,
      weight_grams: 0,
    })),
  }
}

export async function loadSyncProducts(db: DB, productIds: string[], publicBase?: string): Promise<Map<string, SyncProduct | null>> {
  const out = new Map<string, SyncProduct | null>()
  for (const id of productIds) {
    const p = await getProductForSync(db, id)
    out.set(id, p ? toSyncProduct(p, publicBase) : null)
  }
  return out
}
