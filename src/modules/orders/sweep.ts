import { and, asc, inArray, lt } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { nowIso } from '../../lib/time'
import { orderStub } from './service'
import { orders } from './tables'

/** Grace after the deadline before the sweep steps in: the DO's own alarm normally wins. */
const GRACE_MS = 60_000

/**
 * Cron safety net for the D1/DO split: an unpaid order whose payment deadline passed more than a
 * minute ago but is still pending/processing in D1 either has no OrderDO (the checkout Worker died
 * between the D1 batch and creating it) or a write-through that is lagging. Waking its DO makes it
 * initialise from D1 if needed, fail the order and release the stock.
 */
export async function sweepStaleOrders(env: Pick<Env, 'DB' | 'ORDER'>, limit = 50) {
  const cutoff = nowIso(Date.now() - GRACE_MS)
  const stale = await getDb(env)
    .select({ id: orders.id })
    .from(orders)
    .where(and(inArray(orders.status, ['pending', 'processing']), lt(orders.paymentDueAt, cutoff)))
    .orderBy(asc(orders.paymentDueAt))
    .limit(limit)
  let reconciled = 0
  for (const { id } of stale) {
    await orderStub(env, id).reconcile(id)
    reconciled++
  }
  return { stale: stale.length, reconciled }
}
