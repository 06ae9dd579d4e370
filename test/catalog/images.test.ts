import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, BASE, createUser } from '../helpers'
import { makeProduct } from './fixtures'

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) =>
  c.charCodeAt(0),
)
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 1, 2, 3, 4, 0xff, 0xd9])

async function upload(path: string, auth: Record<string, string>, body: BodyInit, contentType?: string) {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { ...auth, ...(contentType ? { 'Content-Type': contentType } : {}) },
    body,
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('product images', () => {
  it('uploads via multipart, serves the bytes from R2 with cache headers and 304, lists it on the product, deletes it', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const form = new FormData()
    form.append('file', new File([PNG], 'dot.png', { type: 'image/png' }))
    form.append('alt', 'A red dot')
    const up = await upload(`/api/v1/seller/products/${p.id}/images`, seller.auth, form)
    expect(up.status).toBe(201)
    expect(up.body).toMatchObject({ content_type: 'image/png', size: PNG.byteLength, alt: 'A red dot', position: 0 })
    expect(up.body.key).toMatch(new RegExp(`^products/${p.id}/img_[a-z0-9]+\\.png$`))
    expect(up.body.url).toBe(`/images/${up.body.key}`)

    const served = await SELF.fetch(`${BASE}${up.body.url}`)
    expect(served.status).toBe(200)
    expect(served.headers.get('Content-Type')).toBe('image/png')
    expect(served.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    const etag = served.headers.get('ETag')
    expect(etag).toBeTruthy()
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG)

    const notModified = await SELF.fetch(`${BASE}${up.body.url}`, { headers: { 'If-None-Match': etag! } })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('ETag')).toBe(etag)
    expect(await notModified.text()).toBe('')
    const otherEtag = await SELF.fetch(`${BASE}${up.body.url}`, { headers: { 'If-None-Match': '"something-else"' } })
    expect(otherEtag.status).toBe(200)
    await otherEtag.arrayBuffer()

    const detail = await api('GET', `/api/v1/products/${p.id}`)
    expect(detail.body.images).toEqual([up.body])
    const listed = await api('GET', `/api/v1/products?limit=100`)
    expect(listed.body.data.find((x: { id: string }) => x.id === p.id).image_url).toBe(up.body.url)

    const del = await api('DELETE', `/api/v1/seller/products/${p.id}/images/${up.body.id}`, { headers: seller.auth })
    expect(del.status).toBe(200)
    expect(await env.IMAGES.head(up.body.key)).toBeNull()
    const gone = await api('GET', up.body.url)
    expect(gone.status).toBe(404)
    expect(gone.body.error.code).toBe('not_found')
    expect((await api('GET', `/api/v1/products/${p.id}`)).body.images).toEqual([])
  })

  it('accepts a raw body with its Content-Type', async () => {
    const seller = await createUser('seller')
    const p = await makeProduct(seller)
    const up = await upload(`/api/v1/seller/products/${p.id}/images?alt=raw`, seller.auth, JPEG, 'image/jpeg')
    expect(up.status).toBe(201)
    expect(up.body).toMatchObject({ content_type: 'image/jpeg', alt: 'raw' })
    expect(up.body.key).toMatch(/\.jpg$/)
    const served = await SELF.fetch(`${BASE}${up.body.url}`)
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(JPEG)
    expect(served.headers.get('Content-Type')).toBe('image/jpeg')
  })

  it('refuses wrong types (415), lying content (415), oversize (413), other sellers (404) and missing file (400)', async () => {
    const seller = await createUser('seller')
    const other = await createUser('seller')
    const p = await makeProduct(seller)
    const path = `/api/v1/seller/products/${p.id}/images`
    const svg = await upload(path, seller.auth, '<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml')
    expect(svg.status).toBe(415)
    expect(svg.body.error.code).toBe('unsupported_media_type')
    const html = await upload(path, seller.auth, '<html><script>alert(1)</script></html>', 'image/png')
    expect(html.status).toBe(415)
    const mismatch = await upload(path, seller.auth, JPEG, 'image/png')
    expect(mismatch.status).toBe(415)
    const big = new Uint8Array(5 * 1024 * 1024 + 1)
    big.set(PNG.subarray(0, 8))
    const tooBig = await upload(path, seller.auth, big, 'image/png')
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error.code).toBe('payload_too_large')
    const noFile = new FormData()
    noFile.append('alt', 'nothing')
    expect((await upload(path, seller.auth, noFile)).status).toBe(400)
    expect((await upload(`/api/v1/seller/products/${p.id}/images`, other.auth, PNG, 'image/png')).status).toBe(404)
    expect((await api('GET', `/api/v1/seller/products/${p.id}`, { headers: seller.auth })).body.images).toEqual([])
  })

  it('answers 404 in the envelope for unknown image keys', async () => {
    const res = await api('GET', '/images/products/nope/img_x.png')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })
})
