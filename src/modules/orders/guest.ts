/**
 * Guest checkout: a guest cart (X-Cart-Token) checks out with an email and no account. Guest orders
 * belong to one disabled service user (`guest-checkout@service.invalid`) and carry the shopper's
 * email; the shopper reads the order through a signed link (HMAC-SHA256 of the order id), and the
 * orders move to a real account once its owner proves the same email (verification or sign-in of
 * a verified account).
 */
import { and, eq, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { notFound } from '../../lib/errors'
import { GUEST_SERVICE_EMAIL, verifyOrderSignature } from '../../lib/order-link'
import { log } from '../../lib/observability'
import { ensureServiceUser } from '../accounts/service-users'
import { getOrder, type OrderDetail } from './service'
import { orders } from './tables'

export { GUEST_SERVICE_EMAIL, orderLink, signOrderId, verifyOrderSignature, type OrderLinkEnv } from '../../lib/order-link'

/** The service user that owns every guest order until its shopper signs up. */
export const guestUserId = (db: DB) => ensureServiceUser(db, GUEST_SERVICE_EMAIL, 'Guest checkout')

/** An order read through its signed link; a wrong signature is the same 404 as a missing order. */
export async function getOrderBySignature(env: Env, orderId: string, signature: string): Promise<OrderDetail> {
  if (!(await verifyOrderSignature(env, orderId, signature))) throw notFound('Order')
  return getOrder(env, orderId)
}

/**
 * Give a user the guest orders placed with their email. Only call it once the user has shown they
 * own that mailbox (verified email). Returns how many orders moved.
 */
export async function attachGuestOrders(db: DB, user: { id: string; email: string }): Promise<number> {
  const guestId = await guestUserId(db)
  if (guestId === user.id) return 0
  const res = await db
    .update(orders)
    .set({ userId: user.id, updatedAt: new Date().toISOString() })
    .where(and(eq(orders.userId, guestId), eq(sql`lower(${orders.email})`, user.email.trim().toLowerCase())))
  const moved = res.meta.changes ?? 0
  if (moved) log('info', 'guest orders attached to account', { user_id: user.id, orders: moved })
  return moved
}
