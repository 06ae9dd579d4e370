import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { clientIp, rateLimited } from '../../lib/ratelimit'
import type { CartOwner } from './service'

/**
 * Guessing protection for discount-code previews: each preview spends one unit per client IP and
 * one per cart (the signed-in user's, or the guest token's) on RATE_LIMIT_DISCOUNT, a limit much
 * stricter than the read tier (wrangler.toml: 10 a minute in staging/production). Over it: 429 with
 * Retry-After. Together with the single "This code cannot be applied" answer, a guesser learns
 * nothing from a wrong code and can try only a few a minute. A missing binding means no limit.
 */
export async function spendDiscountPreview(c: Context<AppEnv>, owner: CartOwner | null): Promise<void> {
  const binding = (c.env as { RATE_LIMIT_DISCOUNT?: RateLimit }).RATE_LIMIT_DISCOUNT
  if (!binding) return
  const cart = owner ? ('userId' in owner ? `user:${owner.userId}` : `guest:${owner.guestToken}`) : undefined
  const keys = [`discount:ip:${clientIp(c)}`, ...(cart ? [`discount:cart:${cart}`] : [])]
  for (const key of keys) {
    const { success } = await binding.limit({ key })
    if (!success) throw rateLimited(c.env, key.startsWith('discount:ip') ? 'ip' : 'cart')
  }
}
