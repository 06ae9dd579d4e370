import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { ftsQuery } from '../../src/modules/catalog/fts'
import { sniffImageType } from '../../src/modules/catalog/image-types'
import {
  getProductForSync,
  getVariantsForPricing,
  invalidateAfterStockChange,
  refreshProductAggregates,
} from '../../src/modules/catalog/service'
import { nextFreeSlug, slugify } from '../../src/modules/catalog/slug'
import { productVariants } from '../../src/modules/catalog/tables'
import { api, createUser } from '../helpers'
import { makeProduct, sku } from './fixtures'
import { eq, sql } from 'drizzle-orm'

describe('service contract for other modules', () => {
  it('getVariantsForPricing returns current facts in the order asked, skipping unknown ids', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller, {
      name: 'Tea Set',
      currency: 'EUR',
      variants: [
        { sku: sku(), name: 'Small', price: 1500, stock: 2, attributes: { size: 'S' } },
        { sku: sku(), name: 'Large', price: 2500, stock: 0 },
      ],
    })
    const [small, large] = p.variants
    const rows = await getVariantsForPricing(getDb(env), [large!.id, 'var_missing', small!.id, large!.id])
    expect(rows).toEqual([
      expect.objectContaining({ variant_id: large!.id, price: 2500, stock: 0, variant_name: 'Large' }),
      {
        variant_id: small!.id,
        product_id: p.id,
        product_name: 'Tea Set',
        product_slug: p.slug,
        product_status: 'active',
        seller_id: seller.id,
        sku: small!.sku,
        variant_name: 'Small',
        price: 1500,
        currency: 'EUR',
        stock: 2,
        weight_grams: 0,
        attributes: { size: 'S' },
        image_url: null,
      },
    ])
    expect(await getVariantsForPricing(getDb(env), [])).toEqual([])
  })

  it('getProductForSync returns any status, null when missing', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller, { status: 'draft' })
    const synced = await getProductForSync(getDb(env), p.id)
    expect(synced).toMatchObject({ id: p.id, status: 'draft', seller_id: seller.id })
    expect(synced!.variants).toHaveLength(1)
    expect(await getProductForSync(getDb(env), 'prd_missing')).toBeNull()
  })

  it('a foreign batch with a stock change, refreshProductAggregates, then invalidateAfterStockChange invalidates cached reads', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller, { variants: [{ sku: sku(), price: 100, stock: 10 }] })
    await api('GET', `/api/v1/products/${p.id}`)
    expect((await api('GET', `/api/v1/products/${p.id}`)).headers.get('X-Cache')).toBe('HIT')
    const db = getDb(env)
    // What checkout does: the decrement and the aggregates atomically, then the invalidation.
    await db.batch([
      db.update(productVariants).set({ stock: sql`stock - 3` }).where(eq(productVariants.id, p.variants[0]!.id)),
      refreshProductAggregates(db, [p.id]),
    ])
    await invalidateAfterStockChange(env, db, [{ product_id: p.id, quantity: 3 }], 'reserved')
    const after = await api('GET', `/api/v1/products/${p.id}`)
    expect(after.headers.get('X-Cache')).toBe('MISS')
    expect(after.body).toMatchObject({ stock_total: 7 })
    expect(after.body.variants[0].stock).toBe(7)
  })
})

describe('helpers', () => {
  it('slugify transliterates Cyrillic and Kazakh and strips accents', () => {
    expect(slugify('Кофе Арабика 250 г')).toBe('kofe-arabika-250-g')
    expect(slugify('Щётка для обуви')).toBe('shchetka-dlya-obuvi')
    expect(slugify('Қазақша Әліпби')).toBe('qazaqsha-alipbi')
    expect(slugify('Crème Brûlée — 2 pcs!')).toBe('creme-brulee-2-pcs')
    expect(slugify('!!!', 'product')).toBe('product')
    expect(slugify('x'.repeat(200)).length).toBeLessThanOrEqual(80)
    expect(nextFreeSlug('mug', ['mug', 'mug-2', 'mug-4'])).toBe('mug-3')
  })

  it('ftsQuery quotes every token and prefixes the last', () => {
    expect(ftsQuery('red mug')).toBe('"red" "mug"*')
    expect(ftsQuery('"foo AND (')).toBe('"foo" "AND"*')
    expect(ftsQuery('name:bar*')).toBe('"name" "bar"*')
    expect(ftsQuery('(*)')).toBeNull()
    expect(ftsQuery('кофе')).toBe('"кофе"*')
  })

  it('sniffs image magic numbers', () => {
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg')
    expect(sniffImageType(new TextEncoder().encode('GIF89a......'))).toBe('image/gif')
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp')
    expect(sniffImageType(Uint8Array.from([0, 0, 0, 0x1c, ...new TextEncoder().encode('ftypavif\0\0\0\0avifmif1miaf')]))).toBe('image/avif')
    expect(sniffImageType(Uint8Array.from([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypmp42\0\0\0\0mp42isom')]))).toBeNull()
    expect(sniffImageType(new TextEncoder().encode('<svg></svg>'))).toBeNull()
  })
})
