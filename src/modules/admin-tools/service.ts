import type { SearchQuery, SearchResult } from './schema'

/** `%text%` for LIKE … ESCAPE '\', with the user's own % and _ taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

type OrderRow = {
  id: string
  status: SearchResult['orders'][number]['status']
  email: string | null
  customer_name: string | null
  currency: string
  total: number
  created_at: string
}
type CustomerRow = SearchResult['customers'][number]
type ProductRow = {
  id: string
  name: string
  status: SearchResult['products'][number]['status']
  seller_name: string | null
  sku: string | null
}

/**
 * Staff search across orders (number, order or account email, customer name), accounts (email or
 * name) and products (name or a variant's SKU); "contains", case-insensitive for ASCII.
 */
export async function searchEverything(env: Pick<Env, 'DB'>, q: SearchQuery): Promise<SearchResult> {
  const like = contains(q.q)
  const [orders, customers, products] = await env.DB.batch([
    env.DB.prepare(
      `SELECT o.id, o.status, o.email, u.name AS customer_name, o.currency, o.total, o.created_at
         FROM orders o LEFT JOIN users u ON u.id = o.user_id
        WHERE o.id = ?1 OR o.id LIKE ?2 ESCAPE '\\' OR o.email LIKE ?2 ESCAPE '\\' OR u.email LIKE ?2 ESCAPE '\\' OR u.name LIKE ?2 ESCAPE '\\'
        ORDER BY o.created_at DESC LIMIT ?3`,
    ).bind(q.q, like, q.limit),
    env.DB.prepare(
      `SELECT id, email, name, role FROM users WHERE email LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' ORDER BY created_at DESC LIMIT ?2`,
    ).bind(like, q.limit),
    env.DB.prepare(
      `SELECT p.id, p.name, p.status, s.name AS seller_name,
              (SELECT v.sku FROM product_variants v WHERE v.product_id = p.id AND v.sku LIKE ?1 ESCAPE '\\' LIMIT 1) AS sku
         FROM products p LEFT JOIN users s ON s.id = p.seller_id
        WHERE p.name LIKE ?1 ESCAPE '\\' OR EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.sku LIKE ?1 ESCAPE '\\')
        ORDER BY p.updated_at DESC LIMIT ?2`,
    ).bind(like, q.limit),
  ])
  return {
    query: q.q,
    orders: (orders!.results as OrderRow[]).map((o) => ({
      id: o.id,
      status: o.status,
      email: o.email,
      customer_name: o.customer_name,
      total: { amount: o.total, currency: o.currency },
      created_at: o.created_at,
    })),
    customers: customers!.results as CustomerRow[],
    products: products!.results as ProductRow[],
  }
}
