import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { API_BODY_LIMIT } from '../../src/lib/security'
import { api, BASE } from '../helpers'
import { PASSWORD, register, uniqueEmail } from '../accounts/util'
import { apiWith } from './util'

describe('body limits and content types', () => {
  it('refuses a JSON body over 1 MB with 413 in the envelope', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(API_BODY_LIMIT + 10) })
    const res = await api('POST', '/api/v1/auth/login', { body: big })
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })

  it('counts a streamed body without Content-Length too', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(32)
    let sent = 0
    const stream = new ReadableStream({
      pull(controller) {
        if (sent >= 8) return controller.close()
        sent++
        controller.enqueue(chunk)
      },
    })
    const res = await SELF.fetch(`${BASE}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      // @ts-expect-error workerd needs duplex for a streamed request body
      duplex: 'half',
    })
    expect(res.status).toBe(413)
  })

  it('answers 415 for a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
      const res = await SELF.fetch(`${BASE}/api/v1/auth/login`, {
        method: 'POST',
        headers: type ? { 'Content-Type': type } : {},
        body: 'email=a@b.c&password=x',
      })
      expect(res.status, type).toBe(415)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type')
    }
  })
})

describe('security headers', () => {
  it('/docs has a strict CSP without inline scripts, no framing, nosniff, HSTS and a referrer policy', async () => {
    const res = await SELF.fetch(`${BASE}/docs`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toMatch(/script-src 'self'[^;]*/)
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Strict-Transport-Security')).toContain('max-age=')
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
    expect(res.headers.get('X-Frame-Options')).toBe('DENY')
    const html = await res.text()
    // Every <script> either loads a file or is an empty data holder: nothing inline runs.
    for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attrs!.includes('src=') || body!.trim() === '', attrs).toBe(true)
    }
  })

  it('/docs is served offline: no CDN in its CSP, every script it loads is same-origin, and its starter is served', async () => {
    const res = await SELF.fetch(`${BASE}/docs`)
    const csp = res.headers.get('Content-Security-Policy') ?? ''
    expect(csp).not.toContain('jsdelivr')
    expect(csp).not.toContain('scalar.com')
    expect(csp).toMatch(/font-src 'self' data:;/)
    const srcs = [...(await res.text()).matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!)
    expect(srcs).toContain('/docs/init.js')
    for (const src of srcs) expect(src.startsWith('/') && !src.startsWith('//'), src).toBe(true)
    // Static files other than /admin are answered by the assets layer before the Worker runs.
    const init = await env.ASSETS.fetch(new Request(`${BASE}/docs/init.js`))
    expect(init.status).toBe(200)
    const js = await init.text()
    expect(js).toContain('createApiReference')
    // Scalar's default web fonts come from fonts.scalar.com, which the CSP refuses.
    expect(js).toContain('withDefaultFonts: false')
  })

  it('the dashboard (static assets) gets the same headers and a CSP allowing Stripe.js but no inline script', async () => {
    const res = await SELF.fetch(`${BASE}/admin/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    const csp = res.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toMatch(/script-src 'self' https:\/\/js\.stripe\.com/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    const js = await SELF.fetch(`${BASE}/admin/app.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('caches the dashboard’s hashed chunks for a year, but not app.js, which keeps its name', async () => {
    const app = await SELF.fetch(`${BASE}/admin/app.js`)
    expect(app.headers.get('Cache-Control') ?? '').not.toContain('immutable')
    const chunk = (await app.text()).match(/\.\/(chunks\/[\w-]+\.js)/)?.[1]
    expect(chunk).toBeDefined()
    const res = await SELF.fetch(`${BASE}/admin/${chunk}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('javascript')
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    // A name that is not there stays a 404, not cached.
    const missing = await SELF.fetch(`${BASE}/admin/chunks/nope-AAAAAAAA.js`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('Cache-Control') ?? '').not.toContain('immutable')
  })
})

describe('CORS', () => {
  const allowed = 'https://shop.example.com'
  const env = { CORS_ALLOWED_ORIGINS: `${allowed}, https://admin.example.com` }
  const preflight = (origin: string) =>
    apiWith(env, 'OPTIONS', '/api/v1/products', {
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    })

  it('answers a preflight from an allowed origin with that origin and credentials', async () => {
    const res = await preflight(allowed)
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(allowed)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization')
    const get = await apiWith(env, 'GET', '/api/v1/products', { headers: { Origin: allowed } })
    expect(get.headers.get('Access-Control-Allow-Origin')).toBe(allowed)
  })

  it('gives a refused origin no CORS headers', async () => {
    const res = await preflight('https://evil.example.net')
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const get = await apiWith(env, 'GET', '/api/v1/products', { headers: { Origin: 'https://evil.example.net' } })
    expect(get.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })
})

describe('refresh token in an HttpOnly cookie (X-Session-Mode: cookie)', () => {
  it('login sets the cookie, keeps the token out of the body, and refresh/logout work from the cookie', async () => {
    const email = uniqueEmail('cookie')
    await register({ email })
    const login = await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD }, headers: { 'X-Session-Mode': 'cookie' } })
    expect(login.status).toBe(200)
    expect(login.body.refresh_token).toBeUndefined()
    const setCookie = login.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/^ec_refresh=rt_/)
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/v1/auth']) expect(setCookie).toContain(attr)
    const cookie = setCookie.split(';')[0]!

    const refreshed = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { Cookie: cookie, 'X-Session-Mode': 'cookie' } })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.refresh_token).toBeUndefined()
    const next = (refreshed.headers.get('Set-Cookie') ?? '').split(';')[0]!
    expect(next).not.toBe(cookie)
    // The rotated cookie works in turn.
    expect((await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { Cookie: next } })).status).toBe(200)

    const out = await api('POST', '/api/v1/auth/logout', { body: {}, headers: { Cookie: next } })
    expect(out.status).toBe(204)
    expect(out.headers.get('Set-Cookie')).toMatch(/ec_refresh=;.*Max-Age=0/)
    expect((await api('GET', '/api/v1/me', { headers: { Authorization: `Bearer ${refreshed.body.access_token}` } })).status).toBe(401)
  })

  it('refresh with neither a body token nor a cookie is 401', async () => {
    const res = await api('POST', '/api/v1/auth/refresh', { body: {} })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('invalid_token')
  })
})
