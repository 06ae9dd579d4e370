import { type SQL, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, badRequest } from '../../lib/errors'
import { decodeCursor, paginate } from '../../lib/pagination'
import { resolveCategoryId } from './categories'
import { ftsQuery } from './fts'
import type { ProductSort, ProductSummary } from './schema'

export interface ProductSearch {
  q?: string
  category?: string
  min_price?: number
  max_price?: number
  /** Only products with stock in some variant. */
  in_stock?: boolean
  sort?: ProductSort
  limit: number
  cursor?: string
  /** Public lists pass 'active'; management lists may pass any status or none. */
  status?: 'draft' | 'active' | 'archived'
  sellerId?: string
  /** Management lists: products with a variant whose SKU contains this text (case-insensitive for ASCII). */
  sku?: string
}

interface SummaryRow {
  id: string
  seller_id: string
  category_id: string | null
  name: string
  slug: string
  status: 'draft' | 'active' | 'archived'
  currency: string
  price_min: number
  price_max: number
  stock_total: number
  rating_count: number
  rating_avg_x100: number
  image_key: string | null
  created_at: string
  updated_at: string
  sort_key: string | number
}

/** bm25 column weights: product_id (unindexed), name, description. A name hit outweighs a description hit. */
const BM25 = sql.raw('bm25(products_fts, 0.0, 10.0, 1.0)')

const ORDER: Record<ProductSort, { key: SQL; desc: boolean; type: 'string' | 'number' }> = {
  relevance: { key: sql.raw('h.rank'), desc: false, type: 'number' },
  newest: { key: sql.raw('p.created_at'), desc: true, type: 'string' },
  price_asc: { key: sql.raw('p.price_min'), desc: false, type: 'number' },
  price_desc: { key: sql.raw('p.price_min'), desc: true, type: 'number' },
  rating: { key: sql.raw('p.rating_avg_x100'), desc: true, type: 'number' },
}

export const imageUrl = (key: string) => `/images/${key}`

export function toSummary(row: Omit<SummaryRow, 'sort_key'>): ProductSummary {
  return {
    id: row.id,
    seller_id: row.seller_id,
    category_id: row.category_id,
    name: row.name,
    slug: row.slug,
    status: row.status,
    currency: row.currency,
    price_min: row.price_min,
    price_max: row.price_max,
    stock_total: row.stock_total,
    in_stock: row.stock_total > 0,
    rating: { average: row.rating_avg_x100 / 100, count: row.rating_count },
    image_url: row.image_key ? imageUrl(row.image_key) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/**
 * The product list: optional full-text query, category subtree, price range, sort and keyset
 * pagination. The cursor is (sort, sort value, id) of the last row, so rows inserted or deleted
 * elsewhere never shift a page; only a row whose own sort value changes can move. Relevance
 * pages key on the bm25 rank within the same query text.
 */
export async function searchProducts(db: DB, o: ProductSearch): Promise<{ data: ProductSummary[]; next_cursor: string | null }> {
  const q = o.q?.trim() || undefined
  const sort: ProductSort = o.sort ?? (q ? 'relevance' : 'newest')
  if (sort === 'relevance' && !q)
    throw badRequest('sort=relevance needs a search query', [{ path: 'sort', message: 'give q or another sort' }])
  if (o.min_price !== undefined && o.max_price !== undefined && o.min_price > o.max_price) {
    throw badRequest('min_price must not exceed max_price', [{ path: 'min_price', message: 'greater than max_price' }])
  }
  const order = ORDER[sort]
  let after: [string | number, string] | undefined
  if (o.cursor) {
    const [cursorSort, key, id] = decodeCursor(o.cursor, 3)
    if (cursorSort !== sort || typeof key !== order.type || typeof id !== 'string') {
      throw new AppError('invalid_cursor', 'The cursor belongs to a different sort order')
    }
    after = [key as string | number, id]
  }

  const match = q ? ftsQuery(q) : null
  if (q && !match) return { data: [], next_cursor: null }

  const where: SQL[] = []
  if (o.status) where.push(sql`p.status = ${o.status}`)
  if (o.sellerId) where.push(sql`p.seller_id = ${o.sellerId}`)
  if (o.sku) {
    const like = `%${o.sku.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    where.push(sql`EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.sku LIKE ${like} ESCAPE '\\')`)
  }
  if (o.category) {
    const categoryId = await resolveCategoryId(db, o.category)
    where.push(sql`p.category_id IN (
      WITH RECURSIVE sub(id) AS (
        SELECT ${categoryId}
        UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id
      ) SELECT id FROM sub)`)
  }
  if (o.min_price !== undefined) where.push(sql`p.price_min >= ${o.min_price}`)
  if (o.max_price !== undefined) where.push(sql`p.price_min <= ${o.max_price}`)
  if (o.in_stock) where.push(sql`p.stock_total > 0`)
  // Product ids of the matches through products_fts_docs: reading product_id from the FTS table
  // loads each match's stored text, several times slower at 100k products (docs/benchmarks.md).
  if (match && sort !== 'relevance')
    where.push(
      sql`p.id IN (SELECT product_id FROM products_fts_docs WHERE docid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ${match}))`,
    )
  if (after) where.push(sql`(${order.key}, p.id) ${sql.raw(order.desc ? '<' : '>')} (${after[0]}, ${after[1]})`)

  const dir = sql.raw(order.desc ? 'DESC' : 'ASC')
  const filters = where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``
  // The inner query picks the page's ids only; the columns and the first image are read for the
  // page's rows alone, not for every match the sort had to look at.
  const pageQuery = (from: SQL, head: SQL = sql``, extra: SQL = sql``) => sql`${head}
    SELECT p.id, p.seller_id, p.category_id, p.name, p.slug, p.status, p.currency, p.price_min, p.price_max,
      p.stock_total, p.rating_count, p.rating_avg_x100, p.created_at, p.updated_at, page.sort_key,
      (SELECT i.key FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1) AS image_key ${extra}
    FROM (
      SELECT p.id, ${order.key} AS sort_key
      FROM ${from}
      ${filters}
      ORDER BY ${order.key} ${dir}, p.id ${dir}
      LIMIT ${o.limit + 1}
    ) page
    CROSS JOIN products p ON p.id = page.id
    ORDER BY page.sort_key ${dir}, page.id ${dir}`
  // Shoppers' plain searches (no filter beyond the status) may take relevancePage's shortcut; with a
  // price, category, stock, seller or SKU filter few of the best matches may pass, and the shortcut's
  // failed try would only add to the full read.
  const filtered = Boolean(o.category || o.sellerId || o.sku || o.in_stock || o.min_price !== undefined || o.max_price !== undefined)
  const rows =
    sort === 'relevance'
      ? await relevancePage(db, match!, after, o.limit, pageQuery, !filtered)
      : await db.all<SummaryRow>(pageQuery(sql`products p`))
  const page = paginate(rows, o.limit, (row) => [sort, row.sort_key, row.id])
  return { data: page.data.map(toSummary), next_cursor: page.next_cursor }
}

/** How many of the best-ranked matches relevancePage() filters before it falls back to all of them. */
const RELEVANCE_CANDIDATES = 200

/**
 * A relevance page. bm25 must rank every match, but joining and filtering every match is what grew
 * with the catalog (thousands of rows for a common word at 100k products). So the page is first cut
 * from the best RELEVANCE_CANDIDATES matches (after the cursor's rank), ranked inside FTS5; that page
 * is the true one when the candidates were all the matches, or when its last row ranks strictly better
 * than the worst candidate (every match left out ranks no better than that one). Otherwise (many
 * drafts among the best, say), and for filtered searches (tryBest false), the page is read from all
 * matches. Ranking is the part no index avoids: the try costs about as much as bm25 over every match.
 * Each match is joined through products_fts_docs by rowid (no read of the FTS text) and filtered on
 * products_id_filters_idx (no read of the product row); CROSS JOIN keeps the FTS match as the outer
 * loop (SQLite may otherwise walk a price index and run the MATCH once per product).
 */
async function relevancePage(
  db: DB,
  match: string,
  after: [string | number, string] | undefined,
  limit: number,
  pageQuery: (from: SQL, head?: SQL, extra?: SQL) => SQL,
  tryBest: boolean,
): Promise<SummaryRow[]> {
  const join = sql`CROSS JOIN products_fts_docs d ON d.docid = h.docid CROSS JOIN products p ON p.id = d.product_id`
  const all = () =>
    db.all<SummaryRow>(
      pageQuery(sql`(SELECT rowid AS docid, ${BM25} AS rank FROM products_fts WHERE products_fts MATCH ${match}) h ${join}`),
    )
  if (!tryBest) return all()
  const candidates = Math.max(RELEVANCE_CANDIDATES, 4 * (limit + 1))
  const fromRank = after ? sql`AND ${BM25} >= ${after[0]}` : sql``
  const rows = await db.all<SummaryRow & { candidates: number; worst: number | null }>(
    pageQuery(
      sql`h ${join}`,
      sql`WITH h AS MATERIALIZED (SELECT rowid AS docid, ${BM25} AS rank FROM products_fts WHERE products_fts MATCH ${match} ${fromRank} ORDER BY rank LIMIT ${candidates})`,
      sql`, (SELECT count(*) FROM h) AS candidates, (SELECT max(rank) FROM h) AS worst`,
    ),
  )
  const first = rows[0]
  const last = rows.at(-1)
  if (first && last && (first.candidates < candidates || (rows.length > limit && Number(last.sort_key) < (first.worst ?? 0)))) return rows
  // (An empty answer cannot say how many candidates there were: the full read decides.)
  return all()
}
