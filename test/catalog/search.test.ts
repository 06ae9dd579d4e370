import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:test'
import { api, createUser } from '../helpers'
import { makeCategory, makeProduct, sku, uniqueWord } from './fixtures'
import { buyerOf } from './review-fixtures'

type Page = { data: { id: string; name: string; price_min: number; rating: { average: number } }[]; next_cursor: string | null }
const list = (query: string) => api<Page>('GET', `/api/v1/products?${query}`)
const ids = (page: Page) => page.data.map((p) => p.id)
/** The API's newest-first order: created_at, then id, both descending. */
const byNewest = (a: { created_at?: unknown; id: string }, b: { created_at?: unknown; id: string }) => {
  const ka = `${a.created_at}|${a.id}`
  const kb = `${b.created_at}|${b.id}`
  return ka < kb ? 1 : ka > kb ? -1 : 0
}

describe('full-text search', () => {
  it('ranks a name match above a description match, and matches prefixes of the last word', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const inDescription = await makeProduct(seller, { name: 'Plain kettle', description: `A kettle that goes well with ${word} tea` })
    const inName = await makeProduct(seller, { name: `${word} teapot`, description: 'Porcelain' })
    await makeProduct(seller, { name: 'Unrelated', description: 'nothing here' })
    const res = await list(`q=${word}`)
    expect(res.status).toBe(200)
    expect(ids(res.body)).toEqual([inName.id, inDescription.id])

    const prefix = await list(`q=${encodeURIComponent(word.slice(0, 6))}`)
    expect(ids(prefix.body)).toEqual([inName.id, inDescription.id])
    const twoWords = await list(`q=${encodeURIComponent(`${word} teapo`)}`)
    expect(ids(twoWords.body)).toEqual([inName.id])
  })

  it('never turns FTS syntax in user input into a 500', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const p = await makeProduct(seller, { name: `${word} lamp` })
    for (const q of ['"foo AND (', 'NEAR(', '*', 'a OR', '")(*:^', 'name:foo', '-x', '"', 'AND', `${word}"`, `"${word} AND (`]) {
      const res = await list(`q=${encodeURIComponent(q)}`)
      expect(res.status, q).toBe(200)
    }
    const res = await list(`q=${encodeURIComponent(`"${word} (`)}`)
    expect(ids(res.body)).toEqual([p.id])
  })

  it('does not show drafts or archived products', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    await makeProduct(seller, { name: `${word} draft`, status: 'draft' })
    await makeProduct(seller, { name: `${word} old`, status: 'archived' })
    const active = await makeProduct(seller, { name: `${word} live` })
    expect(ids((await list(`q=${word}`)).body)).toEqual([active.id])
  })
})

describe('filters and sorts', () => {
  it('filters by category including subcategories, and by price range', async () => {
    const admin = await createUser('admin')
    const seller = await createUser('seller')
    const word = uniqueWord()
    const root = await makeCategory(admin, `Kitchen ${word}`)
    const child = await makeCategory(admin, `Cups ${word}`, root.id)
    const grandchild = await makeCategory(admin, `Espresso cups ${word}`, child.id)
    const other = await makeCategory(admin, `Garden ${word}`)
    const a = await makeProduct(seller, { name: `${word} a`, category_id: root.id, variants: [{ sku: sku(), price: 500 }] })
    const b = await makeProduct(seller, { name: `${word} b`, category_id: child.id, variants: [{ sku: sku(), price: 1500 }] })
    const c = await makeProduct(seller, { name: `${word} c`, category_id: grandchild.id, variants: [{ sku: sku(), price: 2500 }] })
    const d = await makeProduct(seller, { name: `${word} d`, category_id: other.id, variants: [{ sku: sku(), price: 1000 }] })

    expect(new Set(ids((await list(`category=${root.id}`)).body))).toEqual(new Set([a.id, b.id, c.id]))
    expect(new Set(ids((await list(`category=${child.slug}`)).body))).toEqual(new Set([b.id, c.id]))
    expect(ids((await list(`category=${grandchild.id}`)).body)).toEqual([c.id])
    expect(ids((await list(`category=${other.id}`)).body)).toEqual([d.id])
    expect((await list('category=no-such-category')).status).toBe(404)

    expect(ids((await list(`q=${word}&min_price=1000&max_price=2000&sort=price_asc`)).body)).toEqual([d.id, b.id])
    expect(ids((await list(`q=${word}&category=${root.id}&min_price=1000&sort=price_desc`)).body)).toEqual([c.id, b.id])

    const tree = await api('GET', '/api/v1/categories')
    const rootNode = tree.body.data.find((n: { id: string }) => n.id === root.id)
    expect(rootNode).toMatchObject({ product_count: 1, total_product_count: 3 })
    expect(rootNode.children[0]).toMatchObject({ id: child.id, total_product_count: 2 })
  })

  it('sorts by price, newest and rating', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const cheap = await makeProduct(seller, { name: `${word} cheap`, variants: [{ sku: sku(), price: 100, stock: 5 }] })
    const mid = await makeProduct(seller, {
      name: `${word} mid`,
      variants: [
        { sku: sku(), price: 500, stock: 5 },
        { sku: sku(), price: 50_000 },
      ],
    })
    const dear = await makeProduct(seller, { name: `${word} dear`, variants: [{ sku: sku(), price: 900, stock: 5 }] })
    expect(ids((await list(`q=${word}&sort=price_asc`)).body)).toEqual([cheap.id, mid.id, dear.id])
    expect(ids((await list(`q=${word}&sort=price_desc`)).body)).toEqual([dear.id, mid.id, cheap.id])
    const newest = [cheap, mid, dear].sort(byNewest).map((p) => p.id)
    expect(ids((await list(`q=${word}&sort=newest`)).body)).toEqual(newest)

    for (const [product, rating] of [
      [cheap, 5],
      [dear, 2],
      [mid, 4],
    ] as const) {
      // Only buyers may review (a paid order of the product), hence the stock above.
      const reviewer = await buyerOf(product.variants[0]!.id)
      expect((await api('POST', `/api/v1/products/${product.id}/reviews`, { headers: reviewer.auth, body: { rating } })).status).toBe(201)
    }
    const byRating = await list(`q=${word}&sort=rating`)
    expect(ids(byRating.body)).toEqual([cheap.id, mid.id, dear.id])
    expect(byRating.body.data.map((p) => p.rating.average)).toEqual([5, 4, 2])
  })

  it('rejects bad sort, bad cursor, bad prices and a cursor from another sort with 400', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    for (let i = 0; i < 3; i++) await makeProduct(seller, { name: `${word} ${i}` })
    const page = await list(`q=${word}&sort=newest&limit=1`)
    expect(page.body.next_cursor).toBeTruthy()
    const cases: [string, string][] = [
      ['sort=cheapest', 'validation_error'],
      ['cursor=not-a-cursor', 'invalid_cursor'],
      [`cursor=${encodeURIComponent(btoa('[1,2,3]'))}`, 'invalid_cursor'],
      [`q=${word}&sort=price_asc&cursor=${page.body.next_cursor}`, 'invalid_cursor'],
      ['min_price=-1', 'validation_error'],
      ['min_price=9.99', 'validation_error'],
      ['max_price=abc', 'validation_error'],
      ['min_price=10&max_price=5', 'validation_error'],
      ['limit=0', 'validation_error'],
      ['limit=101', 'validation_error'],
      ['sort=relevance', 'validation_error'],
    ]
    for (const [query, code] of cases) {
      const res = await list(query)
      expect(res.status, query).toBe(400)
      expect((res.body as unknown as { error: { code: string } }).error.code, query).toBe(code)
    }
  })
})

describe('pagination stability', () => {
  it('page 2 has no duplicates and no gaps after inserts and edits between pages', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const made = []
    for (let i = 0; i < 7; i++) made.push(await makeProduct(seller, { name: `${word} item ${i}` }))
    // Products created in the same millisecond are ordered by id, so derive the order, don't assume it.
    const expected = made.sort(byNewest).map((p) => p.id)

    const page1 = await list(`q=${word}&sort=newest&limit=3`)
    expect(ids(page1.body)).toEqual(expected.slice(0, 3))

    // Between pages: newer products arrive and older ones are edited (name, price, stock).
    for (let i = 0; i < 3; i++) await makeProduct(seller, { name: `${word} late ${i}` })
    for (const id of [expected[4]!, expected[0]!]) {
      const res = await api('PATCH', `/api/v1/seller/products/${id}`, { headers: seller.auth, body: { name: `${word} renamed` } })
      expect(res.status).toBe(200)
      const detail = await api('GET', `/api/v1/seller/products/${id}`, { headers: seller.auth })
      await api('PATCH', `/api/v1/seller/products/${id}/variants/${detail.body.variants[0].id}`, {
        headers: seller.auth,
        body: { price: 7, stock: 99 },
      })
    }

    const page2 = await list(`q=${word}&sort=newest&limit=3&cursor=${page1.body.next_cursor}`)
    const page3 = await list(`q=${word}&sort=newest&limit=3&cursor=${page2.body.next_cursor}`)
    expect(ids(page2.body)).toEqual(expected.slice(3, 6))
    expect(ids(page3.body)).toEqual(expected.slice(6))
    expect(page3.body.next_cursor).toBeNull()
  })

  it('walks every page of a price sort exactly once', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const prices = [300, 100, 300, 200, 100, 300, 200]
    for (const price of prices) await makeProduct(seller, { name: `${word} p${price}`, variants: [{ sku: sku(), price }] })
    const seen: string[] = []
    const seenPrices: number[] = []
    let cursor: string | null = null
    do {
      const res: Awaited<ReturnType<typeof list>> = await list(`q=${word}&sort=price_asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...ids(res.body))
      seenPrices.push(...res.body.data.map((p) => p.price_min))
      cursor = res.body.next_cursor
    } while (cursor)
    expect(seen).toHaveLength(prices.length)
    expect(new Set(seen).size).toBe(prices.length)
    expect(seenPrices).toEqual([...prices].sort((a, b) => a - b))
  })

  it('pages through relevance results by (rank, id)', async () => {
    const seller = await createUser('seller')
    const word = uniqueWord()
    for (let i = 0; i < 5; i++)
      await makeProduct(seller, { name: i % 2 ? `${word} name ${i}` : `thing ${i}`, description: i % 2 ? '' : `about ${word}` })
    const all = ids((await list(`q=${word}&limit=50`)).body)
    expect(all).toHaveLength(5)
    const p1 = await list(`q=${word}&limit=2`)
    const p2 = await list(`q=${word}&limit=2&cursor=${p1.body.next_cursor}`)
    const p3 = await list(`q=${word}&limit=2&cursor=${p2.body.next_cursor}`)
    expect([...ids(p1.body), ...ids(p2.body), ...ids(p3.body)]).toEqual(all)
  })
})

describe('relevance over many matches (the page is cut from the best-ranked matches first)', () => {
  /** 320 matching products written straight to D1 (the FTS triggers index them): the 190 best-ranked
   * are drafts, so the first read's 200 candidates hold only 10 listable products and the page must
   * come from all matches; the 130 active ones tie in rank in groups, with prices spread for a filter. */
  async function manyMatches() {
    const seller = await createUser('seller')
    const word = uniqueWord()
    const now = new Date().toISOString()
    const rows = Array.from({ length: 320 }, (_, i) => {
      const id = `prd_${word}_${String(i).padStart(3, '0')}`
      const draft = i < 190
      // Three name shapes and a description-only match give a few distinct ranks with many ties.
      const shape = i % 4
      const name = draft
        ? `${word} ${word} ${word}`
        : shape === 0
          ? `${word} ${word} lamp`
          : shape === 1
            ? `${word} lamp`
            : shape === 2
              ? `Lamp ${i}`
              : `${word} lamp with shade`
      const description = !draft && shape === 2 ? `goes with ${word}` : 'plain'
      const price = 100 + ((i * 37) % 260) * 10
      return env.DB.prepare(
        `INSERT INTO products (id, seller_id, name, slug, description, status, currency, price_min, price_max, stock_total, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?, 1, ?, ?)`,
      ).bind(id, seller.id, name, `${id}-slug`, description, draft ? 'draft' : 'active', price, price, now, now)
    })
    await env.DB.batch(rows)
    return word
  }

  /** The order every match would take with no shortcut: bm25 over all matches, then id. */
  async function expected(word: string, minPrice = 0) {
    const { results } = await env.DB.prepare(
      `SELECT p.id FROM (SELECT rowid AS docid, bm25(products_fts, 0.0, 10.0, 1.0) AS rank FROM products_fts WHERE products_fts MATCH ?) h
       JOIN products_fts_docs d ON d.docid = h.docid JOIN products p ON p.id = d.product_id
       WHERE p.status = 'active' AND p.price_min >= ? ORDER BY h.rank, p.id`,
    )
      .bind(`"${word}"*`, minPrice)
      .all<{ id: string }>()
    return results.map((r) => r.id)
  }

  async function pageThrough(query: string) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: { status: number; body: Page } = await list(`${query}&limit=40${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.status).toBe(200)
      seen.push(...ids(res.body))
      cursor = res.body.next_cursor
    } while (cursor)
    return seen
  }

  it('pages give exactly the full ranking, ties broken by id, when drafts fill the best candidates and with a price filter', async () => {
    const word = await manyMatches()
    const all = await expected(word)
    expect(all).toHaveLength(130)
    expect(await pageThrough(`q=${word}`)).toEqual(all)
    const expensive = await expected(word, 2500)
    expect(expensive.length).toBeGreaterThan(0)
    expect(expensive.length).toBeLessThan(all.length / 2)
    expect(await pageThrough(`q=${word}&min_price=2500`)).toEqual(expensive)
  })
})
