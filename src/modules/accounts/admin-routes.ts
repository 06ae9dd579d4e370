import { createRoute } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { pageOf } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from './middleware'
import { AdminUpdateUserBodySchema, AdminUserQuerySchema, AdminUserSchema } from './schema'
import { adminUpdateUser, getUserForAdmin, listUsers } from './service'

const tags = ['admin: users']

export const adminUserRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/users',
      tags,
      ...authRoute({ roles: ['staff', 'admin'] }),
      summary: 'List users (staff, admin)',
      description: 'Newest first; filter by role and by text the email or name contains (q).',
      request: { query: AdminUserQuerySchema },
      responses: { 200: jsonContent(pageOf(AdminUserSchema), 'A page of users'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listUsers(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/users/{id}',
      tags,
      ...authRoute({ roles: ['staff', 'admin'] }),
      summary: 'One user (staff, admin)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(AdminUserSchema, 'The user'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getUserForAdmin(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/admin/users/{id}',
      tags,
      ...authRoute({ roles: ['admin'] }),
      summary: 'Change a user’s role or disable/enable them (admin)',
      description:
        'Disabling revokes every refresh and access token at once; a role change revokes the access tokens, ' +
        'so the next request needs a refresh, which carries the new role. ' +
        'An admin cannot demote or disable themselves, and the last active admin cannot be removed (409).',
      request: { params: IdParamSchema, ...jsonBody(AdminUpdateUserBodySchema) },
      responses: { 200: jsonContent(AdminUserSchema, 'Updated user'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await adminUpdateUser(c.env, c.get('db'), currentUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
