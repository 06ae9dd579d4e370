import { OpenAPIHono } from '@hono/zod-openapi'
import type { ZodError } from 'zod'
import { requireAuth } from '../modules/accounts/middleware'
import type { AppEnv, Role } from './context'
import { errorBody, type ErrorDetail } from './errors'
import { bearerSecurity } from './openapi-schemas'

/** Every role, in the order of increasing power. */
export const ROLES: readonly Role[] = ['customer', 'seller', 'staff', 'admin']

/**
 * A route's security, declared once: spread into `createRoute({ ...authRoute({ roles }), … })` to get
 * the OpenAPI `security` entry and the middleware that enforces it (401 without a valid token, 403
 * for a role outside `roles`; no `roles` admits every signed-in user).
 */
export function authRoute({ roles = [] }: { roles?: readonly Role[] } = {}) {
  return { security: bearerSecurity, middleware: requireAuth(...roles) }
}

/** The roles a route's requireAuth middleware admits (every role when it names none), if it has one. */
function rolesOf(middleware: unknown): readonly Role[] | undefined {
  for (const m of Array.isArray(middleware) ? middleware : [middleware]) {
    const roles = (m as { roles?: readonly Role[] } | undefined)?.roles
    if (roles) return roles.length ? roles : ROLES
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
        return c.json(
          errorBody('validation_error', `Invalid request ${where}`, zodDetails(result.error), c.get('requestId')),
          400,
        )
      }
    },
  })
  // Publish the roles each route's requireAuth admits as the operation's `x-roles`, so clients and
  // the route-security test read them from the document instead of a second list.
  const openapi = router.openapi
  router.openapi = ((route, handler, hook) => {
    const roles = rolesOf(route.middleware)
    return openapi(roles ? { ...route, 'x-roles': roles } : route, handler, hook)
  }) as typeof openapi
  return router
}
