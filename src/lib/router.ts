import { OpenAPIHono } from '@hono/zod-openapi'
import type { ZodError } from 'zod'
import type { AppEnv } from './context'
import { errorBody, type ErrorDetail } from './errors'

/** Zod issues rendered as `details` entries: a dotted path and a human message. */
export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }))
}

/**
 * Every module builds its routes on this, so a request that fails its zod schema answers 400 in
 * the common envelope with one detail per problem, and the schema lands in /openapi.json.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target
        return c.json(
          errorBody('validation_error', `Invalid request ${where}`, zodDetails(result.error), c.get('requestId')),
          400,
        )
      }
    },
  })
}
