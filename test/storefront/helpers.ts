/** Storefront test plumbing: a visitor with a cookie jar posting our forms, and raw worker calls. */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test'
import { app } from '../../src/app'
import { BASE } from '../helpers'

export type Jar = Map<string, string>

export const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

export function keepCookies(res: Response, jar: Jar) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const [k, v] = pair!.split('=')
    if (attrs.some((a) => /max-age=0/i.test(a.trim())) || v === '') jar.delete(k!.trim())
    else jar.set(k!.trim(), v!.trim())
  }
}

/** A page as the visitor with `jar` sees it (redirects not followed). */
export async function get(path: string, jar: Jar = new Map()) {
  const res = await SELF.fetch(`${BASE}${path}`, { redirect: 'manual', headers: { Cookie: cookieHeader(jar) } })
  keepCookies(res, jar)
  return { status: res.status, html: await res.text(), location: res.headers.get('Location'), headers: res.headers }
}

/** A form post from our own pages (the csrf check wants our Origin), carrying the jar's cookies. */
export async function post(path: string, form: Record<string, string>, jar: Jar) {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE, Cookie: cookieHeader(jar) },
    body: new URLSearchParams(form).toString(),
  })
  keepCookies(res, jar)
  return { status: res.status, location: res.headers.get('Location'), html: await res.text() }
}

/**
 * One request through the Worker's fetch handler with `env` changed by `patch` (a failing or
 * counting D1) and, when given, Cloudflare's `request.cf` (the visitor's country).
 */
export async function rawGet(
  path: string,
  opts: { patch?: Partial<Env>; cf?: Record<string, unknown>; headers?: Record<string, string> } = {},
) {
  const ctx = createExecutionContext()
  const req = new Request(`${BASE}${path}`, { headers: opts.headers, redirect: 'manual', ...(opts.cf ? { cf: opts.cf } : {}) })
  // The Hono app itself: the Sentry wrapper of src/index.ts would keep the first env it saw.
  const res = await app.fetch(req, { ...env, ...opts.patch }, ctx)
  await waitOnExecutionContext(ctx)
  return { status: res.status, html: await res.text(), headers: res.headers }
}

/**
 * A D1 binding that counts every statement sent to the database (prepare, batch, exec, also on
 * sessions made from it), or fails them all when `fail` is set (a database that is busy or down).
 */
export function instrumentedD1(db: D1Database, opts: { fail?: boolean } = {}) {
  const counter = { calls: 0 }
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver)
        if (typeof value !== 'function') return value
        if (prop === 'prepare' || prop === 'batch' || prop === 'exec') {
          return (...args: unknown[]) => {
            counter.calls++
            if (opts.fail) throw new Error('D1_ERROR: database is locked: SQLITE_BUSY')
            return (value as (...a: unknown[]) => unknown).apply(t, args)
          }
        }
        if (prop === 'withSession') return (...args: unknown[]) => wrap((value as (...a: unknown[]) => object).apply(t, args))
        return value.bind(t)
      },
    })
  return { db: wrap(db), counter }
}

/** The checkout form's fields for a guest shipping to `country`. */
export function guestForm(checkoutHtml: string, fields: Record<string, string>) {
  const key = /name="idempotency_key" value="([^"]+)"/.exec(checkoutHtml)![1]!
  return {
    idempotency_key: key,
    email: 'guest@example.test',
    name: 'Ada Guest',
    line1: '1 Main St',
    city: 'Springfield',
    postal_code: '12345',
    ...fields,
  }
}

/** HTML attribute text back to the URL it encodes. */
export const unescapeAttr = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
