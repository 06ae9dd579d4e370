import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, AuthUser } from './context'
import { AppError } from './errors'
import { config } from './config'

/**
 * API-wide rate limits on the Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml).
 * Each request falls in one tier; the tier's binding is asked once per client IP (here, before
 * routing) and once per signed-in user (by the auth middleware, after the token is verified, so a
 * forged token cannot spend someone else's allowance). The limits themselves live in wrangler.toml
 * per environment: loose for local development, tests and the benchmark, real in staging/production.
 */
export type RateTier = 'read' | 'write' | 'strict'

type LimitEnv = Partial<Record<'RATE_LIMIT_READ' | 'RATE_LIMIT_WRITE' | 'RATE_LIMIT_STRICT', RateLimit>> & {
  RATE_LIMIT_PERIOD_SECONDS?: string
}

/** Register, sign-in, password reset, checkout, reviews and payment starts: the expensive or abusable calls. */
const STRICT: RegExp[] = [
  /^\/api\/v1\/auth\/(register|login|password-reset\/request|password-reset\/confirm|verify-email\/request)$/,
  /^\/api\/v1\/checkout$/,
  /^\/api\/v1\/products\/[^/]+\/reviews$/,
  /^\/api\/v1\/orders\/[^/]+\/pay$/,
]

/** The tier of a request: strict for the list above (writes only), read for GET/HEAD, write for the rest. */
export function rateTier(method: string, path: string): RateTier {
  const read = method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
  if (!read && STRICT.some((re) => re.test(path))) return 'strict'
  return read ? 'read' : 'write'
}

const BINDING = { read: 'RATE_LIMIT_READ', write: 'RATE_LIMIT_WRITE', strict: 'RATE_LIMIT_STRICT' } as const

/**
 * The client's address. Cloudflare sets CF-Connecting-IP on every request that reaches a Worker
 * through its edge and overwrites any value the client sent, so in staging/production it is
 * trustworthy; locally (wrangler dev, tests) whatever the caller sends is taken as is.
 */
export const clientIp = (c: Context) => c.req.header('CF-Connecting-IP')?.trim() || 'unknown'

/** 429 in the common envelope with Retry-After (the binding's window: 10 or 60 seconds). */
export function rateLimited(env: LimitEnv, scope: string): AppError {
  const retryAfter = config(env).RATE_LIMIT_PERIOD_SECONDS
  return new AppError(
    'rate_limited',
    `Too many requests; try again in ${retryAfter} seconds.`,
    [{ message: 'retry later', scope, retry_after_seconds: retryAfter }],
    { 'Retry-After': String(retryAfter) },
  )
}

/** Spend one unit of `key` on the request's tier; throws 429 when over. A missing binding means no limit. */
export async function spend(c: Context, key: string): Promise<void> {
  const env = c.env as LimitEnv
  const tier = rateTier(c.req.method, c.req.path)
  const binding = env[BINDING[tier]]
  if (!binding) return
  const { success } = await binding.limit({ key: `${tier}:${key}` })
  if (!success) throw rateLimited(env, key.split(':')[0]!)
}

/**
 * The public catalog reads answered through the KV catalog cache (src/modules/catalog/cache.ts):
 * product list and search, product detail, the category tree and a category. Their per-IP read
 * allowance is spent by the cache on a miss, right before it reads D1 (`spendIp`), not up front: the limit guards the work a request causes, and a cached answer causes one KV read. The
 * cost: one IP can read cached catalog pages without limit through the Worker (Cloudflare's own
 * DDoS protection and any WAF rate-limiting rule still apply in front of it).
 */
const CACHED_READS = /^\/api\/v1\/(products|categories)(\/[^/]+)?$/

/** Global middleware: the per-IP limit of the request's tier (cached catalog reads: on a miss only). */
export const rateLimitByIp = createMiddleware<AppEnv>(async (c, next) => {
  const path = c.req.path
  if (path.startsWith('/api/') && !(rateTier(c.req.method, path) === 'read' && CACHED_READS.test(path))) await spendIp(c)
  await next()
})

/** Spend one unit of the client IP's allowance in the request's tier (a cached read calls it on a miss). */
export const spendIp = (c: Context) => spend(c, `ip:${clientIp(c)}`)

/** Called by the auth middleware once the user is known: the per-user limit of the request's tier. */
export const rateLimitUser = (c: Context, user: AuthUser) => spend(c, `user:${user.id}`)
