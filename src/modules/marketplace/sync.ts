/**
 * Pushing products to the marketplaces: decide what changed since the last successful push
 * (content, prices, stock), call the adapter for exactly that, and record the outcome per product.
 */
import { getDb, type DB } from '../../lib/db'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { kaspiConfig, ozonConfig, type MarketplaceEnv } from './config'
import { KaspiMarketplace } from './kaspi'
import { MarketplaceError, type Marketplace, type PushResult, type SyncProduct } from './marketplace'
import { OzonMarketplace } from './ozon'
import { loadSyncProducts, withdrawnProduct } from './products'
import { diffSnapshot, getSyncRows, recordOutcomes, recordRun, snapshotOf, type RowOutcome, type SnapshotOffer } from './sync-state'
import { MARKETPLACES, type MarketplaceName } from './tables'

/** The adapter for a marketplace, or null when its credentials are not configured. */
export function marketplaceFor(env: MarketplaceEnv, name: MarketplaceName): Marketplace | null {
  if (name === 'kaspi') {
    const config = kaspiConfig(env)
    return config ? new KaspiMarketplace(config) : null
  }
  const config = ozonConfig(env)
  return config ? new OzonMarketplace(config) : null
}

export const enabledMarketplaces = (env: MarketplaceEnv): Marketplace[] => MARKETPLACES.flatMap((name) => marketplaceFor(env, name) ?? [])

export interface SyncOptions {
  trigger: 'queue' | 'cron' | 'admin'
  /** Push everything (content, prices, stock) even if the snapshot says nothing changed. */
  force?: boolean
  /**
   * The change time of the message being handled: products whose last success is newer were
   * already pushed for it (a redelivery, or a retry after another marketplace failed) and are skipped.
   */
  changedAt?: string
  /** The queue will not retry again: a retryable failure is recorded as `error` rather than `pending`. */
  finalAttempt?: boolean
  only?: MarketplaceName[]
  publicBase?: string
}

export interface MarketplaceSyncResult {
  marketplace: MarketplaceName
  pushed: number
  skipped: number
  failed: number
  /** A 5xx, 429 or timeout: the whole batch may succeed later. */
  retryable: boolean
  error: string | null
}

export interface SyncOutcome {
  results: MarketplaceSyncResult[]
  /** True when some marketplace failed in a way worth retrying. */
  retry: boolean
}

/** Push the given products to every enabled marketplace (or `only` those). */
export async function syncProducts(env: MarketplaceEnv, productIds: string[], opts: SyncOptions): Promise<SyncOutcome> {
  const db = getDb(env)
  const ids = [...new Set(productIds)]
  const adapters = enabledMarketplaces(env).filter((m) => !opts.only || opts.only.includes(m.name))
  let products: Map<string, SyncProduct | null> | null = null
  const results: MarketplaceSyncResult[] = []
  for (const adapter of adapters) {
    products ??= await loadSyncProducts(db, ids, opts.publicBase)
    results.push(await syncOne(db, adapter, ids, products, opts))
  }
  return { results, retry: results.some((r) => r.retryable) }
}

type Part = 'content' | 'prices' | 'stock'

async function syncOne(
  db: DB,
  adapter: Marketplace,
  ids: string[],
  products: Map<string, SyncProduct | null>,
  opts: SyncOptions,
): Promise<MarketplaceSyncResult> {
  const startedAt = nowIso()
  const rows = await getSyncRows(db, adapter.name, ids)
  const work: { product: SyncProduct; snapshot: SnapshotOffer[]; parts: Set<Part> }[] = []
  let skipped = 0
  for (const id of ids) {
    const row = rows.get(id)
    if (opts.changedAt && row?.state === 'synced' && row.lastSuccessAt && row.lastSuccessAt >= opts.changedAt) {
      skipped++
      continue
    }
    const previous = row ? (JSON.parse(row.snapshot) as SnapshotOffer[]) : null
    const product = products.get(id) ?? (previous?.length ? withdrawnProduct(id, previous) : null)
    if (!product || product.offers.length === 0) {
      skipped++
      continue
    }
    const snapshot = snapshotOf(product)
    const diff = opts.force || row?.state !== 'synced' ? { content: true, prices: true, stock: true } : diffSnapshot(previous, snapshot)
    const parts = new Set<Part>((['content', 'prices', 'stock'] as const).filter((k) => diff[k]))
    if (!products.get(id)) {
      // A product that disappeared only needs its stock taken down.
      parts.clear()
      parts.add('stock')
    }
    work.push({ product, snapshot, parts })
  }

  const failures = new Map<string, string>()
  const externalIds = new Map<string, { id?: string; ids?: Record<string, string> }>()
  let callError: MarketplaceError | null = null
  const collect = (results: PushResult[]) => {
    for (const r of results) {
      if (!r.ok) failures.set(r.product_id, [failures.get(r.product_id), r.error ?? 'rejected'].filter(Boolean).join(' | '))
      if (r.external_id || r.external_ids) {
        const prev = externalIds.get(r.product_id) ?? {}
        externalIds.set(r.product_id, { id: r.external_id ?? prev.id, ids: { ...prev.ids, ...r.external_ids } })
      }
    }
  }
  const subset = (part: Part) => work.filter((w) => w.parts.has(part)).map((w) => w.product)
  try {
    // Content first: on Ozon a card must exist before its price and stock can be set.
    const content = subset('content')
    if (content.length) collect(await adapter.pushProducts(content))
    const prices = subset('prices')
    if (prices.length) collect(await adapter.pushPrices(prices))
    const stock = subset('stock')
    if (stock.length) collect(await adapter.pushStock(stock))
  } catch (err) {
    if (!(err instanceof MarketplaceError)) throw err
    callError = err
  }

  const outcomes: RowOutcome[] = work.map(({ product, snapshot }) => {
    if (callError) {
      const state = callError.retryable && !opts.finalAttempt ? 'pending' : 'error'
      return { productId: product.id, state, error: callError.message }
    }
    const failure = failures.get(product.id)
    if (failure) return { productId: product.id, state: 'error', error: failure }
    const ext = externalIds.get(product.id)
    return { productId: product.id, state: 'synced', error: null, snapshot, externalId: ext?.id, externalIds: ext?.ids }
  })
  await recordOutcomes(db, adapter.name, outcomes)

  const failed = outcomes.filter((o) => o.state !== 'synced').length
  const result: MarketplaceSyncResult = {
    marketplace: adapter.name,
    pushed: outcomes.length - failed,
    skipped,
    failed,
    retryable: Boolean(callError?.retryable),
    error: callError?.message ?? null,
  }
  if (work.length || callError) {
    await recordRun(db, {
      marketplace: adapter.name,
      kind: 'push',
      trigger: opts.trigger,
      ok: failed === 0,
      summary: { pushed: result.pushed, skipped, failed },
      error: callError?.message ?? (failed ? [...failures.values()][0] : null),
      startedAt,
    })
  }
  if (callError)
    log('warn', 'marketplace push failed', { marketplace: adapter.name, retryable: callError.retryable, error: callError.message })
  return result
}
