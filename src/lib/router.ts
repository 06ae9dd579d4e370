import { OpenAPIHono } from '@hono/zod-openapi'
import type { ZodError } from 'zod'
import type { AppEnv, Role } from './context'
import { errorBody, type ErrorDetail } from './errors'

/** Every role, in the order of increasing power. */
export const ROLES: readonly Role[] = ['customer', 'seller', 'staff', 'admin']

/** The roles a route's auth middleware (authRoute) admits (every role when it names none), if it has one. */
function rolesOf(middleware: unknown): readonly Role[] | undefined {
  for (const m of Array.isArray(middleware) ? middleware : [middleware]) {
    const roles = (m as { roles?: readonly Role[] } | undefined)?.roles
    if (roles) return roles.length ? roles : ROLES
  }
  return undefined
}

/** The scopes an API key needs for a route, if its middleware admits keys. */
function scopesOf(middleware: unknown): readonly string[] | undefined {
  for (const m of Array.isArray(middleware) ? middleware : [middleware]) {
    const scopes = (m as { scopes?: readonly string[] } | undefined)?.scopes
    if (scopes?.length) return scopes
  }
  return undefined
}

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
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target
        return c.json(errorBody('validation_error', `Invalid request ${where}`, zodDetails(result.error), c.get('requestId')), 400)
      }
    },
  })
  // Publish the roles each route's authRoute admits as the operation's `x-roles` (and the API-key
  // scopes as `x-scopes`), so clients and the route-security test read them from the document
  // instead of a second list.
  const openapi = router.openapi
  router.openapi = ((route, handler, hook) => {
    const roles = rolesOf(route.middleware)
    const scopes = scopesOf(route.middleware)
    return openapi({ ...route, ...(roles && { 'x-roles': roles }), ...(scopes && { 'x-scopes': scopes }) }, handler, hook)
  }) as typeof openapi
  return router
}
