/**
 * Importing marketplace orders as our orders. Idempotent twice over: the orders module refuses a
 * second order with the same (source, external_id), and marketplace_orders has
 * UNIQUE(marketplace, external_id); an order seen again only has its marketplace status refreshed.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { publishCatalogChange } from '../../lib/events'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { getVariantsForPricing, invalidateAfterStockChange } from '../catalog/service'
import { importExternalOrder } from '../orders/import'
import type { MarketplaceEnv } from './config'
import { MarketplaceError, type ExternalOrder } from './marketplace'
import { marketplaceFor } from './sync'
import { lastRun, recordRun } from './sync-state'
import { marketplaceOrders, marketplaceProducts, type MarketplaceName } from './tables'

/** First import looks back this far; later ones continue from the previous run, with overlap. */
const FIRST_LOOKBACK_MS = 24 * 3600 * 1000
/** Re-read a little before the last run so orders created during it are not missed. */
const OVERLAP_MS = 15 * 60 * 1000

export interface ImportResult {
  marketplace: MarketplaceName
  since: string
  fetched: number
  imported: number
  existing: number
  failed: number
  errors: { external_id: string; message: string }[]
}

/**
 * Where this import's window starts: just before the previous run when it went cleanly; the
 * previous run's own start when it failed (listing error, or an order that could not be imported),
 * so nothing it missed drops out of the window.
 */
async function importWindowStart(db: DB, marketplace: MarketplaceName, now: Date): Promise<Date> {
  const previous = await lastRun(db, marketplace, 'import_orders')
  if (!previous) return new Date(now.getTime() - FIRST_LOOKBACK_MS)
  if (previous.ok) return new Date(Date.parse(previous.startedAt) - OVERLAP_MS)
  return previous.since ? new Date(previous.since) : new Date(now.getTime() - FIRST_LOOKBACK_MS)
}

/** Our SKU -> {product, variant} for offers we published to this marketplace. */
async function variantsBySku(db: DB, marketplace: MarketplaceName, skus: string[]) {
  const out = new Map<string, { product_id: string; variant_id: string }>()
  if (!skus.length) return out
  const rows = await db.all<{ product_id: string; sku: string; variant_id: string }>(sql`
    SELECT mp.product_id, json_extract(j.value, '$.sku') AS sku, json_extract(j.value, '$.variant_id') AS variant_id
    FROM ${marketplaceProducts} mp, json_each(mp.snapshot) j
    WHERE mp.marketplace = ${marketplace}
      AND json_extract(j.value, '$.sku') IN (${sql.join(
        skus.map((s) => sql`${s}`),
        sql`, `,
      )})`)
  for (const r of rows) out.set(r.sku, { product_id: r.product_id, variant_id: r.variant_id })
  return out
}

/**
 * Import one external order. Returns 'existing' when it was imported before (its marketplace
 * status is refreshed), 'imported' when an order was created now.
 */
export async function importOne(db: DB, env: MarketplaceEnv, order: ExternalOrder): Promise<'imported' | 'existing'> {
  const now = nowIso()
  const [known] = await db
    .select()
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.marketplace, order.marketplace), eq(marketplaceOrders.externalId, order.external_id)))
  if (known) {
    if (known.externalStatus !== order.external_status) {
      await db
        .update(marketplaceOrders)
        .set({ externalStatus: order.external_status, updatedAt: now })
        .where(eq(marketplaceOrders.id, known.id))
    }
    return 'existing'
  }

  const skus = [...new Set(order.lines.map((l) => l.sku))]
  const bySku = await variantsBySku(db, order.marketplace, skus)
  const unknown = skus.filter((s) => !bySku.has(s))
  if (unknown.length) throw new AppError('unprocessable', `Unknown SKU(s) ${unknown.join(', ')}: not published to ${order.marketplace}`)
  const variants = new Map(
    (
      await getVariantsForPricing(
        db,
        [...bySku.values()].map((v) => v.variant_id),
      )
    ).map((v) => [v.variant_id, v]),
  )

  const lines = order.lines.map((l) => {
    const ref = bySku.get(l.sku)!
    const v = variants.get(ref.variant_id)
    if (!v) throw new AppError('unprocessable', `SKU ${l.sku} no longer exists in the catalog`)
    return {
      product_id: v.product_id,
      variant_id: v.variant_id,
      seller_id: v.seller_id,
      product_name: v.product_name,
      variant_name: v.variant_name,
      sku: v.sku,
      unit_price: l.unit_price,
      quantity: l.quantity,
    }
  })

  const imported = await importExternalOrder(env, {
    source: order.marketplace,
    external_id: order.external_id,
    external_number: order.external_number,
    status: order.status,
    currency: order.currency,
    total: order.total,
    customer_name: order.customer_name,
    created_at: order.created_at,
    lines,
  })
  await db
    .insert(marketplaceOrders)
    .values({
      id: newId('mpo'),
      marketplace: order.marketplace,
      externalId: order.external_id,
      externalNumber: order.external_number,
      externalStatus: order.external_status,
      orderId: imported.order_id,
      importedAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  if (imported.created && imported.stock_reserved) {
    await invalidateAfterStockChange(env, db, lines, 'reserved').catch((err: unknown) =>
      log('warn', 'catalog cache invalidation failed', { order_id: imported.order_id, error: String(err) }),
    )
  }
  if (imported.created && imported.stock_reserved && env.MARKETPLACE_QUEUE) {
    // The sale took our stock: the other marketplace must see the new quantity too.
    await publishCatalogChange(
      { MARKETPLACE_QUEUE: env.MARKETPLACE_QUEUE },
      [...new Set(lines.map((l) => l.product_id))],
      `${order.marketplace}.order_imported`,
    )
  }
  return imported.created ? 'imported' : 'existing'
}

/** Fetch orders created since the last import and import each one; one bad order never stops the rest. */
export async function importOrders(
  env: MarketplaceEnv,
  marketplace: MarketplaceName,
  trigger: 'cron' | 'admin',
  now = new Date(),
): Promise<ImportResult> {
  const adapter = marketplaceFor(env, marketplace)
  if (!adapter) throw new AppError('conflict', `${marketplace} is disabled: its credentials are not configured`)
  const db = getDb(env)
  const startedAt = now.toISOString()
  const since = await importWindowStart(db, marketplace, now)
  let orders: ExternalOrder[]
  try {
    orders = await adapter.listNewOrders(since)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await recordRun(db, {
      marketplace,
      kind: 'import_orders',
      trigger,
      ok: false,
      summary: {},
      error: message,
      since: since.toISOString(),
      startedAt,
    })
    if (err instanceof MarketplaceError) throw new AppError('upstream_error', `${marketplace} order listing failed: ${message}`)
    throw err
  }
  const result: ImportResult = {
    marketplace,
    since: since.toISOString(),
    fetched: orders.length,
    imported: 0,
    existing: 0,
    failed: 0,
    errors: [],
  }
  for (const order of orders) {
    try {
      result[await importOne(db, env, order)]++
    } catch (err) {
      result.failed++
      const message = err instanceof Error ? err.message : String(err)
      result.errors.push({ external_id: order.external_id, message })
      log('warn', 'marketplace order import failed', { marketplace, external_id: order.external_id, error: message })
    }
  }
  await recordRun(db, {
    marketplace,
    kind: 'import_orders',
    trigger,
    ok: result.failed === 0,
    summary: { fetched: result.fetched, imported: result.imported, existing: result.existing, failed: result.failed },
    error: result.errors[0]?.message ?? null,
    since: result.since,
    startedAt,
  })
  return result
}

/** Imported order ids for the given external ids (tests, admin tooling). */
export async function importedOrderIds(db: DB, marketplace: MarketplaceName, externalIds: string[]) {
  if (!externalIds.length) return new Map<string, string>()
  const rows = await db
    .select({ externalId: marketplaceOrders.externalId, orderId: marketplaceOrders.orderId })
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.marketplace, marketplace), inArray(marketplaceOrders.externalId, externalIds)))
  return new Map(rows.map((r) => [r.externalId, r.orderId]))
}
