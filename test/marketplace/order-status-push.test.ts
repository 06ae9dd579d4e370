import { env } from 'cloudflare:test'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { failKaspiNext, type FakeKaspiOrder } from '../../fakes/kaspi'
import type { FakeOzonPosting } from '../../fakes/ozon'
import { getDb } from '../../src/lib/db'
import { importedOrderIds } from '../../src/modules/marketplace/order-import'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'
import { captureSyncMessages, changeMessage, deliver, installMarketplaceFakes, kaspiState, kztProduct, ozonState } from './harness'

type Staff = Awaited<ReturnType<typeof createUser>>
let staff: Staff
let n = 0

beforeEach(async () => {
  installMarketplaceFakes()
  staff = await createUser('staff')
})
afterEach(() => vi.restoreAllMocks())

/** A product published to both marketplaces, so imported orders map back to its variants. */
async function publishedSku() {
  const p = await kztProduct(staff, { stock: 5 })
  await deliver([changeMessage([p.id])])
  return (p.variants as { sku: string }[])[0]!.sku
}

/** A Kaspi order for `sku`, imported through the admin API; returns it and our order id. */
async function importedKaspiOrder() {
  const sku = await publishedSku()
  const code = `8${String(++n).padStart(8, '0')}`
  const order: FakeKaspiOrder = {
    id: `S2FzcGkst${code}`,
    code,
    totalPrice: 19999,
    creationDate: Date.now() - 60_000,
    state: 'DELIVERY',
    status: 'ACCEPTED_BY_MERCHANT',
    customer: { name: 'Aigerim S.', firstName: 'Aigerim', lastName: 'S.', cellPhone: '7001234567' },
    entries: [{ id: `e-${code}`, quantity: 1, basePrice: 19999, offer: { code: sku, name: 'Chapan M' } }],
  }
  kaspiState.orders.push(order)
  const res = await api('POST', '/api/v1/admin/marketplace/import-orders', { headers: staff.auth, body: { marketplace: 'kaspi' } })
  expect(res.body).toMatchObject({ imported: 1, failed: 0 })
  const orderId = (await importedOrderIds(getDb(env), 'kaspi', [code])).get(code)!
  expect(orderId).toMatch(/^ord_/)
  return { kaspi: order, orderId }
}

const move = (orderId: string, body: Record<string, unknown>) =>
  api('POST', `/api/v1/admin/orders/${orderId}/transition`, { headers: staff.auth, body })

const ship = async (orderId: string) => {
  const res = await move(orderId, { to: 'shipped', carrier: 'Kaspi Delivery', tracking_number: `KD-${++n}` })
  expect(res.status).toBe(200)
}

const deliverOrder = async (orderId: string) => {
  expect((await move(orderId, { to: 'delivered' })).status).toBe(200)
}

/** Status messages captured so far for one order. */
const statusMessages = (sent: ReturnType<typeof captureSyncMessages>, orderId: string) =>
  (sent() as Record<string, unknown>[]).filter((m) => m.type === 'marketplace.order_status_changed' && m.order_id === orderId)

const kaspiStatusPosts = () => kaspiState.requests.filter((r) => r.method === 'POST' && r.path === '/shop/api/v2/orders')

describe('pushing our status changes of imported orders to the marketplace', () => {
  it('shipping and delivering an imported Kaspi order queues messages; delivery completes the Kaspi order', async () => {
    const { kaspi, orderId } = await importedKaspiOrder()
    const sent = captureSyncMessages()

    await ship(orderId)
    const shipped = statusMessages(sent, orderId)
    expect(shipped).toHaveLength(1)
    expect(shipped[0]).toMatchObject({ type: 'marketplace.order_status_changed', order_id: orderId, status: 'shipped' })
    expect(typeof shipped[0]!.id).toBe('string')
    expect(Number.isNaN(Date.parse(String(shipped[0]!.occurred_at)))).toBe(false)
    // Kaspi has no merchant-settable status for "shipped" (statuses.ts): acked, nothing posted.
    const first = await deliver(shipped)
    expect(first.explicitAcks).toHaveLength(1)
    expect(kaspiStatusPosts()).toHaveLength(0)
    expect(kaspi.status).toBe('ACCEPTED_BY_MERCHANT')

    await deliverOrder(orderId)
    const delivered = statusMessages(sent, orderId).filter((m) => m.status === 'delivered')
    expect(delivered).toHaveLength(1)
    const second = await deliver(delivered)
    expect(second.explicitAcks).toHaveLength(1)
    const posts = kaspiStatusPosts()
    expect(posts).toHaveLength(1)
    expect(posts[0]!.headers['x-auth-token']).toBe('kaspi-vitest-token')
    expect(posts[0]!.headers['content-type']).toBe('application/vnd.api+json')
    expect(posts[0]!.body).toEqual({ data: { type: 'orders', id: kaspi.id, attributes: { code: kaspi.code, status: 'COMPLETED' } } })
    expect(kaspi.status).toBe('COMPLETED')
    const [row] = await getDb(env).all<{ external_status: string }>(
      sql`SELECT external_status FROM marketplace_orders WHERE marketplace = 'kaspi' AND external_id = ${kaspi.code}`,
    )
    expect(row?.external_status).toBe('COMPLETED')

    // A redelivered copy does not post again.
    const again = await deliver(delivered)
    expect(again.explicitAcks).toHaveLength(1)
    expect(kaspiStatusPosts()).toHaveLength(1)
  })

  it('an order placed through our own checkout sends nothing to the marketplace queue', async () => {
    const p = await createProduct({ variants: [{ price: 2000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, await flatShipping(500), 1)
    const sent = captureSyncMessages()
    for (const to of ['processing', 'paid']) {
      const status = (await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: staff.auth })).body.status
      if (status !== to) expect((await move(order.id, { to })).status).toBe(200)
    }
    await ship(order.id)
    expect((await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: staff.auth })).body.status).toBe('shipped')
    expect(sent().filter((m) => m.type === 'marketplace.order_status_changed')).toEqual([])
  })

  it('a Kaspi 5xx is retried with backoff, and the retry completes the order', async () => {
    const { kaspi, orderId } = await importedKaspiOrder()
    const sent = captureSyncMessages()
    await ship(orderId)
    await deliverOrder(orderId)
    const delivered = statusMessages(sent, orderId).filter((m) => m.status === 'delivered')
    expect(delivered).toHaveLength(1)

    failKaspiNext('/shop/api/v2/orders', 503)
    const first = await deliver(delivered)
    expect(first.explicitAcks).toHaveLength(0)
    expect(first.retryMessages).toHaveLength(1)
    expect(first.delays).toEqual([30])
    expect(kaspi.status).toBe('ACCEPTED_BY_MERCHANT')

    const second = await deliver(delivered, { attempts: 2 })
    expect(second.explicitAcks).toHaveLength(1)
    expect(kaspiStatusPosts().at(-1)!.body).toMatchObject({ data: { attributes: { status: 'COMPLETED' } } })
    expect(kaspi.status).toBe('COMPLETED')
  })

  it('a Kaspi 4xx is recorded in the marketplace status and acked, not retried', async () => {
    const { orderId } = await importedKaspiOrder()
    const sent = captureSyncMessages()
    await ship(orderId)
    await deliverOrder(orderId)
    const delivered = statusMessages(sent, orderId).filter((m) => m.status === 'delivered')
    failKaspiNext('/shop/api/v2/orders', 400)
    const result = await deliver(delivered)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    const status = await api('GET', '/api/v1/admin/marketplace/status', { headers: staff.auth })
    const kaspiStatus = status.body.data.find((s: { marketplace: string }) => s.marketplace === 'kaspi')
    expect(JSON.stringify(kaspiStatus)).toContain(`Order ${orderId} status delivered`)
  })

  it('Ozon postings are not pushed (shipping needs package composition): acked without a call', async () => {
    const sku = await publishedSku()
    const num = `0${++n}-0002-1`
    const posting: FakeOzonPosting = {
      posting_number: num,
      order_id: 2000 + n,
      order_number: `0${n}-0002`,
      status: 'awaiting_packaging',
      in_process_at: new Date(Date.now() - 60_000).toISOString(),
      products: [{ sku: 9500 + n, offer_id: sku, name: 'Chapan M', quantity: 1, price: '19999.000000', currency_code: 'KZT' }],
    }
    ozonState.postings.push(posting)
    const res = await api('POST', '/api/v1/admin/marketplace/import-orders', { headers: staff.auth, body: { marketplace: 'ozon' } })
    expect(res.body).toMatchObject({ imported: 1 })
    const orderId = (await importedOrderIds(getDb(env), 'ozon', [num])).get(num)!
    const sent = captureSyncMessages()
    await ship(orderId)
    const shipped = statusMessages(sent, orderId)
    expect(shipped).toHaveLength(1)
    ozonState.requests = []
    const result = await deliver(shipped)
    expect(result.explicitAcks).toHaveLength(1)
    expect(ozonState.requests).toEqual([])
  })
})
