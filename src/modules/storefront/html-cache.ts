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

export interface CachedPage {
  html: string
  /** 200 and 404 are stored; any other status (429, 503: a failure of the moment) is served once, never stored. */
  status: number
  /** Extra headers of a page that is not stored (e.g. Retry-After). */
  headers?: Record<string, string>
}

/** Only a page that is the same for every visitor may be stored: the page, or a real "not found". */
const keepable = (page: CachedPage) => page.status === 200 || page.status === 404

export async function cachedPage(
  c: ShopContext,
  kind: string,
  params: Record<string, unknown>,
  render: () => Promise<CachedPage>,
  tags: readonly string[] = [LIST_TAG],
): Promise<Response> {
  const key = { ...params, locale: c.get('locale'), origin: new URL(c.req.url).origin }
  const { value, hit } = await cachedCatalogRead({ env: c.env, db: c.get('db'), keep: keepable }, `html:${kind}`, key, render, tags)
  const kept = keepable(value)
  return c.body(value.html, value.status as 200, {
    'Content-Type': 'text/html; charset=utf-8',
    // Browsers revalidate every time (prices change); the edge copy is what makes it fast.
    'Cache-Control': kept ? 'public, max-age=0, must-revalidate' : 'private, no-store',
    Vary: 'Accept-Language, Cookie',
    'X-Cache': hit ? 'HIT' : 'MISS',
    ...(kept ? {} : value.headers),
  })
}
