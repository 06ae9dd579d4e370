import { and, desc, eq, inArray } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { orderLines, orders, type OrderStatus } from './tables'

/**
 * The order states that prove a purchase: paid, on its way or delivered, or partly refunded (the
 * customer kept some of it). Pending, processing (payment not confirmed), failed, cancelled and
 * fully refunded orders do not.
 */
export const PURCHASE_STATUSES = ['paid', 'shipped', 'delivered', 'partially_refunded'] as const satisfies readonly OrderStatus[]

/** The newest of the user's orders that proves they bought the product (a review cites it), or undefined. */
export async function purchaseOf(db: DB, userId: string, productId: string): Promise<string | undefined> {
  const row = await db
    .select({ id: orders.id })
    .from(orders)
    .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
    .where(and(eq(orders.userId, userId), eq(orderLines.productId, productId), inArray(orders.status, PURCHASE_STATUSES)))
    .orderBy(desc(orders.createdAt))
    .limit(1)
    .get()
  return row?.id
}
