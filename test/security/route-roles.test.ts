import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Role } from '../../src/lib/context'
import { ROLES } from '../../src/lib/router'
import { BASE, createUser } from '../helpers'

interface Operation {
  security?: Record<string, string[]>[]
  'x-roles'?: Role[]
  'x-scopes'?: string[]
}
type OpenApiDoc = { paths: Record<string, Record<string, Operation>> }

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

/**
 * One table-driven check of every route in /openapi.json: an operation whose `security` requires a
 * bearer token answers 401 without one and 403 to each role outside its `x-roles` (published by
 * createRouter from the route's auth middleware), and the two declarations agree: security without
 * the middleware, the middleware without security, or API-key scopes that differ are each reported.
 */
describe('route security, from /openapi.json', () => {
  it('every secured operation answers 401 anonymous and 403 for each role outside its list', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as OpenApiDoc
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, (await createUser(role)).token] as const)))
    const problems: string[] = []
    let secured = 0
    let forbiddenChecks = 0
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method]
        if (!op) continue
        const label = `${method.toUpperCase()} ${path}`
        const schemes = op.security ?? []
        const optional = schemes.some((s) => Object.keys(s).length === 0)
        const required = schemes.length > 0 && !optional && schemes.every((s) => 'bearerAuth' in s || 'apiKeyAuth' in s)
        const roles = op['x-roles']
        if (!required) {
          if (roles && !optional) problems.push(`${label}: enforces roles but declares no security`)
          continue
        }
        secured++
        const url = BASE + path.replace(/\{[^}]+\}/g, 'zz_probe')
        const anonymous = await SELF.fetch(url, { method })
        await anonymous.arrayBuffer()
        if (anonymous.status !== 401) problems.push(`${label} anonymous: ${anonymous.status}, expected 401`)
        if (!roles) {
          problems.push(`${label}: declares security but has no auth middleware (no x-roles; use authRoute)`)
          continue
        }
        // The API-key scopes the document promises are the ones the middleware admits.
        const declaredScopes = schemes.flatMap((s) => s.apiKeyAuth ?? []).sort()
        const enforcedScopes = [...(op['x-scopes'] ?? [])].sort()
        if (declaredScopes.join() !== enforcedScopes.join())
          problems.push(`${label}: security lists API-key scopes [${declaredScopes}] but the middleware admits [${enforcedScopes}]`)
        for (const role of ROLES.filter((r) => !roles.includes(r))) {
          const res = await SELF.fetch(url, { method, headers: { Authorization: `Bearer ${tokens[role]}` } })
          await res.arrayBuffer()
          forbiddenChecks++
          if (res.status !== 403) problems.push(`${label} as ${role}: ${res.status}, expected 403`)
        }
      }
    }
    console.info(`route-roles: ${secured} secured operations, ${forbiddenChecks} role checks answered 403`)
    expect(problems).toEqual([])
    // The walk really covered the API (a broken document or filter would make it vacuous).
    expect(secured).toBeGreaterThan(50)
    expect(forbiddenChecks).toBeGreaterThan(50)
    // About 360 requests in one test: a generous safety net for a loaded machine, not a speed bound.
  }, 300_000)
})
