import { createRoute, z } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'
import { createCategory, deleteCategory, updateCategory } from './categories'
import { CategoryCreateSchema, CategoryDetailSchema, CategoryUpdateSchema } from './schema'

const common = { tags: ['admin categories'], ...authRoute({ roles: ['staff', 'admin'] }) }

export const categoryAdminRoutes = createRouter()
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/admin/categories',
      summary: 'Create a category (slug generated from the name unless given)',
      request: jsonBody(CategoryCreateSchema),
      responses: { 201: jsonContent(CategoryDetailSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
    }),
    async (c) => c.json(await createCategory(c.get('db'), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/admin/categories/{id}',
      summary: 'Rename, re-slug, move (no cycles) or reorder a category',
      request: { params: IdParamSchema, ...jsonBody(CategoryUpdateSchema) },
      responses: { 200: jsonContent(CategoryDetailSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(await updateCategory(c.get('db'), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/admin/categories/{id}',
      summary: 'Delete an empty category (409 while it has subcategories or products)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      await deleteCategory(c.get('db'), c.req.valid('param').id)
      return c.json({ deleted: true as const }, 200)
    },
  )
