import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { kaspiState } from '../../fakes/kaspi'
import { ozonState } from '../../fakes/ozon'
import { KaspiMarketplace } from '../../src/modules/marketplace/kaspi'
import { decimalToMinor, MarketplaceError, minorToDecimal } from '../../src/modules/marketplace/marketplace'
import { OzonMarketplace } from '../../src/modules/marketplace/ozon'
import { routeFetch } from '../fakes'
import { installMarketplaceFakes } from './harness'

const kaspi = new KaspiMarketplace({
  base: 'https://kaspi.kz/shop/api',
  token: 'kaspi-token',
  merchantId: 'm1',
  companyName: 'Shop',
  storeId: 'PP1',
})
const ozon = new OzonMarketplace({ base: 'https://api-seller.ozon.ru', clientId: '77', apiKey: 'ozon-key', warehouseId: '5' })

beforeEach(() => {
  installMarketplaceFakes()
})
afterEach(() => vi.restoreAllMocks())

function seedKaspiOrder() {
  kaspiState.orders.push({
    id: 'MTAwMDA',
    code: '700000001',
    totalPrice: 12500.5,
    creationDate: Date.UTC(2026, 10, 20, 9, 30),
    state: 'PICKUP',
    status: 'ACCEPTED_BY_MERCHANT',
    customer: { name: '', firstName: 'Dana', lastName: 'K.', cellPhone: '7010000000' },
    entries: [{ id: 'e1', quantity: 1, basePrice: 12500.5, offer: { code: 'SKU-1', name: 'Kettle' } }],
  })
}

describe('Kaspi adapter', () => {
  it('getOrder looks an order up by code and normalises it', async () => {
    seedKaspiOrder()
    const order = await kaspi.getOrder('700000001')
    expect(kaspiState.requests[0]).toMatchObject({
      method: 'GET',
      path: '/shop/api/v2/orders',
      query: { 'page[number]': '0', 'page[size]': '1', 'filter[orders][code]': '700000001' },
    })
    expect(order).toEqual({
      marketplace: 'kaspi',
      external_id: '700000001',
      external_number: '700000001',
      external_status: 'ACCEPTED_BY_MERCHANT',
      status: 'paid',
      currency: 'KZT',
      total: 1_250_050,
      created_at: '2026-11-20T09:30:00.000Z',
      customer_name: 'Dana K.',
      lines: [{ sku: 'SKU-1', name: 'Kettle', quantity: 1, unit_price: 1_250_050 }],
    })
    expect(await kaspi.getOrder('nope')).toBeNull()
  })

  it('sets an order status with a JSON:API document', async () => {
    seedKaspiOrder()
    expect(await kaspi.setOrderStatus('MTAwMDA', '700000001', 'delivered')).toBe(true)
    const post = kaspiState.requests.find((r) => r.method === 'POST')!
    expect(post.path).toBe('/shop/api/v2/orders')
    expect(post.headers['content-type']).toBe('application/vnd.api+json')
    expect(post.headers['x-auth-token']).toBe('kaspi-token')
    expect(post.body).toEqual({ data: { type: 'orders', id: 'MTAwMDA', attributes: { code: '700000001', status: 'COMPLETED' } } })
    expect(kaspiState.orders[0]!.status).toBe('COMPLETED')
    // No Kaspi counterpart: nothing is sent.
    expect(await kaspi.setOrderStatus('MTAwMDA', '700000001', 'shipped')).toBe(false)
  })

  it('a rejected token is a non-retryable MarketplaceError', async () => {
    kaspiState.token = 'the-real-token'
    const err = await kaspi.getOrder('700000001').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MarketplaceError)
    expect(err).toMatchObject({ marketplace: 'kaspi', status: 401, retryable: false })
  })
})

describe('Ozon adapter', () => {
  it('getOrder reads /v3/posting/fbs/get', async () => {
    ozonState.postings.push({
      posting_number: '123-0001-1',
      order_id: 123,
      order_number: '123-0001',
      status: 'cancelled',
      in_process_at: '2026-11-20T10:00:00Z',
      products: [{ sku: 1, offer_id: 'SKU-9', name: 'Mug', quantity: 3, price: '249.90', currency_code: 'RUB' }],
    })
    const order = await ozon.getOrder('123-0001-1')
    expect(ozonState.requests[0]).toMatchObject({
      path: '/v3/posting/fbs/get',
      body: { posting_number: '123-0001-1', with: { analytics_data: false, financial_data: false } },
    })
    expect(order).toMatchObject({
      external_id: '123-0001-1',
      external_number: '123-0001',
      status: 'cancelled',
      currency: 'RUB',
      total: 74_970,
    })
    expect(order!.lines).toEqual([{ sku: 'SKU-9', name: 'Mug', quantity: 3, unit_price: 24_990 }])
  })

  it('timeouts and network errors are retryable', async () => {
    vi.restoreAllMocks()
    routeFetch({
      'https://api-seller.ozon.ru': () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
      },
    })
    const err = await ozon.getOrder('x').catch((e: unknown) => e)
    expect(err).toMatchObject({ marketplace: 'ozon', status: null, retryable: true })
    expect((err as Error).message).toContain('timed out')
  })
})

describe('money conversion', () => {
  it('minor units <-> decimal strings, exactly', () => {
    expect([1999, 2000, 5, 0, 1_999_900].map(minorToDecimal)).toEqual(['19.99', '20', '0.05', '0', '19999'])
    expect(['19999.000000', '249.90', '0.05', '12500.5', '1.005', '7'].map((v) => decimalToMinor(v))).toEqual([
      1_999_900, 24_990, 5, 1_250_050, 101, 700,
    ])
    expect(decimalToMinor(12500.5)).toBe(1_250_050)
    expect(() => decimalToMinor('12,5')).toThrow()
  })
})
