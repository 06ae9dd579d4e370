import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { pageOf } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { invalidateCatalogTags, LIST_TAG, productTags } from './cache'
import { listReviewsForStaff, moderateReview } from './reviews'
import { AdminReviewListQuerySchema, AdminReviewSchema, ReviewHideSchema, ReviewRestoreSchema, type AdminReview } from './schema'

const common = { tags: ['admin reviews'], ...authRoute({ roles: ['staff', 'admin'] }) }

/** The product's rating and review list changed: drop its cached pages and the lists that sort by rating. */
async function invalidate(c: Context<AppEnv>, review: AdminReview) {
  await invalidateCatalogTags(c.env, [LIST_TAG, ...(await productTags(c.get('db'), [review.product_id]))])
}

/** Mounted at /api/v1: staff moderation of product reviews. */
export const reviewAdminRoutes = createRouter()
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/admin/reviews',
      summary: 'Every review, newest first, with product and author (filter by state and product)',
      request: { query: AdminReviewListQuerySchema },
      responses: { 200: jsonContent(pageOf(AdminReviewSchema), 'A page of reviews'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listReviewsForStaff(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/admin/reviews/{id}/hide',
      summary: "Hide a review: it leaves the public list and the product's rating (idempotent; the reason is recorded)",
      request: { params: IdParamSchema, ...jsonBody(ReviewHideSchema) },
      responses: { 200: jsonContent(AdminReviewSchema, 'The review, hidden'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const review = await moderateReview(c.get('db'), currentUser(c), c.req.valid('param').id, 'hidden', c.req.valid('json').reason)
      await invalidate(c, review)
      return c.json(review, 200)
    },
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/admin/reviews/{id}/restore',
      summary: "Restore a hidden review: it is listed and counted in the product's rating again (idempotent)",
      request: { params: IdParamSchema, ...jsonBody(ReviewRestoreSchema) },
      responses: { 200: jsonContent(AdminReviewSchema, 'The review, published'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const review = await moderateReview(
        c.get('db'),
        currentUser(c),
        c.req.valid('param').id,
        'published',
        c.req.valid('json').reason ?? null,
      )
      await invalidate(c, review)
      return c.json(review, 200)
    },
  )
