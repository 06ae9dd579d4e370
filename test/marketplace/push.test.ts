import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { failOzonNext } from '../../fakes/ozon'
import { marketplaceStatus } from '../../src/modules/marketplace/service'
import { api, createUser } from '../helpers'
import {
  captureSyncMessages,
  changeMessage,
  deliver,
  installMarketplaceFakes,
  kaspiPulls,
  kaspiState,
  kztProduct,
  ozonState,
} from './harness'

type Admin = Awaited<ReturnType<typeof createUser>>
let admin: Admin

beforeEach(async () => {
  installMarketplaceFakes()
  admin = await createUser('admin')
})
afterEach(() => vi.restoreAllMocks())

const ozonPaths = () => ozonState.requests.map((r) => r.path)

async function syncRow(productId: string, marketplace: 'kaspi' | 'ozon') {
  const res = await api('GET', `/api/v1/admin/marketplace/products?marketplace=${marketplace}&limit=100`, { headers: admin.auth })
  expect(res.status).toBe(200)
  return (res.body.data as Record<string, any>[]).find((r) => r.product_id === productId)
}

describe('pushing products on catalog.products_changed', () => {
  it('sends Ozon the documented import, price and stock payloads with Client-Id/Api-Key', async () => {
    const p = await kztProduct(admin)
    const [m, l] = p.variants as { sku: string }[]
    const result = await deliver([changeMessage([p.id])])
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)

    // Content first (a card must exist before price and stock), then prices, then stock.
    expect(ozonPaths()).toEqual(['/v3/product/import', '/v1/product/import/prices', '/v2/products/stocks'])
    for (const r of ozonState.requests) {
      expect(r.method).toBe('POST')
      expect(r.headers['client-id']).toBe('123456')
      expect(r.headers['api-key']).toBe('ozon-vitest-key')
      expect(r.headers['content-type']).toBe('application/json')
    }
    const [importReq, pricesReq, stocksReq] = ozonState.requests
    expect(stocksReq!.body).toEqual({
      stocks: [
        { offer_id: m!.sku, stock: 4, warehouse_id: 22000000001 },
        { offer_id: l!.sku, stock: 2, warehouse_id: 22000000001 },
      ],
    })
    // Prices are decimal strings in major units; "0" clears a strike-through price.
    expect(pricesReq!.body).toEqual({
      prices: [
        { offer_id: m!.sku, price: '19999', old_price: '0', currency_code: 'KZT', auto_action_enabled: 'UNKNOWN' },
        { offer_id: l!.sku, price: '20499', old_price: '0', currency_code: 'KZT', auto_action_enabled: 'UNKNOWN' },
      ],
    })
    const items = (importReq!.body as { items: Record<string, unknown>[] }).items
    expect(items).toHaveLength(2)
    expect(items[0]).toEqual({
      offer_id: m!.sku,
      name: `${p.name as string} M`,
      price: '19999',
      old_price: '0',
      currency_code: 'KZT',
      vat: '0',
      images: [],
      primary_image: '',
      weight: 0,
      weight_unit: 'g',
      attributes: [{ id: 4191, complex_id: 0, values: [{ value: 'Hand-stitched velvet chapan' }] }],
    })

    const row = await syncRow(p.id, 'ozon')
    expect(row).toMatchObject({ state: 'synced', attempts: 0, last_error: null })
    expect(row!.last_success_at).toEqual(expect.any(String))
    // Ozon's product ids from the price/stock answers are kept per SKU.
    expect(Object.keys(row!.external_ids).sort()).toEqual([m!.sku, l!.sku].sort())
  })

  it('publishes Kaspi offers in the XML price list Kaspi downloads (no price/stock API exists)', async () => {
    const p = await kztProduct(admin)
    const [m, l] = p.variants as { sku: string }[]
    await deliver([changeMessage([p.id])])
    // The Kaspi Shop API has no price/stock endpoint: nothing is POSTed to Kaspi.
    expect(kaspiState.requests).toHaveLength(0)
    expect(await syncRow(p.id, 'kaspi')).toMatchObject({ state: 'synced', last_error: null })

    const offers = await kaspiPulls()
    expect(kaspiState.priceListMeta).toEqual({ company: 'Edge Commerce', merchantid: 'vitest-merchant' })
    expect(offers.find((o) => o.sku === m!.sku)).toEqual({
      sku: m!.sku,
      model: `${p.name as string} M`,
      brand: 'Alasha',
      price: 19999,
      available: 'yes',
      storeId: 'PP1',
      stockCount: 4,
    })
    expect(offers.find((o) => o.sku === l!.sku)).toMatchObject({ price: 20499, stockCount: 2 })
  })

  it('the price list is hidden without the right token', async () => {
    const wrong = await api('GET', '/api/v1/marketplace/kaspi/price-list/not-the-token.xml')
    expect(wrong.status).toBe(404)
    const noExt = await api('GET', `/api/v1/marketplace/kaspi/price-list/${env.KASPI_PRICE_LIST_TOKEN}`)
    expect(noExt.status).toBe(404)
  })

  it('a stock change made through the catalog API reaches both marketplaces', async () => {
    const p = await kztProduct(admin)
    const [m] = p.variants as { id: string; sku: string }[]
    await deliver([changeMessage([p.id])])
    ozonState.requests = []

    const sent = captureSyncMessages()
    const res = await api('POST', `/api/v1/admin/products/${p.id}/variants/${m!.id}/stock`, { headers: admin.auth, body: { stock: 9 } })
    expect(res.status).toBe(200)
    const messages = sent().filter((b) => b.type === 'catalog.products_changed')
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ product_ids: [p.id] })

    const result = await deliver(messages)
    expect(result.explicitAcks).toHaveLength(1)
    // Only the stock changed, so only stock is pushed to Ozon.
    expect(ozonPaths()).toEqual(['/v2/products/stocks'])
    expect(ozonState.stocks.get(m!.sku)).toEqual({ stock: 9, warehouse_id: 22000000001 })
    // …and Kaspi sees it on its next download of the price list.
    const offers = await kaspiPulls()
    expect(offers.find((o) => o.sku === m!.sku)).toMatchObject({ stockCount: 9, available: 'yes' })
  })

  it('a redelivered message does not push again', async () => {
    const p = await kztProduct(admin)
    const message = changeMessage([p.id])
    await deliver([message])
    const before = ozonState.requests.length
    const again = await deliver([message])
    expect(again.explicitAcks).toHaveLength(1)
    expect(ozonState.requests.length).toBe(before)
  })

  it('archiving a product takes its offers off sale on both marketplaces', async () => {
    const p = await kztProduct(admin)
    const [m] = p.variants as { sku: string }[]
    await deliver([changeMessage([p.id])])
    const res = await api('POST', `/api/v1/admin/products/${p.id}/archive`, { headers: admin.auth })
    expect(res.status).toBe(200)
    await deliver([changeMessage([p.id])])
    expect(ozonState.stocks.get(m!.sku)?.stock).toBe(0)
    expect((await kaspiPulls()).find((o) => o.sku === m!.sku)).toMatchObject({ available: 'no', stockCount: 0 })
  })
})

describe('failures', () => {
  it('retries an Ozon 5xx with backoff, then succeeds on redelivery', async () => {
    const p = await kztProduct(admin)
    const message = changeMessage([p.id])
    failOzonNext('/v2/products/stocks', 503)
    const first = await deliver([message])
    expect(first.explicitAcks).toHaveLength(0)
    expect(first.retryMessages).toHaveLength(1)
    expect(first.delays).toEqual([30])
    const failed = await syncRow(p.id, 'ozon')
    expect(failed).toMatchObject({ state: 'pending', attempts: 1 })
    expect(failed!.last_error).toContain('503')
    // Kaspi was fine and is not held back by Ozon's failure.
    expect(await syncRow(p.id, 'kaspi')).toMatchObject({ state: 'synced' })

    const second = await deliver([message], { attempts: 2 })
    expect(second.explicitAcks).toHaveLength(1)
    expect(await syncRow(p.id, 'ozon')).toMatchObject({ state: 'synced', attempts: 0, last_error: null })
    expect(ozonState.stocks.get((p.variants as { sku: string }[])[0]!.sku)?.stock).toBe(4)
  })

  it('backs off exponentially with the delivery count', async () => {
    const p = await kztProduct(admin)
    failOzonNext('/v3/product/import', 500)
    const third = await deliver([changeMessage([p.id])], { attempts: 3 })
    expect(third.retryMessages).toHaveLength(1)
    expect(third.delays).toEqual([120])
  })

  it('records an Ozon 4xx as an error and does not retry it', async () => {
    const p = await kztProduct(admin)
    failOzonNext('/v1/product/import/prices', 400)
    const result = await deliver([changeMessage([p.id])])
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    const row = await syncRow(p.id, 'ozon')
    expect(row).toMatchObject({ state: 'error', attempts: 1 })
    expect(row!.last_error).toContain('400')
    // Nothing after the refused call was sent.
    expect(ozonPaths()).toEqual(['/v3/product/import', '/v1/product/import/prices'])
  })

  it('records per-offer rejections inside a 200 answer as errors', async () => {
    const p = await kztProduct(admin)
    const [m] = p.variants as { sku: string }[]
    ozonState.unknownOffers.add(m!.sku)
    const result = await deliver([changeMessage([p.id])])
    expect(result.explicitAcks).toHaveLength(1)
    const row = await syncRow(p.id, 'ozon')
    expect(row!.state).toBe('error')
    expect(row!.last_error).toContain(`${m!.sku}: NOT_FOUND Product not found`)
  })

  it('after the last retry the product is marked error and the message goes to the DLQ', async () => {
    const p = await kztProduct(admin)
    failOzonNext('/v3/product/import', 503)
    // Delivery 6 = the first try plus max_retries (5): retry() now hands it to marketplace-sync-dlq.
    const last = await deliver([changeMessage([p.id])], { attempts: 6 })
    expect(last.retryMessages).toHaveLength(1)
    expect(await syncRow(p.id, 'ozon')).toMatchObject({ state: 'error' })
  })

  it('the DLQ consumer marks still-pending products as error', async () => {
    const p = await kztProduct(admin)
    const queued = await api('POST', '/api/v1/admin/marketplace/sync', {
      headers: admin.auth,
      body: { marketplace: 'ozon', product_ids: [p.id] },
    })
    expect(queued.status).toBe(202)
    expect(await syncRow(p.id, 'ozon')).toMatchObject({ state: 'pending' })
    const dead = await deliver([changeMessage([p.id])], { queue: 'marketplace-sync-dlq' })
    expect(dead.explicitAcks).toHaveLength(1)
    const row = await syncRow(p.id, 'ozon')
    expect(row!.state).toBe('error')
    expect(row!.last_error).toContain('Gave up after 6 deliveries')
  })

  it('acks and drops a malformed message instead of retrying it forever', async () => {
    const result = await deliver([{ type: 'catalog.products_changed', product_ids: 'nope' }])
    expect(result.explicitAcks).toHaveLength(1)
    expect(ozonState.requests).toHaveLength(0)
  })
})

describe('credentials', () => {
  it('a marketplace without credentials is disabled, not an error', async () => {
    const p = await kztProduct(admin)
    const result = await deliver([changeMessage([p.id])], { env: { OZON_API_KEY: '' } })
    expect(result.explicitAcks).toHaveLength(1)
    expect(ozonState.requests).toHaveLength(0)
    expect(await syncRow(p.id, 'ozon')).toBeUndefined()
    expect(await syncRow(p.id, 'kaspi')).toMatchObject({ state: 'synced' })

    const status = await marketplaceStatus({ ...env, KASPI_API_TOKEN: '' })
    expect(status.find((s) => s.marketplace === 'kaspi')!.enabled).toBe(false)
    expect(status.find((s) => s.marketplace === 'ozon')!.enabled).toBe(true)
  })
})
