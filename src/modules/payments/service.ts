/**
 * Payments' own reads: the API view of a payment row and the admin lists of payments and alerts.
 * Paying an order (start, staff confirmation, an order's money) is src/workflows/pay-order.ts.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { olderThanCursor, paginate } from '../../lib/pagination'
import type { PaymentRow } from './store'
import { paymentAlerts, payments } from './tables'

export function paymentView(p: PaymentRow) {
  return {
    id: p.id,
    order_id: p.orderId,
    user_id: p.userId,
    provider: p.provider,
    provider_ref: p.providerRef,
    status: p.status,
    amount: { amount: p.amount, currency: p.currency },
    amount_received: { amount: p.amountReceived, currency: p.currency },
    amount_refunded: { amount: p.amountRefunded, currency: p.currency },
    failure_reason: p.failureReason,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }
}

export interface ListPaymentsQuery {
  limit: number
  cursor?: string
  status?: PaymentRow['status']
  provider?: string
  order_id?: string
}

/** Admin list, newest first, keyset-paginated on (created_at, id). */
export async function listPayments(env: Pick<Env, 'DB'>, query: ListPaymentsQuery) {
  const where: SQL[] = []
  if (query.status) where.push(eq(payments.status, query.status))
  if (query.provider) where.push(eq(payments.provider, query.provider))
  if (query.order_id) where.push(eq(payments.orderId, query.order_id))
  if (query.cursor) where.push(olderThanCursor(query.cursor, payments.createdAt, payments.id))
  const rows = await getDb(env)
    .select()
    .from(payments)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (p) => [p.createdAt, p.id])
  return { data: page.data.map(paymentView), next_cursor: page.next_cursor }
}

/** Admin list of payment alerts (amount/currency mismatches, payments for dead orders), newest first. */
export async function listAlerts(env: Pick<Env, 'DB'>, query: { limit: number; cursor?: string; order_id?: string }) {
  const where: SQL[] = []
  if (query.order_id) where.push(eq(paymentAlerts.orderId, query.order_id))
  if (query.cursor) where.push(olderThanCursor(query.cursor, paymentAlerts.createdAt, paymentAlerts.id))
  const rows = await getDb(env)
    .select()
    .from(paymentAlerts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(paymentAlerts.createdAt), desc(paymentAlerts.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (a) => [a.createdAt, a.id])
  return {
    data: page.data.map((a) => ({
      id: a.id,
      kind: a.kind,
      order_id: a.orderId,
      payment_id: a.paymentId,
      event_id: a.eventId,
      details: JSON.parse(a.details) as Record<string, unknown>,
      created_at: a.createdAt,
      resolved_at: a.resolvedAt,
    })),
    next_cursor: page.next_cursor,
  }
}
