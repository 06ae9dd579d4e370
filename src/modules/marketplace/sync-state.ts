/** Reads and writes of marketplace_products (per product, per marketplace sync state) and marketplace_runs. */
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { SyncProduct } from './marketplace'
import { marketplaceProducts, marketplaceRuns, type MarketplaceName, type SyncState } from './tables'

/** One offer as last pushed, stored in marketplace_products.snapshot. */
export interface SnapshotOffer {
  sku: string
  variant_id: string
  name: string
  brand: string | null
  price: number
  compare_at_price: number | null
  currency: string
  stock: number
  active: boolean
  /** Hash of the product content (name, description, images): a change means re-importing the card. */
  content: string
}

export type SyncRow = typeof marketplaceProducts.$inferSelect

/** FNV-1a, enough to notice that content changed; not a security hash. */
function fnv(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

export function snapshotOf(p: SyncProduct): SnapshotOffer[] {
  const content = fnv(JSON.stringify([p.name, p.description, p.brand, p.images, p.offers.map((o) => [o.sku, o.name, o.weight_grams])]))
  return p.offers.map((o) => ({
    sku: o.sku,
    variant_id: o.variant_id,
    name: p.offers.length > 1 ? `${p.name} ${o.name}` : p.name,
    brand: p.brand,
    price: o.price,
    compare_at_price: o.compare_at_price,
    currency: o.currency,
    stock: p.active ? o.stock : 0,
    active: p.active,
    content,
  }))
}

/** What differs between the last pushed snapshot and the product now. No snapshot: everything. */
export function diffSnapshot(previous: SnapshotOffer[] | null, next: SnapshotOffer[]) {
  if (!previous || previous.length === 0) return { content: true, prices: true, stock: true }
  const before = new Map(previous.map((o) => [o.sku, o]))
  const sameSkus = previous.length === next.length && next.every((o) => before.has(o.sku))
  let content = !sameSkus
  let prices = !sameSkus
  let stock = !sameSkus
  for (const o of next) {
    const b = before.get(o.sku)
    if (!b) continue
    if (b.content !== o.content || b.name !== o.name) content = true
    if (b.price !== o.price || b.compare_at_price !== o.compare_at_price || b.currency !== o.currency) prices = true
    if (b.stock !== o.stock || b.active !== o.active) stock = true
  }
  return { content, prices, stock }
}

export async function getSyncRows(db: DB, marketplace: MarketplaceName, productIds: string[]): Promise<Map<string, SyncRow>> {
  const out = new Map<string, SyncRow>()
  for (let i = 0; i < productIds.length; i += 90) {
    const rows = await db
      .select()
      .from(marketplaceProducts)
      .where(and(eq(marketplaceProducts.marketplace, marketplace), inArray(marketplaceProducts.productId, productIds.slice(i, i + 90))))
    for (const r of rows) out.set(r.productId, r)
  }
  return out
}

export interface RowOutcome {
  productId: string
  state: SyncState
  error: string | null
  /** Success only: the offers now published, and external ids learned. */
  snapshot?: SnapshotOffer[]
  externalId?: string
  externalIds?: Record<string, string>
}

/**
 * Record one push outcome per product in one batch. A success resets attempts and stores the
 * snapshot; a failure counts an attempt and keeps the previous snapshot (what is still published).
 */
export async function recordOutcomes(db: DB, marketplace: MarketplaceName, outcomes: RowOutcome[], now = nowIso()) {
  if (!outcomes.length) return
  const statements = outcomes.map((o) => {
    const ok = o.state === 'synced'
    const externalIds = JSON.stringify(o.externalIds ?? {})
    return db
      .insert(marketplaceProducts)
      .values({
        marketplace,
        productId: o.productId,
        state: o.state,
        attempts: ok ? 0 : o.state === 'pending' && o.error === null ? 0 : 1,
        lastError: o.error,
        lastAttemptAt: o.error === null && !ok ? null : now,
        lastSuccessAt: ok ? now : null,
        externalId: o.externalId ?? null,
        externalIds,
        snapshot: ok ? JSON.stringify(o.snapshot ?? []) : '[]',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [marketplaceProducts.marketplace, marketplaceProducts.productId],
        set: ok
          ? {
              state: 'synced',
              attempts: 0,
              lastError: null,
              lastAttemptAt: now,
              lastSuccessAt: now,
              snapshot: JSON.stringify(o.snapshot ?? []),
              externalId: o.externalId ? o.externalId : sql`${marketplaceProducts.externalId}`,
              // Merge: an offer's id learned earlier is kept unless the marketplace sent a new one.
              externalIds: sql`json_patch(${marketplaceProducts.externalIds}, ${externalIds})`,
              updatedAt: now,
            }
          : o.error === null
            ? // Queued again (admin re-run): pending, counters untouched.
              { state: 'pending', updatedAt: now }
            : {
                state: o.state,
                attempts: sql`${marketplaceProducts.attempts} + 1`,
                lastError: o.error,
                lastAttemptAt: now,
                updatedAt: now,
              },
      })
  })
  const [first, ...rest] = statements
  if (first) await db.batch([first, ...rest])
}

/** Product ids waiting for a retry or stuck in error, oldest first. */
export async function productsNeedingPush(db: DB, marketplace: MarketplaceName, limit: number): Promise<string[]> {
  const rows = await db
    .select({ productId: marketplaceProducts.productId })
    .from(marketplaceProducts)
    .where(and(eq(marketplaceProducts.marketplace, marketplace), inArray(marketplaceProducts.state, ['pending', 'error'])))
    .orderBy(marketplaceProducts.updatedAt)
    .limit(limit)
  return rows.map((r) => r.productId)
}

export interface RunRecord {
  marketplace: MarketplaceName
  kind: 'push' | 'import_orders'
  trigger: 'queue' | 'cron' | 'admin'
  ok: boolean
  summary: Record<string, number>
  error?: string | null
  since?: string | null
  startedAt: string
}

export async function recordRun(db: DB, run: RunRecord): Promise<void> {
  await db.insert(marketplaceRuns).values({
    id: newId('mrun'),
    marketplace: run.marketplace,
    kind: run.kind,
    trigger: run.trigger,
    ok: run.ok,
    summary: JSON.stringify(run.summary),
    error: run.error ?? null,
    since: run.since ?? null,
    startedAt: run.startedAt,
    finishedAt: nowIso(),
  })
}

export async function lastRun(db: DB, marketplace: MarketplaceName, kind: 'push' | 'import_orders', onlyOk = false) {
  const [row] = await db
    .select()
    .from(marketplaceRuns)
    .where(
      and(eq(marketplaceRuns.marketplace, marketplace), eq(marketplaceRuns.kind, kind), ...(onlyOk ? [eq(marketplaceRuns.ok, true)] : [])),
    )
    .orderBy(desc(marketplaceRuns.startedAt))
    .limit(1)
  return row ?? null
}
