import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { failKaspiNext, type FakeKaspiOrder } from '../../fakes/kaspi'
import { failOzonNext, type FakeOzonPosting } from '../../fakes/ozon'
import { getDb } from '../../src/lib/db'
import { importedOrderIds } from '../../src/modules/marketplace/order-import'
import { kaspiToOurStatus, ourStatusToKaspi, ourStatusToOzon, ozonToOurStatus } from '../../src/modules/marketplace/statuses'
import { importExternalOrder } from '../../src/workflows/order-import'
import { getOrder } from '../../src/modules/orders/service'
import worker from '../../workers/marketplace-sync/index'
import { api, createUser } from '../helpers'
import { changeMessage, deliver, installMarketplaceFakes, kaspiState, kztProduct, ozonState } from './harness'

type Admin = Awaited<ReturnType<typeof createUser>>
let staff: Admin
let n = 0

beforeEach(async () => {
  installMarketplaceFakes()
  staff = await createUser('staff')
})
afterEach(() => vi.restoreAllMocks())

/** A product published to both marketplaces (so its SKUs map back to our variants). */
async function publishedProduct(stock = 5) {
  const p = await kztProduct(staff, { stock })
  await deliver([changeMessage([p.id])])
  return p as typeof p & { variants: { id: string; sku: string; stock: number }[] }
}

function kaspiOrder(sku: string, over: Partial<FakeKaspiOrder> = {}): FakeKaspiOrder {
  const code = `7${String(++n).padStart(8, '0')}`
  return {
    id: `S2FzcGk${code}`,
    code,
    totalPrice: 39998,
    creationDate: Date.now() - 60_000,
    state: 'NEW',
    status: 'APPROVED_BY_BANK',
    customer: { name: 'Aigerim S.', firstName: 'Aigerim', lastName: 'S.', cellPhone: '7001234567' },
    entries: [{ id: `e-${code}`, quantity: 2, basePrice: 19999, offer: { code: sku, name: 'Chapan M' } }],
    ...over,
  }
}

function ozonPosting(sku: string, over: Partial<FakeOzonPosting> = {}): FakeOzonPosting {
  const num = `0${++n}-0001-1`
  return {
    posting_number: num,
    order_id: 1000 + n,
    order_number: `0${n}-0001`,
    status: 'awaiting_packaging',
    in_process_at: new Date(Date.now() - 60_000).toISOString(),
    products: [{ sku: 9000 + n, offer_id: sku, name: 'Chapan M', quantity: 1, price: '19999.000000', currency_code: 'KZT' }],
    ...over,
  }
}

async function importNow(marketplace: 'kaspi' | 'ozon') {
  return api('POST', '/api/v1/admin/marketplace/import-orders', { headers: staff.auth, body: { marketplace } })
}

async function productStock(productId: string, variantId: string) {
  const res = await api('GET', `/api/v1/admin/products/${productId}`, { headers: staff.auth })
  return (res.body.variants as { id: string; stock: number }[]).find((v) => v.id === variantId)!.stock
}

describe('importing Kaspi orders', () => {
  it('reads orders and entries with the documented query and headers and creates a paid order', async () => {
    const p = await publishedProduct(5)
    const [m] = p.variants
    const order = kaspiOrder(m!.sku)
    kaspiState.orders.push(order)

    const res = await importNow('kaspi')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ marketplace: 'kaspi', fetched: 1, imported: 1, existing: 0, failed: 0, errors: [] })

    const listCalls = kaspiState.requests.filter((r) => r.path === '/shop/api/v2/orders')
    // One listing per open state, each with the mandatory pagination and a creation-date window.
    expect(listCalls.map((r) => r.query['filter[orders][state]'])).toEqual(['NEW', 'SIGN_REQUIRED', 'PICKUP', 'DELIVERY', 'KASPI_DELIVERY'])
    for (const r of listCalls) {
      expect(r.method).toBe('GET')
      expect(r.headers['x-auth-token']).toBe('kaspi-vitest-token')
      expect(r.headers.accept).toBe('application/vnd.api+json')
      expect(r.query['page[number]']).toBe('0')
      expect(r.query['page[size]']).toBe('100')
      const ge = Number(r.query['filter[orders][creationDate][$ge]'])
      const le = Number(r.query['filter[orders][creationDate][$le]'])
      expect(le - ge).toBeLessThanOrEqual(14 * 24 * 3600 * 1000)
      expect(ge).toBeLessThan(order.creationDate)
    }
    expect(kaspiState.requests.some((r) => r.path === `/shop/api/v2/orders/${order.id}/entries`)).toBe(true)

    const ids = await importedOrderIds(getDb(env), 'kaspi', [order.code])
    const ours = await getOrder(env, ids.get(order.code)!)
    expect(ours).toMatchObject({ status: 'paid' })
    expect(JSON.stringify(ours)).toContain(m!.sku)
    // The sale took our stock.
    expect(await productStock(p.id, m!.id)).toBe(3)
    // An imported order is a normal order from here on: the OrderDO picks it up from D1.
    const shipped = await api('POST', `/api/v1/admin/orders/${ours.id}/transition`, {
      headers: staff.auth,
      body: { to: 'shipped', carrier: 'Kaspi Delivery', tracking_number: 'KD-1' },
    })
    expect(shipped.status).toBe(200)
    expect(shipped.body.status).toBe('shipped')
  })

  it('importing the same order again (or concurrently) yields one order', async () => {
    const p = await publishedProduct(10)
    const [m] = p.variants
    const order = kaspiOrder(m!.sku)
    kaspiState.orders.push(order)
    expect((await importNow('kaspi')).body).toMatchObject({ imported: 1, existing: 0 })
    const again = await importNow('kaspi')
    expect(again.body).toMatchObject({ fetched: 1, imported: 0, existing: 1 })
    const ids = await importedOrderIds(getDb(env), 'kaspi', [order.code])
    expect(ids.size).toBe(1)
    // Stock was taken once.
    expect(await productStock(p.id, m!.id)).toBe(8)

    // The orders module's own guarantee, with two imports racing for one external order.
    const input = {
      source: 'kaspi',
      external_id: `race-${++n}`,
      external_number: null,
      status: 'paid' as const,
      currency: 'KZT',
      total: 1_999_900,
      customer_name: null,
      created_at: new Date().toISOString(),
      lines: [
        {
          product_id: p.id,
          variant_id: m!.id,
          seller_id: staff.id,
          product_name: 'Chapan',
          variant_name: 'M',
          sku: m!.sku,
          unit_price: 1_999_900,
          quantity: 1,
        },
      ],
    }
    const [a, b] = await Promise.all([importExternalOrder(env, input), importExternalOrder(env, input)])
    expect(a.order_id).toBe(b.order_id)
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(await productStock(p.id, m!.id)).toBe(7)
  })

  it('refreshes the marketplace status of an order seen again', async () => {
    const p = await publishedProduct()
    const order = kaspiOrder(p.variants[0]!.sku)
    kaspiState.orders.push(order)
    await importNow('kaspi')
    order.status = 'ACCEPTED_BY_MERCHANT'
    await importNow('kaspi')
    const [row] = await getDb(env).all<{ external_status: string }>(
      sql`SELECT external_status FROM marketplace_orders WHERE marketplace = 'kaspi' AND external_id = ${order.code}`,
    )
    expect(row?.external_status).toBe('ACCEPTED_BY_MERCHANT')
  })

  it('an order for a SKU we never published is reported, not created', async () => {
    kaspiState.orders.push(kaspiOrder('NOT-OURS-1'))
    const res = await importNow('kaspi')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ imported: 0, failed: 1 })
    expect(res.body.errors[0].message).toContain('NOT-OURS-1')
  })

  it('a Kaspi failure while listing answers 502 and is recorded', async () => {
    failKaspiNext('/shop/api/v2/orders', 503)
    const res = await importNow('kaspi')
    expect(res.status).toBe(502)
    expect(res.body.error.code).toBe('upstream_error')
    const status = await api('GET', '/api/v1/admin/marketplace/status', { headers: staff.auth })
    const kaspi = status.body.data.find((s: { marketplace: string }) => s.marketplace === 'kaspi')
    expect(kaspi.last_import).toMatchObject({ ok: false, trigger: 'admin' })
  })
})

describe('importing Ozon postings', () => {
  it('lists FBS postings with /v4/posting/fbs/list and maps status and prices', async () => {
    const p = await publishedProduct(5)
    const [m] = p.variants
    const posting = ozonPosting(m!.sku, { status: 'delivering' })
    ozonState.postings.push(posting)
    ozonState.requests = []

    const res = await importNow('ozon')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ fetched: 1, imported: 1, failed: 0 })
    const [list] = ozonState.requests
    expect(list!.path).toBe('/v4/posting/fbs/list')
    expect(list!.headers['client-id']).toBe('123456')
    expect(list!.headers['api-key']).toBe('ozon-vitest-key')
    expect(list!.body).toEqual({
      filter: { since: expect.any(String), to: expect.any(String) },
      limit: 100,
      cursor: '',
      sort_dir: 'ASC',
      with: { analytics_data: false, financial_data: false },
    })

    const ids = await importedOrderIds(getDb(env), 'ozon', [posting.posting_number])
    const ours = await getOrder(env, ids.get(posting.posting_number)!)
    // "delivering" is shipped on our side; "19999.000000" roubles/tenge is 1 999 900 minor units.
    expect(ours).toMatchObject({ status: 'shipped' })
    expect(JSON.stringify(ours)).toContain('1999900')
    expect((await importNow('ozon')).body).toMatchObject({ imported: 0, existing: 1 })
  })

  it('follows the cursor across pages', async () => {
    const p = await publishedProduct(500)
    for (let i = 0; i < 101; i++) ozonState.postings.push(ozonPosting(p.variants[0]!.sku))
    ozonState.requests = []
    const res = await importNow('ozon')
    expect(res.body).toMatchObject({ fetched: 101, imported: 101 })
    const lists = ozonState.requests.filter((r) => r.path === '/v4/posting/fbs/list')
    expect(lists).toHaveLength(2)
    expect((lists[1]!.body as { cursor: string }).cursor).not.toBe('')
  }, 120_000) // 101 imported orders, each through its OrderDO
})

describe('the cron', () => {
  it('re-pushes products in error and imports new orders from both marketplaces', async () => {
    const p = await kztProduct(staff)
    failOzonNext('/v3/product/import', 400)
    await deliver([changeMessage([p.id])])
    kaspiState.orders.push(kaspiOrder(p.variants[0]!.sku))
    ozonState.postings.push(ozonPosting(p.variants[0]!.sku))

    const ctx = createExecutionContext()
    const scheduled = worker.scheduled as ExportedHandlerScheduledHandler<Env>
    await scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: new Date() }), env, ctx)
    await waitOnExecutionContext(ctx)

    const rows = await api('GET', '/api/v1/admin/marketplace/products?marketplace=ozon&limit=100', { headers: staff.auth })
    expect(rows.body.data.find((r: { product_id: string }) => r.product_id === p.id)).toMatchObject({ state: 'synced' })
    const status = await api('GET', '/api/v1/admin/marketplace/status', { headers: staff.auth })
    for (const s of status.body.data) {
      expect(s.last_import).toMatchObject({ trigger: 'cron', ok: true })
      expect(s.imported_orders).toBeGreaterThanOrEqual(1)
    }
  })
})

describe('status mapping', () => {
  it('maps Kaspi and Ozon statuses to ours', () => {
    expect(
      [
        'APPROVED_BY_BANK',
        'ACCEPTED_BY_MERCHANT',
        'COMPLETED',
        'CANCELLED',
        'CANCELLING',
        'RETURNED',
        'KASPI_DELIVERY_RETURN_REQUESTED',
      ].map(kaspiToOurStatus),
    ).toEqual(['paid', 'paid', 'delivered', 'cancelled', 'cancelled', 'refunded', 'paid'])
    expect(
      [
        'awaiting_packaging',
        'awaiting_deliver',
        'arbitration',
        'delivering',
        'driver_pickup',
        'delivered',
        'cancelled',
        'not_accepted',
      ].map(ozonToOurStatus),
    ).toEqual(['paid', 'paid', 'paid', 'shipped', 'shipped', 'delivered', 'cancelled', 'cancelled'])
  })

  it('maps ours to what we can set on Kaspi and Ozon, null where there is no counterpart', () => {
    expect((['paid', 'shipped', 'delivered', 'cancelled', 'pending', 'refunded'] as const).map(ourStatusToKaspi)).toEqual([
      'ACCEPTED_BY_MERCHANT',
      null,
      'COMPLETED',
      'CANCELLED',
      null,
      null,
    ])
    expect((['paid', 'shipped', 'delivered', 'cancelled', 'pending', 'refunded'] as const).map(ourStatusToOzon)).toEqual([
      'awaiting_packaging',
      'delivering',
      'delivered',
      'cancelled',
      null,
      null,
    ])
  })

  it('round-trips: every status we can set on a marketplace maps back to the same status of ours', () => {
    for (const ours of ['paid', 'delivered', 'cancelled'] as const) expect(kaspiToOurStatus(ourStatusToKaspi(ours)!)).toBe(ours)
    for (const ours of ['paid', 'shipped', 'delivered', 'cancelled'] as const) expect(ozonToOurStatus(ourStatusToOzon(ours)!)).toBe(ours)
  })
})
