import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../lib/context'
import type { DB } from '../../lib/db'
import { sha256Hex } from '../../lib/ids'
import { log } from '../../lib/observability'
import { config } from '../../lib/config'

/**
 * The public catalog cache: KV entries stamped with invalidation tags, all read in ONE bulk KV
 * get, so a hit touches no D1 at all.
 *
 * Tags (each a KV key holding a random token that every invalidation replaces):
 * - `list`: what lists, search, categories and storefront pages show (the default tag of a read).
 *   Replaced by every catalog write except stock taken or given back by orders, which replaces it
 *   only when a product sells out or comes back (see `invalidateAfterStockChange`).
 * - `product:<id>` and `product:<slug>`: one product's detail page. Replaced by every write to
 *   that product, stock reservations included.
 * - `categories`: category names and slugs embedded in detail pages; replaced by category writes.
 *
 * A cached entry records the token of each of its tags as read BEFORE it was computed; a hit needs
 * every token to still match. Invalidation runs after the D1 write commits, so a reader that raced
 * the write stores its (maybe pre-write) result under the old token, which no reader accepts any
 * more. Tokens are random, not counters, so two concurrent invalidations need no read-modify-write.
 *
 * Consistency costs (docs/architecture.md, caching): KV is eventually consistent across locations
 * (a remote PoP can keep accepting an old token for up to ~60 s); each isolate also memoises hits
 * for CATALOG_MEMO_MS (default 1 s); the invalidation is a separate step after the commit, so a
 * Worker that dies in between leaves the old entries until their TTL (CATALOG_CACHE_TTL_SECONDS).
 */

interface CacheContext<T> {
  env: Pick<Env, 'CATALOG_CACHE' | 'CATALOG_CACHE_TTL_SECONDS'> & { CATALOG_MEMO_MS?: string }
  /** Unused on a hit; kept so callers pass the handle their `compute` uses. */
  db?: DB
  /** Runs on a miss before `compute` (the per-IP rate limit; it may throw 429). */
  onMiss?: () => Promise<void>
  /** Whether a computed value may be stored (default: always); a value of the moment is served once, not cached. */
  keep?: (value: T) => boolean
}

interface Entry<T> {
  /** tag -> token when the value was computed (null: the tag had never been invalidated). */
  tags: Record<string, string | null>
  value: T
}

const KEY_PREFIX = 'catalog:v2:'
const TAG_PREFIX = 'catalog:tag:'
/** The default tag: catalog-wide content (names, prices, status, images, ratings, categories). */
export const LIST_TAG = 'list'
/** Category names/slugs, for reads that embed them but do not depend on `list` (product detail). */
export const CATEGORIES_TAG = 'categories'
export const productTag = (idOrSlug: string) => `product:${idOrSlug}`

/** Per-isolate memo of recent hits: the cheapest read there is, bounded in size and age. */
const memo = new Map<string, { at: number; value: unknown }>()
const MEMO_MAX = 2000

function memoMs(env: CacheContext<unknown>['env']): number {
  return config(env).CATALOG_MEMO_MS
}

async function cacheKey(kind: string, params: unknown): Promise<string> {
  const text = JSON.stringify(params) ?? 'null'
  // KV keys are at most 512 bytes: long parameter sets are hashed.
  return `${KEY_PREFIX}${kind}:${text.length <= 200 ? text : await sha256Hex(text)}`
}

/**
 * Read-through cache for public catalog reads. `tags` are the tags the read depends on; the
 * default, `list`, is replaced by every catalog write except order stock changes (so a cached
 * storefront page drops at a price edit). A product detail passes its own product tags instead,
 * so writes to other products and their sales leave it cached.
 */
export async function cachedCatalogRead<T>(
  ctx: CacheContext<T>,
  kind: string,
  params: unknown,
  compute: () => Promise<T>,
  tags: readonly string[] = [LIST_TAG],
): Promise<{ value: T; hit: boolean }> {
  const key = await cacheKey(kind, params)
  const ttlMemo = memoMs(ctx.env)
  const memoised = memo.get(key)
  if (memoised && Date.now() - memoised.at < ttlMemo) return { value: memoised.value as T, hit: true }

  const allTags = [...new Set(tags)]
  const tagKeys = allTags.map((t) => TAG_PREFIX + t)
  let current: Record<string, string | null> = Object.fromEntries(allTags.map((t) => [t, null]))
  let readable = true
  try {
    const got = await ctx.env.CATALOG_CACHE.get<Entry<T> | string>([key, ...tagKeys], 'json')
    current = Object.fromEntries(allTags.map((t, i) => [t, (got.get(tagKeys[i]!) as string | null) ?? null]))
    const entry = got.get(key) as Entry<T> | null
    if (entry && allTags.every((t) => (entry.tags[t] ?? null) === current[t])) {
      remember(key, entry.value)
      return { value: entry.value, hit: true }
    }
  } catch (err) {
    // Unreadable tags: serve from D1 and do not store (we could not stamp the entry correctly).
    readable = false
    log('warn', 'catalog cache read failed', { key, error: String(err) })
  }
  await ctx.onMiss?.()
  const value = await compute()
  if (readable && (ctx.keep?.(value) ?? true)) {
    const ttl = config(ctx.env).CATALOG_CACHE_TTL_SECONDS
    const entry: Entry<T> = { tags: current, value }
    // Awaited rather than waitUntil: a miss costs one KV write, and the next reader then hits.
    await ctx.env.CATALOG_CACHE.put(key, JSON.stringify(entry), { expirationTtl: ttl }).catch((err: unknown) =>
      log('warn', 'catalog cache write failed', { key, error: String(err) }),
    )
  }
  return { value, hit: false }
}

function remember(key: string, value: unknown) {
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!)
  memo.set(key, { at: Date.now(), value })
}

/** Forget this isolate's memoised hits (every invalidation does; tests may too). */
export function clearCatalogMemo(): void {
  memo.clear()
}

/**
 * Replace the tokens of `tags`: every cached entry stamped with an old token stops being served.
 * Call it AFTER the D1 write has committed. Never throws: a failed invalidation is logged and the
 * entries expire with their TTL.
 */
export async function invalidateCatalogTags(env: { CATALOG_CACHE?: KVNamespace }, tags: Iterable<string>): Promise<void> {
  clearCatalogMemo()
  const kv = env.CATALOG_CACHE
  const unique = [...new Set(tags)]
  if (!kv || !unique.length) return
  const token = crypto.randomUUID()
  await Promise.all(
    unique.map((t) =>
      kv
        .put(TAG_PREFIX + t, JSON.stringify(token))
        .catch((err: unknown) => log('warn', 'catalog cache invalidation failed', { tag: t, error: String(err) })),
    ),
  )
}

/** The tags of products' detail pages: by id and by current slug (plus any `extraSlugs`, e.g. a slug before a rename). */
export async function productTags(db: DB, productIds: readonly string[], extraSlugs: readonly string[] = []): Promise<string[]> {
  const ids = [...new Set(productIds)]
  const tags = [...ids, ...extraSlugs].map(productTag)
  if (ids.length) {
    const rows = await db.$client
      .prepare(`SELECT slug FROM products WHERE id IN (${ids.map(() => '?').join(',')})`)
      .bind(...ids)
      .all<{ slug: string }>()
    for (const r of rows.results) tags.push(productTag(r.slug))
  }
  return tags
}

/**
 * After orders took or gave back stock of these products (the D1 batch has committed): their
 * detail pages are invalidated, and lists only when a product's availability flipped, i.e. it
 * sold out (stock_total now 0) or came back (stock_total now equals what was just given back).
 * Lists otherwise keep showing the stock_total they were cached with, for up to the cache TTL.
 */
/** What invalidateAfterStockChange needs of a product after its stock changed. */
export interface StockRow {
  id: string
  slug: string
  stock_total: number
}

export async function invalidateAfterStockChange(
  env: { CATALOG_CACHE?: KVNamespace },
  db: DB,
  lines: readonly { product_id: string; quantity: number }[],
  direction: 'reserved' | 'released',
  /** The products' rows read after the stock change (the checkout reads them in its own batch); else read here. */
  known?: readonly StockRow[],
): Promise<void> {
  if (!env.CATALOG_CACHE || !lines.length) return
  const qty = new Map<string, number>()
  for (const l of lines) qty.set(l.product_id, (qty.get(l.product_id) ?? 0) + l.quantity)
  const ids = [...qty.keys()]
  const rows =
    known ??
    (
      await db.$client
        .prepare(`SELECT id, slug, stock_total FROM products WHERE id IN (${ids.map(() => '?').join(',')})`)
        .bind(...ids)
        .all<StockRow>()
    ).results
  const tags = ids.map(productTag)
  let flipped = false
  for (const r of rows) {
    tags.push(productTag(r.slug))
    if (direction === 'reserved' ? r.stock_total <= 0 : r.stock_total > 0 && r.stock_total <= (qty.get(r.id) ?? 0)) flipped = true
  }
  if (flipped) tags.push(LIST_TAG)
  await invalidateCatalogTags(env, tags)
}

const PRODUCT_IN_PATH = /\/products\/([^/]+)/

/**
 * Middleware for catalog write routes (product, variant, stock, image, review, category): after a
 * successful write, invalidate lists and the touched product's detail page (by id, by its slug
 * before and after the write, so a rename also drops the page cached under the old slug).
 */
export const invalidateCatalogAfterWrite = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next()
  const id = PRODUCT_IN_PATH.exec(c.req.path)?.[1]
  const db = c.get('db')
  const before = id ? await productTags(db, [id]) : []
  await next()
  if (c.res.status >= 400) return
  const after = id ? await productTags(db, [id]) : []
  const categories = c.req.path.includes('/categories') ? [CATEGORIES_TAG] : []
  await invalidateCatalogTags(c.env, [LIST_TAG, ...categories, ...before, ...after])
})
