import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv, Role } from '../../lib/context'
import { AppError, badRequest, forbidden, notFound } from '../../lib/errors'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { pageOf, PageQuerySchema } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import type { ApiScope } from '../accounts/scopes'
import { authRoute, currentUser } from '../accounts/middleware'
import { deleteImage, deleteImageObjects, type ImageUpload, uploadImage } from './images'
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from './image-types'
import { notifyCatalogChange } from './notify'
import {
  addVariant,
  createProduct,
  deleteProduct,
  deleteVariant,
  getProduct,
  updateProduct,
  updateVariant,
  type WriteScope,
} from './products'
import {
  IdempotencyHeaderSchema,
  ImageParamSchema,
  ImageSchema,
  ManageProductListQuerySchema,
  ProductCreateSchema,
  ProductIdParamSchema,
  ProductSchema,
  ProductSummarySchema,
  ProductUpdateSchema,
  StockAdjustmentSchema,
  StockChangeSchema,
  VariantCreateSchema,
  VariantParamSchema,
  VariantUpdateSchema,
} from './schema'
import { searchProducts } from './search'
import { changeStock, listStockAdjustments } from './stock'

const Deleted = z.object({ deleted: z.literal(true) })

/** Read the upload from multipart/form-data (`file`, optional `alt`) or a raw image body. */
async function readUpload(c: Context<AppEnv>): Promise<ImageUpload> {
  // Refuse early on the declared length; the real size is checked again after reading.
  const declaredLength = Number(c.req.header('content-length') ?? 0)
  if (declaredLength > MAX_IMAGE_BYTES + 64 * 1024)
    throw new AppError('payload_too_large', `Images are limited to ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)
  const contentType = c.req.header('content-type') ?? ''
  if (/^multipart\/form-data/i.test(contentType)) {
    let form: FormData
    try {
      form = await c.req.raw.formData()
    } catch {
      throw badRequest('Malformed multipart body')
    }
    const file = form.get('file')
    if (file === null || typeof file === 'string')
      throw badRequest('The multipart body needs a "file" part', [{ path: 'file', message: 'required' }])
    const alt = form.get('alt')
    return { bytes: new Uint8Array(await file.arrayBuffer()), declaredType: file.type, alt: typeof alt === 'string' ? alt : undefined }
  }
  if (!contentType)
    throw new AppError('unsupported_media_type', 'Send multipart/form-data with a "file" part, or the image bytes with their Content-Type')
  return { bytes: new Uint8Array(await c.req.arrayBuffer()), declaredType: contentType, alt: c.req.query('alt') }
}

/**
 * Product management for one audience: sellers (/seller/products, own products only; another
 * seller's product answers 404) or staff/admin (/admin/products, every product). Same endpoints,
 * same behaviour, different scope.
 */
function productManagementRoutes(kind: 'seller' | 'admin') {
  const base = kind === 'seller' ? '/seller/products' : '/admin/products'
  const roles: Role[] = kind === 'seller' ? ['seller', 'admin'] : ['staff', 'admin']
  const tags = [kind === 'seller' ? 'seller products' : 'admin products']
  // The admin routes admit API keys with the matching scope too; the seller routes are for sellers only.
  const access = (scope: ApiScope) => authRoute({ roles, scopes: kind === 'admin' ? [scope] : [] })
  const common = { tags, ...access('products:write') }
  const reading = { tags, ...access('products:read') }
  const stocking = { tags, ...access('stock:write') }
  const who = kind === 'seller' ? 'your' : 'any'
  const scopeOf = (c: Context<AppEnv>): WriteScope => {
    const actorId = currentUser(c).id
    return kind === 'seller' ? { actorId, sellerId: actorId } : { actorId }
  }

  return createRouter()
    .openapi(
      createRoute({
        ...reading,
        method: 'get',
        path: base,
        summary: `List ${who} products (any status; same filters and sorts as the public list)`,
        request: { query: kind === 'seller' ? ManageProductListQuerySchema.omit({ seller_id: true }) : ManageProductListQuerySchema },
        responses: { 200: jsonContent(pageOf(ProductSummarySchema), 'A page of products'), ...errors(400, 401, 403, 404) },
      }),
      async (c) => {
        const query: z.infer<typeof ManageProductListQuerySchema> = c.req.valid('query')
        const sellerId = kind === 'seller' ? currentUser(c).id : query.seller_id
        return c.json(await searchProducts(c.get('db'), { ...query, sellerId }), 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: base,
        summary: 'Create a product with at least one variant',
        description:
          'The slug is generated from the name (Cyrillic transliterated, "-2", "-3"… on collision) unless given; ' +
          'a given slug that exists is 409 slug_taken, a duplicate SKU 409 sku_taken. Status defaults to draft.' +
          (kind === 'admin' ? ' seller_id chooses the owner (default: the caller).' : ''),
        request: jsonBody(ProductCreateSchema),
        responses: { 201: jsonContent(ProductSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const user = currentUser(c)
        if (kind === 'seller' && input.seller_id && input.seller_id !== user.id)
          throw forbidden('Sellers create products only for themselves')
        const product = await createProduct(c.get('db'), input.seller_id ?? user.id, input)
        notifyCatalogChange(c, [product.id], 'product.created')
        return c.json(product, 201)
      },
    )
    .openapi(
      createRoute({
        ...reading,
        method: 'get',
        path: `${base}/{id}`,
        summary: `One of ${who} products, any status`,
        request: { params: ProductIdParamSchema },
        responses: { 200: jsonContent(ProductSchema, 'The product'), ...errors(401, 403, 404) },
      }),
      async (c) => {
        const product = await getProduct(c.get('db'), c.req.valid('param').id, scopeOf(c))
        if (!product) throw notFound('Product')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'patch',
        path: `${base}/{id}`,
        summary: 'Edit name, slug, description, category, status (draft|active|archived) or currency',
        request: { params: ProductIdParamSchema, ...jsonBody(ProductUpdateSchema) },
        responses: { 200: jsonContent(ProductSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 422) },
      }),
      async (c) => {
        const product = await updateProduct(c.get('db'), c.req.valid('param').id, scopeOf(c), c.req.valid('json'))
        notifyCatalogChange(c, [product.id], 'product.updated')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/{id}/archive`,
        summary: 'Archive a product (hidden from the store, kept for orders)',
        request: { params: ProductIdParamSchema },
        responses: { 200: jsonContent(ProductSchema, 'Archived'), ...errors(401, 403, 404) },
      }),
      async (c) => {
        const product = await updateProduct(c.get('db'), c.req.valid('param').id, scopeOf(c), { status: 'archived' })
        notifyCatalogChange(c, [product.id], 'product.archived')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'delete',
        path: `${base}/{id}`,
        summary: 'Delete a draft or archived product and its images (409 while active or referenced by orders)',
        request: { params: ProductIdParamSchema },
        responses: { 200: jsonContent(Deleted, 'Deleted'), ...errors(401, 403, 404, 409) },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const keys = await deleteProduct(c.get('db'), id, scopeOf(c))
        await deleteImageObjects(c.env.IMAGES, keys)
        notifyCatalogChange(c, [id], 'product.deleted')
        return c.json({ deleted: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/{id}/variants`,
        summary: 'Add a variant (SKU unique across the store)',
        request: { params: ProductIdParamSchema, ...jsonBody(VariantCreateSchema) },
        responses: { 201: jsonContent(ProductSchema, 'The product with the new variant'), ...errors(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const product = await addVariant(c.get('db'), c.req.valid('param').id, scopeOf(c), c.req.valid('json'))
        notifyCatalogChange(c, [product.id], 'variant.created')
        return c.json(product, 201)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'patch',
        path: `${base}/{id}/variants/{variantId}`,
        summary: 'Edit a variant: sku, name, price, compare_at_price, stock (absolute), attributes, weight, position',
        request: { params: VariantParamSchema, ...jsonBody(VariantUpdateSchema) },
        responses: { 200: jsonContent(ProductSchema, 'The product'), ...errors(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id, variantId } = c.req.valid('param')
        const product = await updateVariant(c.get('db'), id, variantId, scopeOf(c), c.req.valid('json'))
        notifyCatalogChange(c, [product.id], 'variant.updated')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...stocking,
        method: 'post',
        path: `${base}/{id}/variants/{variantId}/stock`,
        summary: 'Set stock ({"stock": n}) or adjust it ({"delta": ±n}; 409 out_of_stock below zero)',
        description:
          'Recorded in the variant stock history. With an Idempotency-Key header a retry of the same change is applied ' +
          'once and answers with the current product and `Idempotent-Replayed: true`.',
        request: { params: VariantParamSchema, headers: IdempotencyHeaderSchema, ...jsonBody(StockChangeSchema) },
        responses: { 200: jsonContent(ProductSchema, 'The product'), ...errors(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id, variantId } = c.req.valid('param')
        const key = c.req.valid('header')['idempotency-key']
        const { product, replayed } = await changeStock(c.get('db'), id, variantId, scopeOf(c), c.req.valid('json'), key)
        if (replayed) c.header('Idempotent-Replayed', 'true')
        else notifyCatalogChange(c, [product.id], 'stock.changed')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...reading,
        method: 'get',
        path: `${base}/{id}/variants/{variantId}/stock`,
        summary: "A variant's manual stock changes, newest first (who, set/delta, quantity, when)",
        request: { params: VariantParamSchema, query: PageQuerySchema },
        responses: { 200: jsonContent(pageOf(StockAdjustmentSchema), 'Stock history'), ...errors(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id, variantId } = c.req.valid('param')
        const { limit, cursor } = c.req.valid('query')
        return c.json(await listStockAdjustments(c.get('db'), id, variantId, scopeOf(c), limit, cursor), 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'delete',
        path: `${base}/{id}/variants/{variantId}`,
        summary: 'Delete a variant (409 for the last one)',
        request: { params: VariantParamSchema },
        responses: { 200: jsonContent(ProductSchema, 'The product'), ...errors(401, 403, 404, 409) },
      }),
      async (c) => {
        const { id, variantId } = c.req.valid('param')
        const product = await deleteVariant(c.get('db'), id, variantId, scopeOf(c))
        notifyCatalogChange(c, [product.id], 'variant.deleted')
        return c.json(product, 200)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/{id}/images`,
        summary: 'Upload an image (multipart "file" field, or the raw bytes with their Content-Type)',
        description: `Accepted: ${Object.keys(IMAGE_TYPES).join(', ')}; at most 5 MB (413); other types or bytes that do not match the type: 415. Served at the returned url with immutable cache headers.`,
        request: {
          params: ProductIdParamSchema,
          body: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: { file: { type: 'string', format: 'binary' }, alt: { type: 'string' } },
                  required: ['file'],
                },
              },
              'image/*': { schema: { type: 'string', format: 'binary' } },
            },
          },
        },
        responses: { 201: jsonContent(ImageSchema, 'Stored'), ...errors(400, 401, 403, 404, 409, 413, 415) },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const image = await uploadImage(c.get('db'), c.env.IMAGES, id, scopeOf(c), await readUpload(c))
        notifyCatalogChange(c, [id], 'image.added')
        return c.json(image, 201)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'delete',
        path: `${base}/{id}/images/{imageId}`,
        summary: 'Remove an image from the product and from R2',
        request: { params: ImageParamSchema },
        responses: { 200: jsonContent(Deleted, 'Deleted'), ...errors(401, 403, 404) },
      }),
      async (c) => {
        const { id, imageId } = c.req.valid('param')
        await deleteImage(c.get('db'), c.env.IMAGES, id, imageId, scopeOf(c))
        notifyCatalogChange(c, [id], 'image.deleted')
        return c.json({ deleted: true as const }, 200)
      },
    )
}

export const sellerProductRoutes = productManagementRoutes('seller')
export const adminProductRoutes = productManagementRoutes('admin')
