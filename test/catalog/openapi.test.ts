import { describe, expect, it } from 'vitest'
import { api } from '../helpers'

describe('catalog in the OpenAPI document', () => {
  it('lists every catalog endpoint group', async () => {
    const res = await api('GET', '/openapi.json')
    expect(res.status).toBe(200)
    const paths = Object.keys(res.body.paths)
    for (const path of [
      '/api/v1/categories',
      '/api/v1/categories/{idOrSlug}',
      '/api/v1/products',
      '/api/v1/products/{idOrSlug}',
      '/api/v1/products/{id}/reviews',
      '/api/v1/seller/products',
      '/api/v1/seller/products/{id}/variants/{variantId}/stock',
      '/api/v1/seller/products/{id}/images',
      '/api/v1/admin/products/{id}',
      '/api/v1/admin/categories/{id}',
      '/images/{key}',
    ]) {
      expect(paths, path).toContain(path)
    }
    const list = res.body.paths['/api/v1/products'].get
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'category', 'min_price', 'max_price', 'sort', 'limit', 'cursor']))
  })
})
