import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

describe('meta endpoints', () => {
  it('GET /health answers ok and echoes a request id', async () => {
    const res = await SELF.fetch('http://store.test/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok' })
    expect(res.headers.get('X-Request-Id')).toMatch(/.+/)
  })

  it('keeps a caller-supplied request id', async () => {
    const res = await SELF.fetch('http://store.test/health', { headers: { 'X-Request-Id': 'abc-123' } })
    expect(res.headers.get('X-Request-Id')).toBe('abc-123')
  })

  it('serves an OpenAPI 3.1 document and the docs page', async () => {
    const doc = await SELF.fetch('http://store.test/openapi.json')
    expect(doc.status).toBe(200)
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> }
    expect(body.openapi).toBe('3.1.0')
    expect(body.paths['/health']).toBeDefined()
    const docs = await SELF.fetch('http://store.test/docs')
    expect(docs.status).toBe(200)
    expect(await docs.text()).toContain('/openapi.json')
  })

  it('answers unknown routes with a 404 in the error envelope', async () => {
    const res = await SELF.fetch('http://store.test/api/v1/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
