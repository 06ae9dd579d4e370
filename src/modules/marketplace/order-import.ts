/**
 * Marketplace orders already imported (marketplace_orders). Importing them as our orders spans
 * marketplace, catalog and orders: src/workflows/order-import.ts.
 */
import { and, eq, inArray } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { marketplaceOrders, type MarketplaceName } from './tables'

/** Imported order ids for the given external ids (tests, admin tooling). */
export async function importedOrderIds(db: DB, marketplace: MarketplaceName, externalIds: string[]) {
  if (!externalIds.length) return new Map<string, string>()
  const rows = await db
    .select({ externalId: marketplaceOrders.externalId, orderId: marketplaceOrders.orderId })
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.marketplace, marketplace), inArray(marketplaceOrders.externalId, externalIds)))
  return new Map(rows.map((r) => [r.externalId, r.orderId]))
}
