/**
 * Marketplace sync as the rest of the app sees it: admin status and sync rows, queueing a re-run,
 * the Kaspi price list. Pushing lives in sync.ts; order import and the cron job are workflows
 * (src/workflows/order-import.ts, src/workflows/marketplace-cron.ts).
 */
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { decodeCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import { searchProducts } from '../catalog/service'
import { isEnabled, kaspiConfig, type MarketplaceEnv } from './config'
import type { SyncRequestedMessage } from './consumer'
import { publishedKaspiOffers, renderPriceList } from './price-list'
import { lastRun, recordOutcomes, type SnapshotOffer } from './sync-state'
import { MARKETPLACES, marketplaceOrders, marketplaceProducts, type MarketplaceName, type SyncState } from './tables'

export { syncProducts } from './sync'

const runView = (r: Awaited<ReturnType<typeof lastRun>>) =>
  r && {
    id: r.id,
    kind: r.kind,
    trigger: r.trigger,
    ok: r.ok,
    summary: JSON.parse(r.summary) as Record<string, number>,
    error: r.error,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
  }

/** Per marketplace: enabled or not, sync rows by state, imported orders, the last push and import runs. */
export async function marketplaceStatus(env: MarketplaceEnv) {
  const db = getDb(env)
  const counts = await db
    .select({ marketplace: marketplaceProducts.marketplace, state: marketplaceProducts.state, n: sql<number>`count(*)` })
    .from(marketplaceProducts)
    .groupBy(marketplaceProducts.marketplace, marketplaceProducts.state)
  const orderCounts = await db
    .select({ marketplace: marketplaceOrders.marketplace, n: sql<number>`count(*)` })
    .from(marketplaceOrders)
    .groupBy(marketplaceOrders.marketplace)
  return Promise.all(
    MARKETPLACES.map(async (name) => {
      const by = (state: SyncState) => counts.find((c) => c.marketplace === name && c.state === state)?.n ?? 0
      return {
        marketplace: name,
        enabled: isEnabled(env, name),
        counts: { pending: by('pending'), synced: by('synced'), error: by('error') },
        imported_orders: orderCounts.find((c) => c.marketplace === name)?.n ?? 0,
        last_push: runView(await lastRun(db, name, 'push')),
        last_import: runView(await lastRun(db, name, 'import_orders')),
      }
    }),
  )
}

export interface SyncRowQuery {
  limit: number
  cursor?: string
  state?: SyncState
  marketplace?: MarketplaceName
}

/** Sync rows in (product_id, marketplace) order, keyset-paginated, with the offers last pushed. */
export async function listSyncRows(db: DB, q: SyncRowQuery) {
  const where: SQL[] = []
  if (q.state) where.push(eq(marketplaceProducts.state, q.state))
  if (q.marketplace) where.push(eq(marketplaceProducts.marketplace, q.marketplace))
  if (q.cursor) {
    const [productId, marketplace] = decodeCursor(q.cursor, 2) as [string, string]
    const after = or(
      gt(marketplaceProducts.productId, productId),
      and(eq(marketplaceProducts.productId, productId), gt(marketplaceProducts.marketplace, marketplace as MarketplaceName)),
    )
    if (after) where.push(after)
  }
  const rows = await db
    .select()
    .from(marketplaceProducts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(marketplaceProducts.productId), asc(marketplaceProducts.marketplace))
    .limit(q.limit + 1)
  const page = paginate(rows, q.limit, (r) => [r.productId, r.marketplace])
  return {
    data: page.data.map((r) => ({
      marketplace: r.marketplace,
      product_id: r.productId,
      state: r.state,
      attempts: r.attempts,
      last_error: r.lastError,
      last_attempt_at: r.lastAttemptAt,
      last_success_at: r.lastSuccessAt,
      external_id: r.externalId,
      external_ids: JSON.parse(r.externalIds) as Record<string, string>,
      offers: (JSON.parse(r.snapshot) as SnapshotOffer[]).map((o) => ({
        sku: o.sku,
        price: o.price,
        currency: o.currency,
        stock: o.stock,
        active: o.active,
      })),
      updated_at: r.updatedAt,
    })),
    next_cursor: page.next_cursor,
  }
}

const MESSAGE_PRODUCTS = 500

/**
 * Queue a full re-push. Rows are marked pending first so the admin list shows what is waiting;
 * the consumer pushes content, prices and stock regardless of the last snapshot.
 */
export async function requestSync(
  env: MarketplaceEnv,
  input: { marketplace?: MarketplaceName; product_ids?: string[] },
  requestedBy: string,
) {
  if (!env.MARKETPLACE_QUEUE) throw new Error('MARKETPLACE_QUEUE binding missing')
  const marketplaces = (input.marketplace ? [input.marketplace] : [...MARKETPLACES]).filter((m) => isEnabled(env, m))
  if (!marketplaces.length) {
    throw new AppError(
      'conflict',
      input.marketplace ? `${input.marketplace} is disabled: its credentials are not configured` : 'No marketplace is enabled',
    )
  }
  const db = getDb(env)
  const productIds = input.product_ids ? [...new Set(input.product_ids)] : await everyProductToSync(db, marketplaces)
  const now = nowIso()
  const messages: SyncRequestedMessage[] = []
  for (let i = 0; i < productIds.length; i += MESSAGE_PRODUCTS) {
    messages.push({
      id: newId('msg'),
      type: 'marketplace.sync_requested',
      occurred_at: now,
      product_ids: productIds.slice(i, i + MESSAGE_PRODUCTS),
      marketplaces,
      requested_by: requestedBy,
    })
  }
  for (const m of marketplaces) {
    await recordOutcomes(
      db,
      m,
      productIds.map((productId) => ({ productId, state: 'pending' as const, error: null })),
      now,
    )
  }
  if (messages.length) await env.MARKETPLACE_QUEUE.sendBatch(messages.map((body) => ({ body, contentType: 'json' as const })))
  return { queued_messages: messages.length, product_count: productIds.length, marketplaces }
}

const MAX_FULL_SYNC = 10_000

/**
 * "Sync everything": every active catalog product (including ones created while a marketplace was
 * disabled) plus every product already known to these marketplaces (archived or deleted ones get
 * their stock taken down).
 */
async function everyProductToSync(db: DB, marketplaces: MarketplaceName[]): Promise<string[]> {
  const ids = new Set<string>()
  let cursor: string | undefined
  do {
    const page = await searchProducts(db, { status: 'active', sort: 'newest', limit: 100, cursor })
    for (const p of page.data) ids.add(p.id)
    cursor = page.next_cursor ?? undefined
  } while (cursor && ids.size < MAX_FULL_SYNC)
  const rows = await db
    .selectDistinct({ productId: marketplaceProducts.productId })
    .from(marketplaceProducts)
    .where(inArray(marketplaceProducts.marketplace, marketplaces))
  for (const r of rows) ids.add(r.productId)
  return [...ids].slice(0, MAX_FULL_SYNC)
}

/** The Kaspi XML price list, or not_found when Kaspi is disabled or the token does not match. */
export async function kaspiPriceList(env: MarketplaceEnv, token: string): Promise<string> {
  const config = kaspiConfig(env)
  const expected = env.KASPI_PRICE_LIST_TOKEN
  if (!config || !expected || !(await sameSecret(token, expected))) throw notFound('Price list')
  return renderPriceList(config, await publishedKaspiOffers(getDb(env)))
}

/** Compare secrets by their SHA-256 so the time taken does not reveal a matching prefix. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)))
  const [x, y] = await Promise.all([digest(a), digest(b)])
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}
