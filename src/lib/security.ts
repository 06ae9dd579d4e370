import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import { config, type ConfigSource } from './config'
import type { AppEnv } from './context'
import { errorBody } from './errors'

/** JSON API bodies: 1 MB. Image uploads (the only larger bodies): 10 MB. */
export const API_BODY_LIMIT = 1024 * 1024
export const UPLOAD_BODY_LIMIT = 10 * 1024 * 1024

const isUpload = (path: string) => /^\/api\/v1\/(seller|admin)\/products\/[^/]+\/images$/.test(path)
const hasBody = (c: Context) =>
  !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) &&
  (Number(c.req.header('Content-Length') ?? 0) > 0 || c.req.header('Transfer-Encoding') !== undefined)

const tooLarge = (max: number) => (c: Context) =>
  c.json(errorBody('payload_too_large', `Request body is larger than ${max} bytes`, undefined, c.get('requestId')), 413)

/**
 * Body limits on /api/: counted while the body streams in (hono's bodyLimit), so a 50 MB body is
 * refused at the limit instead of being read first.
 */
export const apiBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.path.startsWith('/api/')) return next()
  const max = isUpload(c.req.path) ? UPLOAD_BODY_LIMIT : API_BODY_LIMIT
  return bodyLimit({ maxSize: max, onError: tooLarge(max) })(c, next)
}

/** A body sent to the JSON API must say it is JSON (415 otherwise); image uploads have their own types. */
export const requireJsonContentType = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.path.startsWith('/api/') && !isUpload(c.req.path) && hasBody(c)) {
    const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
      return c.json(
        errorBody(
          'unsupported_media_type',
          'Send the body as application/json',
          [{ path: 'header.Content-Type', message: type || 'missing' }],
          c.get('requestId'),
        ),
        415,
      )
    }
  }
  await next()
})

/** Origins allowed to call the API from a browser: CORS_ALLOWED_ORIGINS, comma-separated (parsed in src/lib/config.ts). */
export const allowedOrigins = (env: ConfigSource): readonly string[] => config(env).CORS_ALLOWED_ORIGINS

/**
 * CORS for /api/: only the configured storefront and dashboard origins get Access-Control-Allow-*
 * (with credentials, for the dashboard's refresh cookie); any other origin gets no CORS headers,
 * so the browser refuses the response.
 */
// Built once (the origin check reads the request's env), not once per request.
export const apiCors: MiddlewareHandler<AppEnv> = cors({
  origin: (origin, c) => (allowedOrigins((c as Context<AppEnv>).env).includes(origin) ? origin : null),
  credentials: true,
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Cart-Token', 'CF-Turnstile-Response', 'X-Session-Mode'],
  exposeHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'X-Cache', 'Location'],
  maxAge: 600,
})

/**
 * The Content-Security-Policy for HTML pages: scripts only from this origin (no inline scripts),
 * plus Stripe.js (STRIPE_JS_URL) for the storefront's payment page. /docs is served from this
 * origin too (the Scalar bundle in public/docs/, its web fonts off), so it needs no CDN. No
 * framing by anyone.
 */
export function contentSecurityPolicy(env: ConfigSource & { TURNSTILE_SITE_KEY?: string }): string {
  // Both URLs are parsed (refused when malformed, defaulted when unset) in src/lib/config.ts.
  const { STRIPE_JS_URL, TURNSTILE_SCRIPT_URL } = config(env)
  const stripe = new URL(STRIPE_JS_URL).origin
  // The storefront's Turnstile widget script (Cloudflare's, or the offline stand-in) when it is on.
  const turnstile = env.TURNSTILE_SITE_KEY ? new URL(TURNSTILE_SCRIPT_URL).origin : undefined
  const scripts = ["'self'", stripe, ...(turnstile && turnstile !== stripe ? [turnstile] : [])]
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    // Styles: the API reference injects its own; elsewhere only our stylesheets and element styles.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: https:`,
    "font-src 'self' data:",
    `connect-src 'self' ${stripe} https://api.stripe.com`,
    `frame-src ${stripe} https://hooks.stripe.com https://challenges.cloudflare.com`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * Security headers on every response, and the CSP on every HTML one (dashboard, storefront,
 * /docs): nosniff, HSTS, DENY framing, a strict referrer policy. Responses from the assets
 * binding have immutable headers, so they are copied first.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  let res = c.res
  let copied = false
  try {
    res.headers.set('X-Content-Type-Options', 'nosniff')
  } catch {
    res = new Response(res.body, res)
    res.headers.set('X-Content-Type-Options', 'nosniff')
    copied = true
  }
  const h = res.headers
  h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin')
  h.set('X-Frame-Options', 'DENY')
  h.set('Cross-Origin-Opener-Policy', 'same-origin')
  h.set('Cross-Origin-Resource-Policy', 'cross-origin')
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(self)')
  if ((h.get('Content-Type') ?? '').startsWith('text/html')) {
    h.set('Content-Security-Policy', contentSecurityPolicy(c.env))
  }
  // Only a copy needs handing back: assigning c.res makes Hono build yet another Response and copy
  // every header into it, even when it is the same object (a measurable share of a cached catalog hit).
  if (copied) c.res = res
})
