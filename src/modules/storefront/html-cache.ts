/**
 * HTML cache for catalog pages (home, category, search, product). Entries are stored through the
 * catalog module's read-through cache (src/modules/catalog/cache.ts) and stamped with the same
 * invalidation tags as the API's cached reads: lists, search and the home page depend on the `list`
 * tag (replaced by catalog writes, and by orders only when a product sells out or comes back); a
 * product page also on its product's own tag (replaced by every write to it, stock taken by an
 * order included, since the page shows stock per variant). Cart, checkout, order and account
 * pages never come here.
 */
import { cachedCatalogRead, LIST_TAG } from '../catalog/cache'
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
  tags: readonly string[] = [LIST_TAG],
): Promise<Response> {
  const key = { ...params, locale: c.get('locale'), origin: new URL(c.req.url).origin }
  const { value, hit } = await cachedCatalogRead({ env: c.env, db: c.get('db') }, `html:${kind}`, key, render, tags)
  return c.body(value.html, value.status as 200, {
    'Content-Type': 'text/html; charset=utf-8',
    // Browsers revalidate every time (prices change); the edge copy is what makes it fast.
    'Cache-Control': 'public, max-age=0, must-revalidate',
    Vary: 'Accept-Language, Cookie',
    'X-Cache': hit ? 'HIT' : 'MISS',
  })
}
