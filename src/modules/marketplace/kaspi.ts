/**
 * Kaspi.kz adapter (Kaspi Shop API, https://kaspi.kz/shop/api, header `X-Auth-Token`, JSON:API
 * bodies `application/vnd.api+json`). Sources, from the Kaspi partner guide as quoted in public
 * integrations (the guide itself is not in our doc store):
 * - orders: GET /v2/orders with page[number], page[size] (max 100), filter[orders][state],
 *   filter[orders][creationDate][$ge|$le] (epoch milliseconds, at most 14 days back),
 *   filter[orders][code]; entries: GET /v2/orders/{id}/entries (attributes.offer.code is our SKU)
 *   — guide.kaspi.kz/partner/ru/shop/api/orders (q3201 and neighbours);
 * - status change: POST /v2/orders {data:{type:"orders", id, attributes:{code, status}}};
 * - prices and stock: the Shop API has NO endpoint for them. Kaspi downloads the merchant's XML
 *   price list (<kaspi_catalog>, offers with availabilities/stockCount and price) from a URL about
 *   once an hour — guide.kaspi.kz/partner/ru/shop/goods/price_list/q3251. So "pushing" to Kaspi
 *   means publishing the offer into our price list (price-list.ts), which Kaspi then pulls.
 */
import type { OrderStatus } from '../orders/tables'
import type { KaspiConfig } from './config'
import { callJson, decimalToMinor, type ExternalOrder, type Marketplace, type PushResult, type SyncProduct } from './marketplace'
import { kaspiToOurStatus, ourStatusToKaspi } from './statuses'

export const KASPI_MEDIA_TYPE = 'application/vnd.api+json'
const PAGE_SIZE = 100
/** Kaspi refuses creationDate filters reaching further back than 14 days. */
const MAX_WINDOW_MS = 14 * 24 * 3600 * 1000
/** Order states that hold orders still to be handled; ARCHIVE holds finished ones. */
export const KASPI_OPEN_STATES = ['NEW', 'SIGN_REQUIRED', 'PICKUP', 'DELIVERY', 'KASPI_DELIVERY'] as const

export interface KaspiOrderResource {
  type: 'orders'
  id: string
  attributes: {
    code: string
    totalPrice: number
    creationDate: number
    state: string
    status: string
    customer?: { name?: string | null; firstName?: string | null; lastName?: string | null }
  }
}

export interface KaspiEntryResource {
  type: 'orderentries'
  id: string
  attributes: {
    quantity: number
    basePrice: number
    totalPrice: number
    offer?: { code: string; name: string }
  }
}

interface KaspiList<T> {
  data: T[]
  meta?: { pageCount?: number; totalCount?: number }
}

export class KaspiMarketplace implements Marketplace {
  readonly name = 'kaspi' as const
  constructor(private readonly config: KaspiConfig) {}

  private headers(): Record<string, string> {
    return { 'X-Auth-Token': this.config.token, Accept: KASPI_MEDIA_TYPE, 'Content-Type': KASPI_MEDIA_TYPE }
  }

  private get<T>(path: string, query: Record<string, string | number>): Promise<T> {
    const url = new URL(`${this.config.base}${path}`)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v))
    return callJson<T>('kaspi', url.toString(), { method: 'GET', headers: this.headers() })
  }

  /** Offers are published through the price list, so every product "pushes" successfully. */
  private published(products: SyncProduct[]): Promise<PushResult[]> {
    return Promise.resolve(products.map((p) => ({ product_id: p.id, ok: true })))
  }

  pushProducts(products: SyncProduct[]) {
    return this.published(products)
  }
  pushPrices(products: SyncProduct[]) {
    return this.published(products)
  }
  pushStock(products: SyncProduct[]) {
    return this.published(products)
  }

  async listNewOrders(since: Date, now = new Date()): Promise<ExternalOrder[]> {
    const from = Math.max(since.getTime(), now.getTime() - MAX_WINDOW_MS + 60_000)
    const out: ExternalOrder[] = []
    for (const state of KASPI_OPEN_STATES) {
      for (let page = 0; ; page++) {
        const list = await this.get<KaspiList<KaspiOrderResource>>('/v2/orders', {
          'page[number]': page,
          'page[size]': PAGE_SIZE,
          'filter[orders][state]': state,
          'filter[orders][creationDate][$ge]': from,
          'filter[orders][creationDate][$le]': now.getTime(),
        })
        for (const order of list.data) out.push(await this.withEntries(order))
        const pageCount = list.meta?.pageCount ?? (list.data.length < PAGE_SIZE ? page + 1 : page + 2)
        if (page + 1 >= pageCount || list.data.length === 0) break
      }
    }
    return out
  }

  /** Look an order up by its code (our external id for Kaspi). */
  async getOrder(code: string): Promise<ExternalOrder | null> {
    const list = await this.get<KaspiList<KaspiOrderResource>>('/v2/orders', {
      'page[number]': 0,
      'page[size]': 1,
      'filter[orders][code]': code,
    })
    const order = list.data[0]
    return order ? this.withEntries(order) : null
  }

  private async withEntries(order: KaspiOrderResource): Promise<ExternalOrder> {
    const entries = await this.get<KaspiList<KaspiEntryResource>>(`/v2/orders/${encodeURIComponent(order.id)}/entries`, {
      'page[number]': 0,
      'page[size]': PAGE_SIZE,
    })
    const a = order.attributes
    const customer = a.customer
    const name = customer?.name || [customer?.firstName, customer?.lastName].filter(Boolean).join(' ') || null
    return {
      marketplace: 'kaspi',
      external_id: a.code,
      external_number: a.code,
      external_status: a.status,
      status: kaspiToOurStatus(a.status),
      // Kaspi amounts are tenge; we keep minor units (tiyn).
      currency: 'KZT',
      total: decimalToMinor(a.totalPrice),
      created_at: new Date(a.creationDate).toISOString(),
      customer_name: name,
      lines: entries.data.map((e) => ({
        sku: e.attributes.offer?.code ?? '',
        name: e.attributes.offer?.name ?? '',
        quantity: e.attributes.quantity,
        unit_price: decimalToMinor(e.attributes.basePrice),
      })),
    }
  }

  /** Set a Kaspi order status (accept, complete, cancel) — POST /v2/orders, JSON:API body. */
  async setOrderStatus(kaspiOrderId: string, code: string, ours: OrderStatus): Promise<boolean> {
    const status = this.fromOurStatus(ours)
    if (!status) return false
    await callJson('kaspi', `${this.config.base}/v2/orders`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ data: { type: 'orders', id: kaspiOrderId, attributes: { code, status } } }),
    })
    return true
  }

  /**
   * Push our status to the Kaspi order with this code (our external id). POST /v2/orders needs
   * Kaspi's own order id, which we do not store, so the order is looked up by code first; when it
   * already has the status (a redelivered message) nothing is posted. Returns what happened.
   */
  async pushOrderStatus(code: string, ours: OrderStatus): Promise<'set' | 'already' | 'unmapped' | 'not_found'> {
    const status = this.fromOurStatus(ours)
    if (!status) return 'unmapped'
    const list = await this.get<KaspiList<KaspiOrderResource>>('/v2/orders', {
      'page[number]': 0,
      'page[size]': 1,
      'filter[orders][code]': code,
    })
    const order = list.data[0]
    if (!order) return 'not_found'
    if (order.attributes.status === status) return 'already'
    await this.setOrderStatus(order.id, code, ours)
    return 'set'
  }

  toOurStatus(theirs: string): OrderStatus {
    return kaspiToOurStatus(theirs)
  }
  fromOurStatus(ours: OrderStatus): string | null {
    return ourStatusToKaspi(ours)
  }
}
