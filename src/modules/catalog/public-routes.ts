import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../lib/context'
import { notFound } from '../../lib/errors'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { pageOf, PageQuerySchema } from '../../lib/pagination'
import { spendIp } from '../../lib/ratelimit'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { CATEGORIES_TAG, cachedCatalogRead, productTag } from './cache'
import { categoryTree, getCategoryDetail, listCategories } from './categories'
import { getProduct } from './products'
import { listReviews } from './reviews'
import {
  CategoryDetailSchema,
  CategoryListQuerySchema,
  CategorySchema,
  CategoryTreeNodeSchema,
  IdOrSlugParamSchema,
  ProductIdParamSchema,
  ProductListQuerySchema,
  ProductSchema,
  type ProductListQuery,
  ProductSummarySchema,
  ReviewCreateSchema,
  ReviewSchema,
} from './schema'
import { searchProducts } from './search'
import { postReview } from '../../workflows/reviews'

const cacheHeader = {
  'X-Cache': {
    description: 'HIT when served from the KV catalog cache, MISS otherwise',
    schema: { type: 'string' as const, enum: ['HIT', 'MISS'] },
  },
}
const cached = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ ...jsonContent(schema, description), headers: cacheHeader })

/**
 * A public read through the KV catalog cache: the value as JSON 200, with X-Cache HIT or MISS. The
 * client's per-IP read allowance is spent only on a miss (src/lib/ratelimit.ts, CACHED_READS).
 */
async function cachedJson<T>(c: Context<AppEnv>, kind: string, params: unknown, compute: () => Promise<T>, tags?: readonly string[]) {
  const cache = { env: c.env, db: c.get('db'), onMiss: () => spendIp(c) }
  const { value, hit } = await cachedCatalogRead(cache, kind, params, compute, tags)
  c.header('X-Cache', hit ? 'HIT' : 'MISS')
  return c.json(value, 200)
}

/**
 * Query strings of /products that passed ProductListQuerySchema, with what the schema made of them
 * (per isolate, bounded). Validation is a pure function of the query string, so a string seen valid
 * before is served without running zod again (a few percent of a cached hit's CPU); a string never
 * seen, or one that failed, goes through the validator, so bad input still gets its 400.
 */
const validListQueries = new Map<string, ProductListQuery>()
const VALID_LIST_QUERIES_MAX = 1000
const rawQuery = (url: string) => {
  const at = url.indexOf('?')
  return at < 0 ? '' : url.slice(at)
}
const listProducts = (c: Context<AppEnv>, query: ProductListQuery) =>
  cachedJson(c, 'products', query, () => searchProducts(c.get('db'), { ...query, status: 'active' }))
const knownListQuery = createMiddleware<AppEnv>(async (c, next) => {
  const known = validListQueries.get(rawQuery(c.req.url))
  if (known) return listProducts(c, known)
  await next()
})

export const publicCatalogRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/categories',
      tags: ['catalog'],
      summary: 'The category tree (or a flat list with parent_id), with active product counts',
      request: { query: CategoryListQuerySchema },
      responses: {
        200: cached(z.object({ data: z.union([z.array(CategoryTreeNodeSchema), z.array(CategorySchema)]) }), 'Categories'),
        ...errors(400),
      },
    }),
    async (c) => {
      const { format } = c.req.valid('query')
      const db = c.get('db')
      return cachedJson(c, 'categories', { format }, async () => {
        const flat = await listCategories(db)
        return { data: format === 'tree' ? categoryTree(flat) : flat }
      })
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/categories/{idOrSlug}',
      tags: ['catalog'],
      summary: 'One category with its ancestors (breadcrumb) and children',
      request: { params: IdOrSlugParamSchema },
      responses: { 200: cached(CategoryDetailSchema, 'The category'), ...errors(404) },
    }),
    async (c) => {
      const { idOrSlug } = c.req.valid('param')
      const db = c.get('db')
      return cachedJson(c, 'category', idOrSlug, () => getCategoryDetail(db, idOrSlug))
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/products',
      tags: ['catalog'],
      summary: 'Search and browse active products',
      description:
        'q: full-text search over name and description (every word must match, the last one as a prefix; ' +
        'name matches rank above description matches). category: id or slug, includes subcategories. ' +
        'min_price/max_price filter on the lowest variant price (minor units). in_stock=true: only products in stock. sort: relevance (default with q), ' +
        'newest (default), price_asc, price_desc, rating. Keyset cursor: pass next_cursor back unchanged with the same sort.',
      middleware: knownListQuery,
      request: { query: ProductListQuerySchema },
      responses: { 200: cached(pageOf(ProductSummarySchema), 'A page of products'), ...errors(400, 404) },
    }),
    async (c) => {
      const query = c.req.valid('query')
      if (validListQueries.size >= VALID_LIST_QUERIES_MAX) validListQueries.delete(validListQueries.keys().next().value!)
      validListQueries.set(rawQuery(c.req.url), query)
      return listProducts(c, query)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/products/{idOrSlug}',
      tags: ['catalog'],
      summary: 'An active product with variants, images and rating',
      request: { params: IdOrSlugParamSchema },
      responses: { 200: cached(ProductSchema, 'The product'), ...errors(404) },
    }),
    async (c) => {
      const { idOrSlug } = c.req.valid('param')
      const db = c.get('db')
      return cachedJson(
        c,
        'product',
        idOrSlug,
        async () => {
          const product = await getProduct(db, idOrSlug, { status: 'active' })
          if (!product) throw notFound('Product')
          return product
        },
        [productTag(idOrSlug), CATEGORIES_TAG],
      )
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/products/{id}/reviews',
      tags: ['catalog'],
      summary: "An active product's published reviews, newest first",
      request: { params: ProductIdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(pageOf(ReviewSchema), 'A page of reviews'), ...errors(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { limit, cursor } = c.req.valid('query')
      return c.json(await listReviews(c.get('db'), id, limit, cursor), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/products/{id}/reviews',
      tags: ['catalog'],
      summary: 'Review a product you bought (a paid order of yours includes it; once per user; rating 1-5)',
      ...authRoute(),
      request: { params: ProductIdParamSchema, ...jsonBody(ReviewCreateSchema) },
      responses: { 201: jsonContent(ReviewSchema, 'The review'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      return c.json(await postReview(c.get('db'), currentUser(c), id, c.req.valid('json')), 201)
    },
  )
