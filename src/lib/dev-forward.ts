/**
 * Local development only. `npm start` runs every Worker of the stack in one `wrangler dev` process
 * (one workerd, one local D1: no SQLITE_BUSY between processes), which serves only the API Worker
 * on its port. The API Worker hands two path prefixes to the other Workers through service
 * bindings that exist only in wrangler.toml's top-level (development) config:
 *   /webhooks/*  → workers/payment-webhooks (what Stripe, `stripe listen` and the fakes POST to)
 *   /__fakes/*   → workers/fakes (the stand-ins for Stripe, SendGrid, carriers, … that .dev.vars points at)
 * Staging and production have neither binding, so both prefixes fall through to the app's 404.
 */
export interface DevServices {
  PAYMENT_WEBHOOKS?: Fetcher
  FAKES?: Fetcher
}

/** Where the fakes Worker is reached through the API Worker locally. */
export const FAKES_PREFIX = '/__fakes'

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`)

/** The forwarded response when `request` belongs to a development-only Worker, else undefined. */
export function devForward(request: Request, env: DevServices): Promise<Response> | undefined {
  const { pathname } = new URL(request.url)
  if (env.PAYMENT_WEBHOOKS && under(pathname, '/webhooks')) return env.PAYMENT_WEBHOOKS.fetch(request)
  if (env.FAKES && under(pathname, FAKES_PREFIX)) return env.FAKES.fetch(request)
  return undefined
}
