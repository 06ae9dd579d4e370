import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { BASE, createUser } from '../helpers'

type Operation = { parameters?: { in: string; name: string }[]; requestBody?: unknown }

const JUNK_PARAMS = ["x'--", 'a'.repeat(300), '%00', '..%2F..', '-1']
const JUNK_BODIES = [
  '{"',
  '[]',
  '{"a":',
  'null',
  JSON.stringify({ id: { $gt: '' }, price: Number.NEGATIVE_INFINITY, quantity: 'NaN', email: 7 }),
]

/**
 * Walks every operation in /openapi.json and sends malformed input (junk path and query
 * parameters, broken or wrongly typed JSON bodies) as an admin, so auth is passed and the input
 * reaches validation and services. Bounded: 5 variants per operation. None may answer 5xx.
 */
describe('OpenAPI-wide fuzz', () => {
  it('no operation answers 5xx to malformed input', async () => {
    const admin = await createUser('admin')
    const spec = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> }
    const failures: string[] = []
    let sent = 0
    for (const [template, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
        for (let i = 0; i < 5; i++) {
          const junk = JUNK_PARAMS[i]!
          const path = template.replace(/\{[^}]+\}/g, encodeURIComponent(junk))
          const query = (op.parameters ?? [])
            .filter((p) => p.in === 'query')
            .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(junk)}`)
            .join('&')
          const withBody = method !== 'get' && method !== 'delete'
          const res = await SELF.fetch(`${BASE}${path}${query ? `?${query}` : ''}`, {
            method: method.toUpperCase(),
            headers: {
              ...admin.auth,
              'Idempotency-Key': junk,
              ...(withBody ? { 'Content-Type': 'application/json' } : {}),
            },
            body: withBody ? JUNK_BODIES[i] : undefined,
          })
          await res.arrayBuffer()
          sent++
          if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path} -> ${res.status}`)
        }
      }
    }
    expect(sent).toBeGreaterThan(100)
    expect(failures).toEqual([])
  }, 180_000)
})
