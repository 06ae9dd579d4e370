import type { Child } from 'hono/jsx'
import { Layout, type PageMeta } from './components/layout'
import type { ShopContext } from './context'
import { turnstileConfig } from './turnstile'

export const brandOf = (env: Env) => env.NOTIFICATIONS_FROM_NAME || 'Edge Commerce'
export const originOf = (c: ShopContext) => new URL(c.req.url).origin
export const resizingOf = (env: Env) => (env as { IMAGE_RESIZING?: string }).IMAGE_RESIZING === 'cloudflare'

/** A full page as an HTML string (cacheable), with the shared layout. */
export async function renderPage(c: ShopContext, meta: PageMeta, body: Child): Promise<string> {
  const path = new URL(c.req.url).pathname + new URL(c.req.url).search
  const node = (
    <Layout
      locale={c.get('locale')}
      meta={{
        ...meta,
        title: `${meta.title} · ${brandOf(c.env)}`,
        turnstileScript: meta.turnstile ? turnstileConfig(c.env)?.scriptUrl : undefined,
      }}
      path={path}
      brand={brandOf(c.env)}
    >
      {body}
    </Layout>
  )
  return `<!doctype html>${await node.toString()}`
}

/** A page for one visitor: never stored by any cache. */
export async function privatePage(
  c: ShopContext,
  meta: PageMeta,
  body: Child,
  status: 200 | 400 | 404 | 409 | 422 | 503 = 200,
): Promise<Response> {
  const html = await renderPage(c, { noindex: true, ...meta }, body)
  // Through the context, so cookies set while handling (flash, session refresh) go out too.
  return c.body(html, status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store' })
}
