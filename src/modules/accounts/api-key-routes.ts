import { createRoute } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from './middleware'
import { ApiKeyCreatedSchema, ApiKeyCreateSchema, ApiKeyListSchema, ApiKeySchema } from './api-key-schema'
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys'

const common = { tags: ['admin: api keys'], ...authRoute({ roles: ['admin'] }) }

/** Mounted at /api/v1: admins create, list and revoke API keys (keys cannot manage keys). */
export const apiKeyRoutes = createRouter()
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/admin/api-keys',
      summary: 'API keys, newest first (never the key itself)',
      responses: { 200: jsonContent(ApiKeyListSchema, 'The keys'), ...errors(401, 403) },
    }),
    async (c) => c.json({ data: await listApiKeys(c.get('db')) }, 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/admin/api-keys',
      summary: 'Create an API key with scopes; the key is in this answer only',
      description:
        'Send it as `Authorization: Bearer ec_…`. It acts for the creating admin, limited to its scopes, ' +
        'on the routes that list the apiKeyAuth security scheme, with its own rate limit.',
      request: jsonBody(ApiKeyCreateSchema),
      responses: { 201: jsonContent(ApiKeyCreatedSchema, 'The new key'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await createApiKey(c.env, c.get('db'), currentUser(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/admin/api-keys/{id}/revoke',
      summary: 'Revoke an API key (its next request answers 401)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ApiKeySchema, 'The revoked key'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await revokeApiKey(c.get('db'), c.req.valid('param').id), 200),
  )
