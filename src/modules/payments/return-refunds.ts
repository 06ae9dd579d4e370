/**
 * Refunds that belong to a return (RMA). The payments module owns the refund rows and their
 * idempotency keys: a return's refund is keyed `return:<id>` (`return:<id>:<n>` for a later attempt;
 * src/modules/returns/refunds.ts derives them). When the provider confirms such a refund later (a
 * webhook, reconciliation), the return is completed here through the OrderDO, which holds the return,
 * so payments needs only the orders module, never returns.
 */
import { and, eq, like } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import type { ReturnActionResult } from '../orders/model'
import { orderState, orderStub } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { refunds } from './tables'

export const RETURN_REFUND_PREFIX = 'return:'

/** The return a refund's idempotency key belongs to, or null for other refunds. */
export function returnIdOfRefundKey(key: string): string | null {
  if (!key.startsWith(RETURN_REFUND_PREFIX)) return null
  return key.slice(RETURN_REFUND_PREFIX.length).split(':')[0] || null
}

/**
 * Move every received return of the order whose refund has since succeeded to `refunded`, through
 * the OrderDO (which answers `changed: false` to a repeat, so a redelivered webhook or a race with
 * staff's retry completes it once). Called after syncRefundsFromProvider copied the provider's refunds.
 */
export async function completeReturnRefunds(env: Pick<Env, 'DB' | 'ORDER'>, orderId: string, actor: Actor): Promise<number> {
  const rows = await getDb(env)
    .select({ id: refunds.id, key: refunds.idempotencyKey })
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.status, 'succeeded'), like(refunds.idempotencyKey, `${RETURN_REFUND_PREFIX}%`)))
  if (!rows.length) return 0
  const state = await orderState(env, orderId)
  let moved = 0
  for (const row of rows) {
    const returnId = returnIdOfRefundKey(row.key)
    const ret = state?.returns?.find((r) => r.id === returnId)
    if (!returnId || ret?.status !== 'received') continue
    const out = (await orderStub(env, orderId).returnAction(orderId, {
      kind: 'refunded',
      return_id: returnId,
      actor,
      refund_id: row.id,
    })) as ReturnActionResult
    if (out.ok) {
      if (out.changed) moved++
    } else log('warn', 'return refund not applied', { order_id: orderId, return_id: returnId, refund_id: row.id, error: out.code })
  }
  return moved
}
