import { z } from '@hono/zod-openapi'
import { notFound } from '../../lib/errors'
import { ErrorSchema } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { IMAGE_CACHE_CONTROL } from './images'

/** GET /images/:key — product images from R2. Keys are never reused, so responses are immutable. */
export const imageRoutes = createRouter()

imageRoutes.get('/images/:key{.+}', async (c) => {
  const key = c.req.param('key')
  if (key.length > 1024) throw notFound('Image')
  // onlyIf with the request headers: R2 evaluates If-None-Match / If-Modified-Since and returns
  // the object without a body when the client's copy is current.
  const object = await c.env.IMAGES.get(key, { onlyIf: c.req.raw.headers })
  if (!object) throw notFound('Image')
  const headers = new Headers()
  object.writeHttpMetadata(headers)
  headers.set('ETag', object.httpEtag)
  headers.set('Cache-Control', IMAGE_CACHE_CONTROL)
  if (!('body' in object)) return new Response(null, { status: 304, headers })
  headers.set('Content-Length', String(object.size))
  return new Response(object.body, { status: 200, headers })
})

imageRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/images/{key}',
  tags: ['catalog'],
  summary: 'A product image (the key may contain slashes)',
  request: { params: z.object({ key: z.string().openapi({ example: 'products/prd_x/img_y.jpg' }) }) },
  responses: {
    200: {
      description: 'The image, with ETag and Cache-Control: public, max-age=31536000, immutable',
      content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
    },
    304: { description: 'Not modified (If-None-Match matched)' },
    404: { description: 'No such image', content: { 'application/json': { schema: ErrorSchema } } },
  },
})
