/**
 * The marketplace-sync Worker's cron (workers/marketplace-sync): product pushes (marketplace) and
 * order imports (./order-import.ts, across marketplace, catalog, orders and inventory). Moved here
 * from marketplace/service.ts, which may not call a workflow.
 */
import { getDb } from '../lib/db'
import { log } from '../lib/observability'
import { isEnabled, type MarketplaceEnv } from '../modules/marketplace/config'
import { syncProducts } from '../modules/marketplace/sync'
import { productsNeedingPush } from '../modules/marketplace/sync-state'
import { MARKETPLACES } from '../modules/marketplace/tables'
import { importOrders } from './order-import'

const CRON_PUSH_LIMIT = 200

/**
 * The cron job (workers/marketplace-sync scheduled handler): push again what is pending or in
 * error, then import new orders, for every enabled marketplace. One failure never stops the rest.
 */
export async function runScheduledSync(env: MarketplaceEnv, opts: { publicBase?: string } = {}) {
  const db = getDb(env)
  const report: Record<string, unknown> = {}
  for (const name of MARKETPLACES) {
    if (!isEnabled(env, name)) {
      report[name] = 'disabled'
      continue
    }
    const entry: Record<string, unknown> = {}
    try {
      const ids = await productsNeedingPush(db, name, CRON_PUSH_LIMIT)
      if (ids.length) {
        const { results } = await syncProducts(env, ids, { trigger: 'cron', force: true, only: [name], publicBase: opts.publicBase })
        entry.push = results[0]
      }
    } catch (err) {
      entry.push_error = String(err)
      log('error', 'marketplace cron push failed', { marketplace: name, error: String(err) })
    }
    try {
      const r = await importOrders(env, name, 'cron')
      entry.import = { fetched: r.fetched, imported: r.imported, existing: r.existing, failed: r.failed }
    } catch (err) {
      entry.import_error = String(err)
      log('error', 'marketplace cron import failed', { marketplace: name, error: String(err) })
    }
    report[name] = entry
  }
  return report
}
