import { Hono } from 'hono'
import { config } from '../../../lib/config'
import { cachedCatalogRead } from '../../catalog/cache'
import type { ShopEnv } from '../context'

/** URLs per product sitemap file (SITEMAP_PRODUCTS_PER_FILE; smaller files render faster, tests use tiny ones). */
const pageSize = (env: Env) => config(env).SITEMAP_PRODUCTS_PER_FILE

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const xml = (body: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
  })

const urlset = (entries: { loc: string; lastmod?: string }[]) =>
  `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries
    .map((e) => `<url><loc>${xmlEscape(e.loc)}</loc>${e.lastmod ? `<lastmod>${xmlEscape(e.lastmod)}</lastmod>` : ''}</url>`)
    .join('\n')}\n</urlset>`

export const seoPages = new Hono<ShopEnv>()

seoPages.get('/robots.txt', (c) => {
  const origin = new URL(c.req.url).origin
  const body = [
    'User-agent: *',
    'Allow: /',
    'Disallow: /cart',
    'Disallow: /checkout',
    'Disallow: /account',
    'Disallow: /orders/',
    'Disallow: /api/',
    'Disallow: /admin/',
    'Disallow: /search',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n')
  return c.text(body, 200, { 'Cache-Control': 'public, max-age=3600' })
})

seoPages.get('/sitemap.xml', async (c) => {
  const origin = new URL(c.req.url).origin
  const size = pageSize(c.env)
  const { value } = await cachedCatalogRead({ env: c.env, db: c.get('db') }, 'sitemap:index', { origin, size }, async () => {
    const row = await c.env.DB.prepare("SELECT count(*) AS n FROM products WHERE status = 'active'").first<{ n: number }>()
    const pages = Math.max(1, Math.ceil((row?.n ?? 0) / size))
    const files = ['/sitemap-categories.xml', ...Array.from({ length: pages }, (_, i) => `/sitemap-products-${i + 1}.xml`)]
    return `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${files.map((f) => `<sitemap><loc>${xmlEscape(origin + f)}</loc></sitemap>`).join('\n')}\n</sitemapindex>`
  })
  return xml(value)
})

seoPages.get('/sitemap-categories.xml', async (c) => {
  const origin = new URL(c.req.url).origin
  const { value } = await cachedCatalogRead({ env: c.env, db: c.get('db') }, 'sitemap:categories', { origin }, async () => {
    const { results } = await c.env.DB.prepare('SELECT slug, updated_at FROM categories ORDER BY position, name').all<{
      slug: string
      updated_at: string
    }>()
    return urlset([{ loc: `${origin}/` }, ...results.map((r) => ({ loc: `${origin}/c/${r.slug}`, lastmod: r.updated_at }))])
  })
  return xml(value)
})

seoPages.get('/:file{sitemap-products-[0-9]{1,6}\\.xml}', async (c) => {
  const page = Number(/([0-9]+)/.exec(c.req.param('file'))?.[1])
  const origin = new URL(c.req.url).origin
  if (!Number.isSafeInteger(page) || page < 1) return c.notFound()
  const size = pageSize(c.env)
  const { value } = await cachedCatalogRead({ env: c.env, db: c.get('db') }, 'sitemap:products', { origin, page, size }, async () => {
    const { results } = await c.env.DB.prepare("SELECT slug, updated_at FROM products WHERE status = 'active' ORDER BY id LIMIT ? OFFSET ?")
      .bind(size, (page - 1) * size)
      .all<{ slug: string; updated_at: string }>()
    return results.length || page === 1 ? urlset(results.map((r) => ({ loc: `${origin}/p/${r.slug}`, lastmod: r.updated_at }))) : null
  })
  return value === null ? c.notFound() : xml(value)
})
