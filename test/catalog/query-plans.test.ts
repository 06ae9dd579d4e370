import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { clearCatalogMemo } from '../../src/modules/catalog/cache'
import { BASE, createUser } from '../helpers'
import { ADDRESS, flatShipping } from '../orders/fixtures'
import { makeCategory, makeProduct, sku, uniqueWord } from './fixtures'

/**
 * The hot paths' statements must reach the catalog's big tables through an index: at 100k products
 * a `SCAN` of one of them is a full table walk on every request (docs/benchmarks.md, fourth pass).
 * The statements are the ones the Worker really sends: a D1 wrapper records each with its bound
 * values while a request is served, and the test asks SQLite for the plan of each.
 *
 * Without statistics (D1 runs no ANALYZE), SQLite picks the plan from the schema alone, so the
 * plans of this small test database are the plans of a 100k catalog.
 */

/** Tables that grow with the catalog or with the orders: never walked whole on a hot path. */
const BIG_TABLES = [
  'products',
  'product_variants',
  'product_images',
  'reviews',
  'products_fts_docs',
  'users',
  'orders',
  'order_lines',
  'order_history',
  'payments',
  'stock_adjustments',
]

interface Recorded {
  sql: string
  params: unknown[]
}

/** A D1 binding (and its sessions) that records every statement with the values bound to it. */
function recordingD1(db: D1Database) {
  const log: Recorded[] = []
  const statement = (stmt: D1PreparedStatement, entry: Recorded): D1PreparedStatement =>
    new Proxy(stmt, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver)
        if (prop === 'bind')
          return (...params: unknown[]) => {
            entry.params = params
            return (value as (...a: unknown[]) => D1PreparedStatement).apply(t, params)
          }
        return typeof value === 'function' ? value.bind(t) : value
      },
    })
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver)
        if (typeof value !== 'function') return value
        if (prop === 'prepare')
          return (sql: string) => {
            const entry = { sql, params: [] }
            log.push(entry)
            return statement((value as (s: string) => D1PreparedStatement).call(t, sql), entry)
          }
        if (prop === 'withSession') return (...args: unknown[]) => wrap((value as (...a: unknown[]) => object).apply(t, args))
        return value.bind(t)
      },
    })
  return { db: wrap(db), log }
}

/** The catalog cache as always empty (reads miss, writes are dropped), so every request reaches D1. */
function emptyCache(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(t, prop, receiver) {
      if (prop === 'get') return async (key: string | string[]) => (Array.isArray(key) ? new Map(key.map((k) => [k, null])) : null)
      if (prop === 'put') return async () => {}
      const value = Reflect.get(t, prop, receiver)
      return typeof value === 'function' ? value.bind(t) : value
    },
  })
}

/** Serves one request with a recording D1 and an empty catalog cache; returns the status and the statements sent. */
async function recorded(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  clearCatalogMemo()
  const { db, log } = recordingD1(env.DB)
  const ctx = createExecutionContext()
  const req = new Request(`${BASE}${path}`, {
    method,
    headers: { ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  })
  const res = await worker.fetch!(
    req as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DB: db, CATALOG_CACHE: emptyCache(env.CATALOG_CACHE) },
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return { status: res.status, statements: log }
}

/** `EXPLAIN QUERY PLAN` of a statement, one detail line per step. */
async function planOf(s: Recorded): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
    .bind(...s.params)
    .all<{ detail: string }>()
  return results.map((r) => r.detail)
}

/** The table names and aliases of big tables a statement mentions (`products p` gives both). */
function bigNames(sql: string): Set<string> {
  const names = new Set<string>()
  for (const m of sql.matchAll(/(?:from|join|update|into)\s+["`]?(\w+)["`]?(?:\s+(?:as\s+)?["`]?(\w+)["`]?)?/gi)) {
    const table = m[1]!.toLowerCase()
    if (!BIG_TABLES.includes(table)) continue
    names.add(table)
    const alias = m[2]?.toLowerCase()
    if (alias && !['where', 'on', 'set', 'join', 'left', 'inner', 'order', 'group', 'limit', 'values'].includes(alias)) names.add(alias)
  }
  return names
}

/** Plan lines that walk a whole big table (or a whole index of one). */
async function fullScans(statements: Recorded[]): Promise<string[]> {
  const found: string[] = []
  for (const s of statements) {
    const names = bigNames(s.sql)
    if (names.size === 0) continue
    for (const line of await planOf(s)) {
      const m = line.match(/^SCAN (\w+)/)
      if (m && names.has(m[1]!.toLowerCase())) found.push(`${line}  <-  ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`)
    }
  }
  return found
}

/** The plan lines of the statements whose SQL contains `text`, joined. */
async function plansOf(statements: Recorded[], text: string): Promise<string> {
  const lines: string[] = []
  for (const s of statements.filter((st) => st.sql.includes(text))) lines.push(...(await planOf(s)))
  expect(lines.length, `a statement with ${text}`).toBeGreaterThan(0)
  return lines.join(' | ')
}

describe('query plans of the hot paths at catalog scale', () => {
  let word: string
  let product: Awaited<ReturnType<typeof makeProduct>>
  let category: { id: string; slug: string }
  let shipping: string
  let admin: Awaited<ReturnType<typeof createUser>>

  beforeAll(async () => {
    admin = await createUser('admin')
    word = uniqueWord()
    const top = await makeCategory(admin, `Top ${word}`)
    category = await makeCategory(admin, `Leaf ${word}`, top.id)
    product = await makeProduct(admin, {
      name: `${word} lamp`,
      description: 'A lamp for the plan test.',
      category_id: category.id,
      variants: [{ sku: sku(), price: 1500, stock: 50 }],
    })
    await makeProduct(admin, { name: `${word} chair`, category_id: top.id })
    shipping = await flatShipping()
  })

  it('catalog reads (list, sorts, filters, category, search, detail, category tree) walk no big table', async () => {
    const paths = [
      '/api/v1/products?limit=20',
      '/api/v1/products?limit=20&sort=price_asc',
      '/api/v1/products?limit=20&sort=price_desc',
      '/api/v1/products?limit=20&sort=rating',
      '/api/v1/products?limit=20&in_stock=true',
      `/api/v1/products?category=${category.slug}&limit=20`,
      `/api/v1/products?q=${word}&limit=20`,
      `/api/v1/products?q=${word}&limit=20&min_price=1000&in_stock=true`,
      `/api/v1/products?q=${word}&limit=20&sort=price_asc`,
      `/api/v1/products/${product.slug}`,
      `/api/v1/products/${product.id}`,
      `/api/v1/products/${product.id}/reviews`,
      '/api/v1/categories',
      `/api/v1/categories/${category.slug}`,
    ]
    for (const path of paths) {
      const r = await recorded('GET', path)
      expect(r.status, path).toBe(200)
      expect(r.statements.length, path).toBeGreaterThan(0)
      expect(await fullScans(r.statements), path).toEqual([])
    }
  })

  it('relevance search filters every FTS match on an index, never on the product row or the FTS text', async () => {
    const r = await recorded('GET', `/api/v1/products?q=${word}&limit=20&min_price=1000&in_stock=true`)
    expect(r.status).toBe(200)
    const plan = await plansOf(r.statements, 'products_fts MATCH')
    // The FTS match drives; each match is joined by rowid and filtered on the covering index.
    expect(plan).toMatch(/SCAN products_fts VIRTUAL TABLE INDEX \d+:M/)
    expect(plan).toContain('SEARCH d USING INTEGER PRIMARY KEY (rowid=?)')
    expect(plan).toContain('SEARCH p USING COVERING INDEX products_id_filters_idx (id=? AND status=? AND price_min>?)')
  })

  it('the category tree counts products per category from an index alone', async () => {
    const r = await recorded('GET', '/api/v1/categories')
    expect(r.status).toBe(200)
    const plan = await plansOf(r.statements, 'COUNT(*)')
    expect(plan).toContain('USING COVERING INDEX products_status_category_idx')
    expect(plan).not.toContain('TEMP B-TREE')
  })

  it("a product's published reviews (list and moderation's rating recount) are found by product", async () => {
    const reviewer = await createUser('customer')
    const reviewId = `rev_plan_${word}`
    await env.DB.prepare(`INSERT INTO reviews (id, product_id, user_id, rating, created_at) VALUES (?, ?, ?, 4, ?)`)
      .bind(reviewId, product.id, reviewer.id, new Date().toISOString())
      .run()
    const list = await recorded('GET', `/api/v1/products/${product.id}/reviews`)
    expect(list.status).toBe(200)
    expect(await plansOf(list.statements, '"reviews"')).toContain('reviews_product_status_created_idx (product_id=? AND status=?)')
    const hide = await recorded('POST', `/api/v1/admin/reviews/${reviewId}/hide`, { headers: admin.auth, body: { reason: 'plan test' } })
    expect(hide.status).toBe(200)
    expect(await fullScans(hide.statements)).toEqual([])
    const recount = await plansOf(hide.statements, "status = 'published'")
    expect(recount).toContain('reviews_product_status_created_idx (product_id=? AND status=?)')
    expect(recount).not.toContain('reviews_status_created_idx')
  })

  it('add to cart and checkout (stock reservation, order rows) walk no big table', async () => {
    const customer = await createUser('customer')
    const add = await recorded('POST', '/api/v1/cart/items', {
      headers: customer.auth,
      body: { variant_id: product.variants[0]!.id, quantity: 1 },
    })
    expect(add.status).toBeLessThan(300)
    expect(add.statements.length).toBeGreaterThan(0)
    const checkout = await recorded('POST', '/api/v1/checkout', {
      headers: { ...customer.auth, 'Idempotency-Key': crypto.randomUUID() },
      body: { shipping_address: ADDRESS, shipping_method_id: shipping, payment_provider: 'manual' },
    })
    expect(checkout.status).toBe(201)
    expect(checkout.statements.some((s) => /update "product_variants" set "stock"/i.test(s.sql))).toBe(true)
    expect(await fullScans(add.statements)).toEqual([])
    expect(await fullScans(checkout.statements)).toEqual([])
  })

  it('the FTS triggers of a product insert, rename and delete address one FTS row, never the whole index', async () => {
    const { results } = await env.DB.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products'`).all<{
      name: string
      sql: string
    }>()
    expect(results.map((t) => t.name).sort()).toEqual(['products_fts_delete', 'products_fts_insert', 'products_fts_update'])
    for (const trigger of results) {
      const body = trigger.sql.slice(trigger.sql.search(/\bBEGIN\b/) + 5, trigger.sql.lastIndexOf('END'))
      for (const raw of body
        .split(';')
        .map((b) => b.trim())
        .filter(Boolean)) {
        // old.x / new.x are the row's values inside the trigger; a bound value stands in for them.
        const sql = raw.replace(/\b(?:old|new)\.\w+/g, '?')
        const params = Array.from(sql.matchAll(/\?/g), () => 'prd_x')
        for (const line of await planOf({ sql, params })) {
          // "INDEX 0:" with nothing after the colon is an FTS5 full scan; "0:=" is a rowid look-up.
          expect(line, `${trigger.name}: ${sql}`).not.toMatch(/VIRTUAL TABLE INDEX \d+:$/)
          expect(line, `${trigger.name}: ${sql}`).not.toMatch(/^SCAN products_fts_docs\b/)
        }
      }
    }
  })
})
