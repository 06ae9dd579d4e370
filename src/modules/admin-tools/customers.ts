import type { DB } from '../../lib/db'
import { listAddresses } from '../accounts/addresses'
import { getUserForAdmin } from '../accounts/service'
import { AWAITING_PAYMENT, PAID_OR_LATER } from '../orders/state-machine'
import type { CustomerProfile } from './schema'

interface TotalsRow {
  currency: string
  orders: number
  paid_orders: number
  open_orders: number
  paid_total: number
  refunded: number
  first_order_at: string
  last_order_at: string
}

const placeholders = (n: number, from: number) => Array.from({ length: n }, (_, i) => `?${from + i}`).join(', ')

/**
 * One account as staff see it: profile, saved addresses and order totals per currency. Lifetime
 * value counts orders whose money was captured (paid or later), net of refunds; amounts in
 * different currencies are never added together.
 */
export async function customerProfile(env: Pick<Env, 'DB'>, db: DB, userId: string): Promise<CustomerProfile> {
  const user = await getUserForAdmin(db, userId)
  const paid = [...PAID_OR_LATER]
  const open = [...AWAITING_PAYMENT]
  const [addresses, totals] = await Promise.all([
    listAddresses(db, userId),
    env.DB.prepare(
      `SELECT currency,
              COUNT(*) AS orders,
              SUM(CASE WHEN status IN (${placeholders(paid.length, 2)}) THEN 1 ELSE 0 END) AS paid_orders,
              SUM(CASE WHEN status IN (${placeholders(open.length, 2 + paid.length)}) THEN 1 ELSE 0 END) AS open_orders,
              SUM(CASE WHEN status IN (${placeholders(paid.length, 2)}) THEN total ELSE 0 END) AS paid_total,
              SUM(CASE WHEN status IN (${placeholders(paid.length, 2)}) THEN refunded_amount ELSE 0 END) AS refunded,
              MIN(created_at) AS first_order_at,
              MAX(created_at) AS last_order_at
         FROM orders WHERE user_id = ?1 GROUP BY currency ORDER BY currency`,
    )
      .bind(userId, ...paid, ...open)
      .all<TotalsRow>(),
  ])
  return {
    user,
    addresses,
    totals: totals.results.map((t) => ({
      currency: t.currency,
      orders: t.orders,
      paid_orders: t.paid_orders,
      open_orders: t.open_orders,
      spent: { amount: t.paid_total, currency: t.currency },
      refunded: { amount: t.refunded, currency: t.currency },
      lifetime_value: { amount: t.paid_total - t.refunded, currency: t.currency },
      average_order: { amount: t.paid_orders ? Math.round(t.paid_total / t.paid_orders) : 0, currency: t.currency },
      first_order_at: t.first_order_at,
      last_order_at: t.last_order_at,
    })),
  }
}
