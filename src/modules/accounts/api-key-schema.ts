import { z } from '@hono/zod-openapi'
import { API_SCOPES } from './scopes'

export const ApiScopeSchema = z.enum(API_SCOPES).openapi('ApiScope')

export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'ERP sync' }),
    scopes: z.array(ApiScopeSchema).min(1).max(API_SCOPES.length),
  })
  .strict()
  .openapi('ApiKeyCreate')

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    mode: z.enum(['live', 'test']),
    start: z.string().openapi({ description: 'The first characters of the key, to recognise it', example: 'ec_test_Xh3k' }),
    scopes: z.array(ApiScopeSchema),
    created_by: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable().openapi({ description: 'Recorded at most once a minute' }),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey')

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself: shown only in this answer, store it now', example: 'ec_test_…' }),
}).openapi('ApiKeyCreated')

export const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema) }).openapi('ApiKeyList')
