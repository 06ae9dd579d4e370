import { and, eq, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { runBatch } from '../../lib/d1'
import { IMAGE_TYPES, isImageType, MAX_IMAGE_BYTES, sniffImageType } from './image-types'
import { productForWrite, toImage, type WriteScope } from './products'
import type { ProductImage } from './schema'
import { productImages } from './tables'

const MAX_IMAGES_PER_PRODUCT = 20
export const IMAGE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

export interface ImageUpload {
  bytes: Uint8Array
  /** The type the client claimed (multipart part type or Content-Type); may be empty. */
  declaredType: string
  alt?: string
}

/**
 * Validate the bytes (size, allowed type, magic numbers agree with the claim), store them in R2
 * under a fresh random key and record the image. Keys are never reused, so served images can be
 * cached forever.
 */
export async function uploadImage(
  db: DB,
  bucket: R2Bucket,
  productId: string,
  scope: WriteScope,
  upload: ImageUpload,
): Promise<ProductImage> {
  const product = await productForWrite(db, productId, scope)
  if (upload.bytes.byteLength > MAX_IMAGE_BYTES)
    throw new AppError('payload_too_large', `Images are limited to ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)
  if (upload.bytes.byteLength === 0) throw badRequest('The image is empty', [{ path: 'file', message: 'no bytes' }])
  const declared = upload.declaredType.split(';')[0]!.trim().toLowerCase()
  const generic = declared === '' || declared === 'application/octet-stream'
  if (!generic && !isImageType(declared)) {
    throw new AppError('unsupported_media_type', `Unsupported image type "${declared}"; use ${Object.keys(IMAGE_TYPES).join(', ')}`)
  }
  const sniffed = sniffImageType(upload.bytes)
  if (!sniffed) throw new AppError('unsupported_media_type', 'The file is not a JPEG, PNG, WebP, GIF or AVIF image')
  if (!generic && sniffed !== declared) throw new AppError('unsupported_media_type', `The file is ${sniffed}, not ${declared}`)
  const count = await db.$count(productImages, eq(productImages.productId, product.id))
  if (count >= MAX_IMAGES_PER_PRODUCT) throw new AppError('conflict', `A product can have at most ${MAX_IMAGES_PER_PRODUCT} images`)

  const id = newId('img')
  const key = `products/${product.id}/${id}.${IMAGE_TYPES[sniffed]}`
  await bucket.put(key, upload.bytes, { httpMetadata: { contentType: sniffed, cacheControl: IMAGE_CACHE_CONTROL } })
  try {
    await runBatch(db, [
      db.insert(productImages).values({
        id,
        productId: product.id,
        key,
        contentType: sniffed,
        size: upload.bytes.byteLength,
        alt: upload.alt?.slice(0, 300) || null,
        position: sql`(SELECT COALESCE(MAX(position) + 1, 0) FROM product_images WHERE product_id = ${product.id})`,
        createdAt: nowIso(),
      }),
    ])
  } catch (err) {
    await bucket.delete(key).catch(() => undefined)
    throw err
  }
  const row = await db.select().from(productImages).where(eq(productImages.id, id)).get()
  if (!row) throw notFound('Image')
  return toImage(row)
}

export async function deleteImage(db: DB, bucket: R2Bucket, productId: string, imageId: string, scope: WriteScope): Promise<void> {
  const product = await productForWrite(db, productId, scope)
  const where = and(eq(productImages.id, imageId), eq(productImages.productId, product.id))
  const image = await db.select().from(productImages).where(where).get()
  if (!image) throw notFound('Image')
  await runBatch(db, [db.delete(productImages).where(where)])
  await deleteImageObjects(bucket, [image.key])
}

/** Remove R2 objects after their D1 rows are gone; a leftover object is harmless, so only log. */
export async function deleteImageObjects(bucket: R2Bucket, keys: string[]): Promise<void> {
  if (!keys.length) return
  try {
    await bucket.delete(keys)
  } catch (err) {
    log('warn', 'image delete from R2 failed', { keys, error: String(err) })
  }
}
