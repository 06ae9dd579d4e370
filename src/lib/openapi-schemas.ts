import { z } from '@hono/zod-openapi'
import { ERROR_STATUS } from './errors'

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).passthrough()).optional(),
      request_id: z.string().optional(),
    }),
  })
  .openapi('Error')

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
})

/** Reusable response entries for createRoute({ responses: { ...errors(400, 401) } }). */
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429)[]) {
  const text: Record<number, string> = {
    400: 'Invalid input',
    401: 'Missing or invalid access token',
    403: 'Not allowed for this role or owner',
    404: 'Not found',
    409: 'Conflict with the current state',
    413: 'Payload too large',
    415: 'Unsupported media type',
    422: 'Semantically invalid',
    429: 'Too many requests',
  }
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(text[s]!)])) as Record<
    (typeof statuses)[number],
    ReturnType<typeof errorResponse>
  >
}

export const jsonContent = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})

export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})

export const IdParamSchema = z.object({ id: z.string().min(1).max(64) })

export const bearerSecurity = [{ bearerAuth: [] }]
