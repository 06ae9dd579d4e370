import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { domainEvent } from '../../src/lib/events'
import { newId } from '../../src/lib/ids'
import { users } from '../../src/modules/accounts/tables'
import { alertSellersOfPaidOrder, sendUnshippedDigests } from '../../src/modules/notifications/seller-alerts'
import { orderHistory, orderLines, orders } from '../../src/modules/orders/tables'
import { createProduct } from '../fixtures/catalog'
import { createUser } from '../helpers'
import { deliver, installProviderFakes } from './harness'
import { flatShipping, placeOrder } from '../orders/fixtures'

afterEach(() => vi.restoreAllMocks())

/** A seller (with a Telegram chat id when asked) and a customer's order of two of their lines plus another seller's. */
async function orderWithSellers(opts: { telegram?: boolean } = {}) {
  const seller = await createUser('seller')
  if (opts.telegram) await getDb(env).update(users).set({ telegramChatId: '777000111' }).where(eq(users.id, seller.id))
  const other = await createUser('seller')
  const mine = await createProduct({ sellerId: seller.id, name: 'Wool scarf', variants: [{ price: 1500, stock: 10 }] })
  const theirs = await createProduct({ sellerId: other.id, name: 'Tea mug', variants: [{ price: 900, stock: 10 }] })
  const ship = await flatShipping(500)
  const customer = await createUser('customer')
  const { addToCart } = await import('../orders/fixtures')
  await addToCart(customer, theirs.variants[0]!.id, 1)
  const { order } = await placeOrder(mine.variants[0]!.id, ship, 2, customer)
  return { seller, other, order: order as { id: string } }
}

describe('seller alerts', () => {
  it('a paid order tells each of its sellers once (email, and Telegram when set), even under duplicated concurrent events', async () => {
    const fakes = installProviderFakes()
    const { seller, other, order } = await orderWithSellers({ telegram: true })
    const paid = domainEvent('order.paid', {
      order_id: order.id,
      user_id: 'usr_x',
      status: 'paid',
      total: { amount: 1, currency: 'USD' },
      lines: [],
    })
    // The queue redelivers the same event, concurrently and later again.
    await Promise.all([deliver([paid]), deliver([paid]), deliver([paid])])
    await deliver([paid])
    const toSeller = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === seller.email)
    expect(toSeller).toHaveLength(1)
    expect(toSeller[0]!.subject).toContain(order.id)
    expect(toSeller[0]!.text).toContain('2 × Wool scarf')
    expect(toSeller[0]!.text).not.toContain('Tea mug')
    expect(fakes.sendgrid.sent.filter((m) => m.to[0]!.email === other.email)).toHaveLength(1)
    expect(fakes.telegram.sent.filter((m) => m.chatId === '777000111')).toHaveLength(1)
  })

  it('a failed seller email is given back and sent on the redelivery', async () => {
    const fakes = installProviderFakes()
    const { seller, other, order } = await orderWithSellers()
    const paid = domainEvent('order.paid', {
      order_id: order.id,
      user_id: 'usr_x',
      status: 'paid',
      total: { amount: 1, currency: 'USD' },
      lines: [],
    })
    fakes.sendgrid.failNext(503, 1)
    await expect(alertSellersOfPaidOrder(env, paid)).rejects.toThrow(/seller alert email failed/)
    // The redelivery sends what failed, and nothing twice.
    await alertSellersOfPaidOrder(env, paid)
    await alertSellersOfPaidOrder(env, paid)
    expect(fakes.sendgrid.sent.filter((m) => m.to[0]!.email === seller.email)).toHaveLength(1)
    expect(fakes.sendgrid.sent.filter((m) => m.to[0]!.email === other.email)).toHaveLength(1)
  })

  it('the daily digest lists lines unshipped after N days, once per seller per UTC day', async () => {
    const fakes = installProviderFakes()
    const { seller, order } = await orderWithSellers()
    const db = getDb(env)
    const now = Date.parse('2030-03-10T07:00:00.000Z')
    const paidAt = new Date(now - 3 * 86_400_000).toISOString()
    await db.update(orders).set({ status: 'paid' }).where(eq(orders.id, order.id))
    await db
      .insert(orderHistory)
      .values({ id: newId('ohs'), orderId: order.id, seq: 90, fromStatus: 'pending', toStatus: 'paid', actorType: 'system', at: paidAt })

    const first = await sendUnshippedDigests(env, now)
    expect(first.sellers).toBeGreaterThanOrEqual(2)
    const digests = () => fakes.sendgrid.sent.filter((m) => m.to[0]!.email === seller.email)
    expect(digests()).toHaveLength(1)
    expect(digests()[0]!.text).toContain(order.id)
    expect(digests()[0]!.subject).toMatch(/2\+ days/)

    // A second run the same day (another cron tick, a retry) sends nothing.
    await sendUnshippedDigests(env, now + 3600_000)
    expect(digests()).toHaveLength(1)
    // The next day it is sent again while the lines are still unshipped…
    await sendUnshippedDigests(env, now + 86_400_000)
    expect(digests()).toHaveLength(2)
    // …and not once they are shipped.
    await db.update(orderLines).set({ fulfilmentStatus: 'shipped' }).where(eq(orderLines.orderId, order.id))
    await sendUnshippedDigests(env, now + 2 * 86_400_000)
    expect(digests()).toHaveLength(2)
  })

  it('lines paid less than N days ago are not in the digest', async () => {
    const fakes = installProviderFakes()
    const { seller, order } = await orderWithSellers()
    const db = getDb(env)
    const now = Date.parse('2031-05-01T07:00:00.000Z')
    await db.update(orders).set({ status: 'paid' }).where(eq(orders.id, order.id))
    await db.insert(orderHistory).values({
      id: newId('ohs'),
      orderId: order.id,
      seq: 90,
      fromStatus: 'pending',
      toStatus: 'paid',
      actorType: 'system',
      at: new Date(now - 86_400_000).toISOString(),
    })
    await sendUnshippedDigests(env, now)
    expect(fakes.sendgrid.sent.filter((m) => m.to[0]!.email === seller.email)).toHaveLength(0)
  })
})
