import { and, asc, eq, or, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation, runBatch } from '../../lib/d1'
import type { Product, ProductCreate, ProductUpdate, VariantCreate, VariantUpdate } from './schema'
import { imageUrl } from './search'
import { nextFreeSlug, slugify, slugLikePattern } from './slug'
import { refreshProductAggregates, stockAdjustmentInsert } from './statements'
import { users } from '../accounts/tables'
import { categories, productImages, products, productVariants } from './tables'

/**
 * Who is writing: `actorId` is the caller (recorded in stock history); with `sellerId` set only
 * that seller's products are reachable (staff/admin leave it unset and reach all).
 */
export interface WriteScope {
  actorId: string
  sellerId?: string
}

export type ProductRow = typeof products.$inferSelect
type VariantRow = typeof productVariants.$inferSelect
type ImageRow = typeof productImages.$inferSelect

const MAX_VARIANTS = 100

export function parseAttributes(json: string): Record<string, string | number | boolean> {
  try {
    const value: unknown = JSON.parse(json)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, string | number | boolean>
  } catch {
    // stored by us, so only a hand edit gets here
  }
  return {}
}

const toVariant = (v: VariantRow, currency: string) => ({
  id: v.id,
  sku: v.sku,
  name: v.name,
  price: v.price,
  compare_at_price: v.compareAtPrice,
  currency,
  stock: v.stock,
  attributes: parseAttributes(v.attributes),
  weight_grams: v.weightGrams,
  position: v.position,
})

export const toImage = (i: ImageRow) => ({
  id: i.id,
  url: imageUrl(i.key),
  key: i.key,
  content_type: i.contentType,
  size: i.size,
  alt: i.alt,
  position: i.position,
})

/**
 * A product with its variants, images, category and rating, by id or slug; undefined when it
 * does not exist or is outside the given status/seller.
 */
export async function getProduct(
  db: DB,
  idOrSlug: string,
  filter: { status?: ProductRow['status']; sellerId?: string } = {},
): Promise<Product | undefined> {
  const row = await db
    .select({ p: products, c: { id: categories.id, name: categories.name, slug: categories.slug }, sellerName: users.name })
    .from(products)
    .leftJoin(categories, eq(categories.id, products.categoryId))
    .leftJoin(users, eq(users.id, products.sellerId))
    .where(
      and(
        or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug)),
        filter.status ? eq(products.status, filter.status) : undefined,
        filter.sellerId ? eq(products.sellerId, filter.sellerId) : undefined,
      ),
    )
    .get()
  if (!row) return undefined
  const p = row.p
  const [variants, images] = await db.batch([
    db
      .select()
      .from(productVariants)
      .where(eq(productVariants.productId, p.id))
      .orderBy(asc(productVariants.position), asc(productVariants.id)),
    db.select().from(productImages).where(eq(productImages.productId, p.id)).orderBy(asc(productImages.position), asc(productImages.id)),
  ])
  return {
    id: p.id,
    seller_id: p.sellerId,
    seller_name: row.sellerName ?? null,
    category_id: p.categoryId,
    category: row.c && row.c.id ? { id: row.c.id, name: row.c.name, slug: row.c.slug } : null,
    name: p.name,
    slug: p.slug,
    description: p.description,
    status: p.status,
    currency: p.currency,
    price_min: p.priceMin,
    price_max: p.priceMax,
    stock_total: p.stockTotal,
    in_stock: p.stockTotal > 0,
    rating: { average: p.ratingAvgX100 / 100, count: p.ratingCount },
    variants: variants.map((v) => toVariant(v, p.currency)),
    images: images.map(toImage),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }
}

/** The product row a writer may touch, or 404: another seller's product does not exist for them. */
export async function productForWrite(db: DB, id: string, scope: WriteScope): Promise<ProductRow> {
  const row = await db
    .select()
    .from(products)
    .where(and(eq(products.id, id), scope.sellerId ? eq(products.sellerId, scope.sellerId) : undefined))
    .get()
  if (!row) throw notFound('Product')
  return row
}

export async function mustGet(db: DB, id: string): Promise<Product> {
  const product = await getProduct(db, id)
  if (!product) throw notFound('Product')
  return product
}

async function assertCategory(db: DB, categoryId: string | null | undefined) {
  if (!categoryId) return
  const row = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()
  if (!row) throw new AppError('unprocessable', 'Category does not exist', [{ path: 'category_id', message: 'unknown category' }])
}

async function freeProductSlug(db: DB, name: string): Promise<string> {
  const base = slugify(name, 'product')
  const taken = await db
    .select({ slug: products.slug })
    .from(products)
    .where(sql`${products.slug} = ${base} OR ${products.slug} LIKE ${slugLikePattern(base)} ESCAPE '\\'`)
  return nextFreeSlug(
    base,
    taken.map((t) => t.slug),
  )
}

function assertDistinctSkus(skus: string[]) {
  const seen = new Set<string>()
  for (const sku of skus) {
    if (seen.has(sku)) throw new AppError('sku_taken', `SKU "${sku}" appears twice in this request`)
    seen.add(sku)
  }
}

const variantValues = (productId: string, v: VariantCreate, position: number, now: string): typeof productVariants.$inferInsert => ({
  id: newId('var'),
  productId,
  sku: v.sku,
  name: v.name ?? v.sku,
  price: v.price,
  compareAtPrice: v.compare_at_price ?? null,
  stock: v.stock ?? 0,
  attributes: JSON.stringify(v.attributes ?? {}),
  weightGrams: v.weight_grams ?? 0,
  position: v.position ?? position,
  createdAt: now,
  updatedAt: now,
})

export function rethrowWriteError(err: unknown, slug?: string): never {
  if (isUniqueViolation(err, 'products.slug')) throw new AppError('slug_taken', `Slug "${slug}" is already used by another product`)
  if (isUniqueViolation(err, 'product_variants.sku')) throw new AppError('sku_taken', 'That SKU is already used by another variant')
  if (isCheckViolation(err, 'product_variants_stock_nonnegative')) throw new AppError('out_of_stock', 'Stock cannot go below zero')
  throw err
}

export async function createProduct(db: DB, sellerId: string, input: ProductCreate): Promise<Product> {
  await assertCategory(db, input.category_id)
  assertDistinctSkus(input.variants.map((v) => v.sku))
  const explicitSlug = input.slug !== undefined
  let slug = input.slug ?? (await freeProductSlug(db, input.name))
  const id = newId('prd')
  for (let attempt = 0; ; attempt++) {
    const now = nowIso()
    try {
      await runBatch(db, [
        db.insert(products).values({
          id,
          sellerId,
          categoryId: input.category_id ?? null,
          name: input.name,
          slug,
          description: input.description ?? '',
          status: input.status ?? 'draft',
          currency: input.currency,
          createdAt: now,
          updatedAt: now,
        }),
        db.insert(productVariants).values(input.variants.map((v, i) => variantValues(id, v, i, now))),
        refreshProductAggregates(db, id),
      ])
      return mustGet(db, id)
    } catch (err) {
      // A generated slug can lose a race with a concurrent create of the same name: retry with a random tail.
      if (!explicitSlug && attempt < 2 && isUniqueViolation(err, 'products.slug')) {
        slug = `${slugify(input.name, 'product')}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`
        continue
      }
      if (isForeignKeyViolation(err))
        throw new AppError('unprocessable', 'seller_id does not name an existing user', [{ path: 'seller_id', message: 'unknown user' }])
      rethrowWriteError(err, slug)
    }
  }
}

export async function updateProduct(db: DB, id: string, scope: WriteScope, patch: ProductUpdate): Promise<Product> {
  const existing = await productForWrite(db, id, scope)
  if (patch.category_id !== undefined) await assertCategory(db, patch.category_id)
  const set: Partial<typeof products.$inferInsert> = { updatedAt: nowIso() }
  if (patch.name !== undefined) set.name = patch.name
  if (patch.slug !== undefined) set.slug = patch.slug
  if (patch.description !== undefined) set.description = patch.description
  if (patch.category_id !== undefined) set.categoryId = patch.category_id
  if (patch.status !== undefined) set.status = patch.status
  if (patch.currency !== undefined) set.currency = patch.currency
  try {
    await runBatch(db, [db.update(products).set(set).where(eq(products.id, existing.id))])
  } catch (err) {
    rethrowWriteError(err, patch.slug)
  }
  return mustGet(db, existing.id)
}

/**
 * Hard delete, for drafts and archived products only: an active product is archived first so
 * shoppers and marketplaces see it go. Returns the R2 keys of its images for the caller to remove.
 */
export async function deleteProduct(db: DB, id: string, scope: WriteScope): Promise<string[]> {
  const existing = await productForWrite(db, id, scope)
  if (existing.status === 'active') throw new AppError('conflict', 'Archive the product (status "archived") before deleting it')
  const images = await db.select({ key: productImages.key }).from(productImages).where(eq(productImages.productId, existing.id))
  try {
    await runBatch(db, [db.delete(products).where(eq(products.id, existing.id))])
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new AppError('conflict', 'The product is referenced by orders; keep it archived instead')
    throw err
  }
  return images.map((i) => i.key)
}

export async function addVariant(db: DB, productId: string, scope: WriteScope, input: VariantCreate): Promise<Product> {
  const product = await productForWrite(db, productId, scope)
  const count = await db.$count(productVariants, eq(productVariants.productId, product.id))
  if (count >= MAX_VARIANTS) throw new AppError('conflict', `A product can have at most ${MAX_VARIANTS} variants`)
  const now = nowIso()
  try {
    await runBatch(db, [
      db.insert(productVariants).values(variantValues(product.id, input, count, now)),
      refreshProductAggregates(db, product.id),
    ])
  } catch (err) {
    rethrowWriteError(err)
  }
  return mustGet(db, product.id)
}

/** `variantId` is a variant of `productId`: the condition for reading or writing that row. */
export const variantOf = (productId: string, variantId: string) =>
  and(eq(productVariants.id, variantId), eq(productVariants.productId, productId))

/** Throws 404 Variant unless `variantId` is a variant of `productId`. */
export async function assertVariantOf(db: DB, productId: string, variantId: string): Promise<void> {
  const own = await db.select({ id: productVariants.id }).from(productVariants).where(variantOf(productId, variantId)).get()
  if (!own) throw notFound('Variant')
}

export async function updateVariant(
  db: DB,
  productId: string,
  variantId: string,
  scope: WriteScope,
  patch: VariantUpdate,
): Promise<Product> {
  const product = await productForWrite(db, productId, scope)
  const set: Partial<typeof productVariants.$inferInsert> = { updatedAt: nowIso() }
  if (patch.sku !== undefined) set.sku = patch.sku
  if (patch.name !== undefined) set.name = patch.name
  if (patch.price !== undefined) set.price = patch.price
  if (patch.compare_at_price !== undefined) set.compareAtPrice = patch.compare_at_price
  if (patch.stock !== undefined) set.stock = patch.stock
  if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes)
  if (patch.weight_grams !== undefined) set.weightGrams = patch.weight_grams
  if (patch.position !== undefined) set.position = patch.position
  // The history row must not be written for a variant of another product.
  if (patch.stock !== undefined) await assertVariantOf(db, product.id, variantId)
  const [updated] = (await runBatch(db, [
    db.update(productVariants).set(set).where(variantOf(product.id, variantId)).returning({ id: productVariants.id }),
    ...(patch.stock !== undefined ? [stockAdjustmentInsert(db, product.id, variantId, scope.actorId, { stock: patch.stock })] : []),
    refreshProductAggregates(db, product.id),
  ]).catch((err: unknown) => {
    if (isForeignKeyViolation(err)) throw notFound('Variant')
    return rethrowWriteError(err)
  })) as [unknown[]]
  if (!updated.length) throw notFound('Variant')
  return mustGet(db, product.id)
}

export async function deleteVariant(db: DB, productId: string, variantId: string, scope: WriteScope): Promise<Product> {
  const product = await productForWrite(db, productId, scope)
  await assertVariantOf(db, product.id, variantId)
  try {
    // The NOT-last-variant guard is in the DELETE itself, so two concurrent deletes cannot empty a product.
    const [deleted] = (await runBatch(db, [
      db
        .delete(productVariants)
        .where(
          and(eq(productVariants.id, variantId), sql`(SELECT COUNT(*) FROM product_variants v WHERE v.product_id = ${product.id}) > 1`),
        )
        .returning({ id: productVariants.id }),
      refreshProductAggregates(db, product.id),
    ])) as [unknown[]]
    if (!deleted.length) throw new AppError('conflict', 'A product needs at least one variant')
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new AppError('conflict', 'The variant is referenced by orders; set its stock to 0 instead')
    throw err
  }
  return mustGet(db, product.id)
}
