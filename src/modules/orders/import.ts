/**
 * Where an imported order came from (order_external_refs). Creating orders that were placed
 * elsewhere (Kaspi, Ozon) spans orders, inventory and accounts: src/workflows/order-import.ts.
 */
import { eq } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { orderExternalRefs } from './import-tables'

/**
 * Where an order came from, or null for our own checkout orders. A primary-key read, cheap enough
 * for the OrderDO to do on every transition (marketplace status push, see write-through.ts).
 */
export async function externalRefOf(env: Pick<Env, 'DB'>, orderId: string): Promise<{ source: string; external_id: string } | null> {
  const [row] = await getDb(env)
    .select({ source: orderExternalRefs.source, externalId: orderExternalRefs.externalId })
    .from(orderExternalRefs)
    .where(eq(orderExternalRefs.orderId, orderId))
  return row ? { source: row.source, external_id: row.externalId } : null
}
