/**
 * HTML cache for catalog pages (home, category, search, product). Entries are stored through the
 * catalog module's read-through cache (src/modules/catalog/cache.ts), so a page is keyed by the same
 * catalog version as the API's cached reads: any product, price, stock or category write bumps it
 * and the next request renders afresh. Cart, checkout, order and account pages never come here.
 */
import { cachedCatalogRead } from '../catalog/cache'
import type { ShopContext } from './context'

interface CachedPage {
  html: string
  status: number
}

export async function cachedPage(
  c: ShopContext,
  kind: string,
  params: Record<string, unknown>,
  render: () => Promise<CachedPage>,
): Promise<Response> {
  const key = { ...params, locale: c.get('locale'), origin: new URL(c.req.url).origin }
  const { value, hit } = await cachedCatalogRead({ env: c.env, db: c.get('db') }, `html:${kind}`, key, render)
  return c.body(value.html, value.status as 200, {
    'Content-Type': 'text/html; charset=utf-8',
    // Browsers revalidate every time (prices change); the edge copy is what makes it fast.
    'Cache-Control': 'public, max-age=0, must-revalidate',
    Vary: 'Accept-Language, Cookie',
    'X-Cache': hit ? 'HIT' : 'MISS',
  })
}
