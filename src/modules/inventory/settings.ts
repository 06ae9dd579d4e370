import { eq } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { nowIso } from '../../lib/time'
import { users } from '../accounts/tables'
import { storeSettings } from './tables'

/** Low stock until an admin sets another threshold. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5
const KEY = 'low_stock_threshold'

export interface InventorySettings {
  low_stock_threshold: number
  updated_at: string | null
  updated_by_name: string | null
}

/** The store's low-stock threshold (the default when none was saved) and who set it. */
export async function inventorySettings(db: DB): Promise<InventorySettings> {
  const row = await db
    .select({ value: storeSettings.value, updatedAt: storeSettings.updatedAt, name: users.name })
    .from(storeSettings)
    .leftJoin(users, eq(users.id, storeSettings.updatedBy))
    .where(eq(storeSettings.key, KEY))
    .get()
  const value = row ? Number(JSON.parse(row.value)) : Number.NaN
  return {
    low_stock_threshold: Number.isSafeInteger(value) && value >= 0 ? value : DEFAULT_LOW_STOCK_THRESHOLD,
    updated_at: row?.updatedAt ?? null,
    updated_by_name: row?.name ?? null,
  }
}

/** Save the threshold (last write wins: it is one value, not a counter). */
export async function saveInventorySettings(db: DB, actorId: string, input: { low_stock_threshold: number }): Promise<InventorySettings> {
  const now = nowIso()
  const value = JSON.stringify(input.low_stock_threshold)
  await db
    .insert(storeSettings)
    .values({ key: KEY, value, updatedBy: actorId, updatedAt: now })
    .onConflictDoUpdate({ target: storeSettings.key, set: { value, updatedBy: actorId, updatedAt: now } })
  return inventorySettings(db)
}
