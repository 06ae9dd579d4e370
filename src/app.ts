import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { d1Session } from './lib/db'
import { AppError, errorBody } from './lib/errors'
import { captureException, log, requestLog } from './lib/observability'
import { requestMetrics } from './lib/metrics'
import { rateLimitByIp } from './lib/ratelimit'
import { apiBodyLimit, apiCors, requireJsonContentType, securityHeaders } from './lib/security'
import { createRouter } from './lib/router'
import { accountRoutes } from './modules/accounts/routes'
import { adminToolRoutes } from './modules/admin-tools/routes'
import { inventoryRoutes } from './modules/inventory/routes'
import { bulkRoutes } from './modules/bulk/routes'
import { analyticsRoutes } from './modules/analytics/routes'
import { catalogRoutes } from './modules/catalog/routes'
import { healthRoutes } from './modules/health/routes'
import { integrationRoutes } from './modules/integrations/routes'
import { cartRoutes } from './modules/cart/routes'
import { marketplaceRoutes } from './modules/marketplace/routes'
import { notificationRoutes } from './modules/notifications/routes'
import { orderRoutes } from './modules/orders/routes'
import { shippingRoutes } from './modules/shipping/routes'
import { paymentRoutes } from './modules/payments/routes'
import { pricingRoutes } from './modules/pricing/routes'
import { returnRoutes } from './modules/returns/routes'
import { storefrontRoutes } from './modules/storefront'

export const app = createRouter()

app.use('*', requestId({ headerName: 'X-Request-Id' }))
app.use('*', requestMetrics)
app.use('*', requestLog)
// Security headers on everything (CSP on HTML), CORS before the rate limit so a 429 is readable
// cross-origin, then body limits and the JSON content type before any handler reads a body.
app.use('*', securityHeaders)
app.use('/api/*', apiCors)
app.use('*', rateLimitByIp)
app.use('*', apiBodyLimit)
app.use('*', requireJsonContentType)
// One D1 session per request (replica reads, read-your-own-writes bookmarks): src/lib/db.ts.
app.use('*', d1Session)

// One router per module (test/architecture.test.ts checks).
app.route('/', healthRoutes)
app.route('/api/v1', accountRoutes)
// The catalog mounts its own /api/v1 routes and the product images at /images/{key}.
app.route('/', catalogRoutes)
app.route('/api/v1', pricingRoutes)
app.route('/api/v1', cartRoutes)
app.route('/api/v1', orderRoutes)
app.route('/api/v1', shippingRoutes)
app.route('/api/v1', returnRoutes)
app.route('/api/v1', paymentRoutes)
app.route('/api/v1', notificationRoutes)
app.route('/api/v1', marketplaceRoutes)
app.route('/api/v1', analyticsRoutes)
app.route('/api/v1', adminToolRoutes)
app.route('/api/v1', inventoryRoutes)
app.route('/api/v1', integrationRoutes)
app.route('/api/v1', bulkRoutes)
// The storefront (HTML pages at /, /c/…, /p/…, /cart, /checkout, /orders/…, /account…).
app.route('/', storefrontRoutes as never)

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
})
// The second scheme: API keys (ec_live_…/ec_test_…) on the routes that list scopes (x-scopes).
app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyAuth', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'ec_live_… / ec_test_… API key',
  description: 'An API key created by an admin (POST /api/v1/admin/api-keys), admitted where the operation lists its scopes.',
})
app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'Edge Commerce API',
    version: '1.0.0',
    description:
      'Money is an integer in minor units plus an ISO 4217 currency. Errors share one envelope: ' +
      '`{ "error": { "code", "message", "details"? } }`. Lists are cursor-paginated.',
  },
})
// /docs (the API reference, served offline from the pinned npm bundle) is a storefront route:
// src/modules/storefront/pages/docs.ts.
// The dashboard's static files pass through the Worker (run_worker_first in wrangler.toml) so they
// get the security headers above.
app.get('/admin', (c) => c.redirect('/admin/', 301))
app.get('/admin/*', async (c) => {
  const res = await c.env.ASSETS.fetch(c.req.raw)
  // dashboard/build.mjs names every chunk by its content hash (chunks/<name>-<hash>.js): a new
  // build gets new names, so a chunk can be cached for a year without asking again. index.html and
  // app.js keep their names and the assets' default (revalidate with the ETag every time).
  if (res.ok && c.req.path.startsWith('/admin/chunks/')) {
    const cached = new Response(res.body, res)
    cached.headers.set('Cache-Control', 'public, max-age=31536000, immutable')
    return cached
  }
  return res
})

app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404))

app.onError((err, c) => {
  const rid = c.get('requestId')
  if (err instanceof AppError) {
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v)
    return c.json(errorBody(err.code, err.message, err.details, rid), err.status)
  }
  if (err instanceof HTTPException) {
    // Hono's own validators throw these for unreadable bodies (e.g. malformed JSON).
    const status = err.status
    if (status === 400) return c.json(errorBody('invalid_json', err.message || 'Malformed request body', undefined, rid), 400)
    if (status === 413) return c.json(errorBody('payload_too_large', 'Request body is too large', undefined, rid), 413)
    if (status === 401) return c.json(errorBody('unauthorized', err.message, undefined, rid), 401)
    if (status < 500) return c.json(errorBody('validation_error', err.message, undefined, rid), 400)
  }
  log('error', 'unhandled error', {
    request_id: rid,
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
  })
  captureException(err, rid)
  return c.json(errorBody('internal_error', `Something went wrong. Quote request id ${rid} to support.`, undefined, rid), 500)
})
