import type { RangeQuery, SalesReport } from './schema'

/**
 * Reporting reads the orders read model (orders, order_lines) directly: it is a read-only
 * projection for dashboards, so going through the orders service row by row would only make it slow.
 *
 * Revenue counts orders that were paid at some point (paid, shipped, delivered, partially_refunded,
 * refunded), net of refunds, bucketed by the UTC day the order was placed. Amounts stay per currency:
 * summing USD with KZT would be meaningless.
 */
const PAID_STATUSES = ['paid', 'shipped', 'delivered', 'partially_refunded', 'refunded'] as const
const PAID_SQL = PAID_STATUSES.map((s) => `'${s}'`).join(', ')

export function resolveRange(q: Pick<RangeQuery, 'from' | 'to'>, now = new Date()) {
  const to = q.to ?? now.toISOString().slice(0, 10)
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)
  // Half-open interval on ISO timestamps: [from 00:00, day after `to` 00:00).
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString()
  return { from, to, start: `${from}T00:00:00.000Z`, end }
}

/** Sales figures for a date range; with `sellerId`, only that seller's order lines count. */
export async function salesReport(env: Pick<Env, 'DB'>, q: RangeQuery, sellerId?: string): Promise<SalesReport> {
  const { from, to, start, end } = resolveRange(q)
  const db = env.DB
  const sellerFilter = sellerId ? 'AND l.seller_id = ?3' : ''
  const bind = (stmt: D1PreparedStatement) => (sellerId ? stmt.bind(start, end, sellerId) : stmt.bind(start, end))

  // For a seller, revenue is the sum of their lines (line totals are after discount and tax), so
  // order-level refunds are not attributed to lines; for the whole store it is net of refunds.
  const byDay = sellerId
    ? `SELECT substr(o.created_at, 1, 10) AS day, o.currency, SUM(l.total) AS revenue, COUNT(DISTINCT o.id) AS orders
       FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE o.created_at >= ?1 AND o.created_at < ?2 AND o.status IN (${PAID_SQL}) ${sellerFilter}
       GROUP BY day, o.currency ORDER BY day, o.currency`
    : `SELECT substr(created_at, 1, 10) AS day, currency, SUM(total - refunded_amount) AS revenue, COUNT(*) AS orders
       FROM orders WHERE created_at >= ?1 AND created_at < ?2 AND status IN (${PAID_SQL})
       GROUP BY day, currency ORDER BY day, currency`
  const totals = sellerId
    ? `SELECT o.currency, SUM(l.total) AS amount, COUNT(DISTINCT o.id) AS orders, 0 AS refunded
       FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE o.created_at >= ?1 AND o.created_at < ?2 AND o.status IN (${PAID_SQL}) ${sellerFilter}
       GROUP BY o.currency ORDER BY o.currency`
    : `SELECT currency, SUM(total - refunded_amount) AS amount, COUNT(*) AS orders, SUM(refunded_amount) AS refunded
       FROM orders WHERE created_at >= ?1 AND created_at < ?2 AND status IN (${PAID_SQL})
       GROUP BY currency ORDER BY currency`
  const byStatus = sellerId
    ? `SELECT o.status, COUNT(DISTINCT o.id) AS count FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE o.created_at >= ?1 AND o.created_at < ?2 ${sellerFilter} GROUP BY o.status ORDER BY count DESC, o.status`
    : `SELECT status, COUNT(*) AS count FROM orders WHERE created_at >= ?1 AND created_at < ?2
       GROUP BY status ORDER BY count DESC, status`
  const topProducts = `SELECT l.product_id, MAX(l.product_name) AS product_name, o.currency,
       SUM(l.quantity) AS quantity, SUM(l.total) AS revenue
     FROM order_lines l JOIN orders o ON o.id = l.order_id
     WHERE o.created_at >= ?1 AND o.created_at < ?2 AND o.status IN (${PAID_SQL}) ${sellerFilter}
     GROUP BY l.product_id, o.currency ORDER BY revenue DESC, l.product_id LIMIT ${q.limit}`
  const topSellers = `SELECT l.seller_id, u.name AS seller_name, o.currency, SUM(l.quantity) AS quantity, SUM(l.total) AS revenue
     FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN users u ON u.id = l.seller_id
     WHERE o.created_at >= ?1 AND o.created_at < ?2 AND o.status IN (${PAID_SQL}) ${sellerFilter}
     GROUP BY l.seller_id, o.currency ORDER BY revenue DESC, l.seller_id LIMIT ${q.limit}`

  const [days, sums, statuses, products, sellers] = await db.batch([
    bind(db.prepare(byDay)),
    bind(db.prepare(totals)),
    bind(db.prepare(byStatus)),
    bind(db.prepare(topProducts)),
    bind(db.prepare(topSellers)),
  ])
  return {
    from,
    to,
    revenue_by_day: (days!.results as SalesReport['revenue_by_day']) ?? [],
    totals: (sums!.results as SalesReport['totals']) ?? [],
    orders_by_status: (statuses!.results as SalesReport['orders_by_status']) ?? [],
    top_products: (products!.results as SalesReport['top_products']) ?? [],
    top_sellers: (sellers!.results as SalesReport['top_sellers']) ?? [],
  }
}
