import { sha256Hex } from '../../lib/ids'
import type { DB } from '../../lib/db'
import { log } from '../../lib/observability'
import { readCatalogVersion } from './statements'

interface CacheContext {
  env: Pick<Env, 'CATALOG_CACHE' | 'CATALOG_CACHE_TTL_SECONDS'>
  db: DB
}

/**
 * Read-through KV cache for public catalog reads. The key embeds the catalog version read from
 * D1, and every catalog write bumps that version in its own batch, so after a write commits no
 * reader asks KV for a pre-write entry; KV's eventual consistency can only cause extra misses.
 */
export async function cachedCatalogRead<T>(
  ctx: CacheContext,
  kind: string,
  params: unknown,
  compute: () => Promise<T>,
): Promise<{ value: T; hit: boolean }> {
  const version = await readCatalogVersion(ctx.db)
  const key = `catalog:v${version}:${kind}:${await sha256Hex(JSON.stringify(params))}`
  try {
    const cached = await ctx.env.CATALOG_CACHE.get<T>(key, 'json')
    if (cached !== null) return { value: cached, hit: true }
  } catch (err) {
    log('warn', 'catalog cache read failed', { key, error: String(err) })
  }
  const value = await compute()
  const ttl = Math.max(60, Number(ctx.env.CATALOG_CACHE_TTL_SECONDS) || 300)
  // Awaited rather than waitUntil: a miss costs one KV write, and the next reader then hits.
  await ctx.env.CATALOG_CACHE.put(key, JSON.stringify(value), { expirationTtl: ttl }).catch((err: unknown) =>
    log('warn', 'catalog cache write failed', { key, error: String(err) }),
  )
  return { value, hit: false }
}
