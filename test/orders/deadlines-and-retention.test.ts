import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/lib/config'
import { getDb } from '../../src/lib/db'
import { IDEMPOTENCY_KEY_TTL_DAYS, paymentTimeoutSeconds, purgeIdempotencyKeys } from '../../src/workflows/checkout'
import { idempotencyKeys } from '../../src/modules/orders/tables'
import { createProduct } from '../fixtures/catalog'
import { flatShipping, placeOrder } from './fixtures'

describe('payment deadline', () => {
  it('gives card payments 30 minutes and manual payments 3 days by default, both configurable', () => {
    expect(paymentTimeoutSeconds({})).toBe(1800)
    expect(paymentTimeoutSeconds({}, 'manual')).toBe(259_200)
    expect(paymentTimeoutSeconds({ ORDER_PAYMENT_TIMEOUT_SECONDS: '60' }, 'stripe')).toBe(60)
    expect(paymentTimeoutSeconds({ MANUAL_PAYMENT_TIMEOUT_SECONDS: '7200' }, 'manual')).toBe(7200)
  })

  it('refuses a malformed deadline instead of quietly using the default', () => {
    expect(() => paymentTimeoutSeconds({ ORDER_PAYMENT_TIMEOUT_SECONDS: 'nonsense' })).toThrow(ConfigError)
    expect(() => paymentTimeoutSeconds({ MANUAL_PAYMENT_TIMEOUT_SECONDS: '-5' }, 'manual')).toThrow('MANUAL_PAYMENT_TIMEOUT_SECONDS="-5"')
  })

  it('stamps a manual order with the manual deadline', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, await flatShipping(), 1)
    const window = Date.parse(order.payment_due_at) - Date.parse(order.created_at)
    expect(window).toBe(Number(env.MANUAL_PAYMENT_TIMEOUT_SECONDS) * 1000)
  })
})

describe('idempotency key retention', () => {
  it('forgets keys older than the retention window and keeps recent ones', async () => {
    const db = getDb(env)
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { user } = await placeOrder(p.variants[0]!.id, await flatShipping(), 1)
    const before = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, user.id))
    expect(before).toHaveLength(1)

    // Just inside the window: kept.
    const created = Date.parse(before[0]!.createdAt)
    await purgeIdempotencyKeys(db, created + IDEMPOTENCY_KEY_TTL_DAYS * 86_400_000 - 1000)
    expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, user.id))).toHaveLength(1)

    // Past it: gone.
    const res = await purgeIdempotencyKeys(db, created + IDEMPOTENCY_KEY_TTL_DAYS * 86_400_000 + 1000)
    expect(res.idempotency_keys).toBeGreaterThanOrEqual(1)
    expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, user.id))).toHaveLength(0)
  })
})
