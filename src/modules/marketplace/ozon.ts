/**
 * Ozon adapter (Ozon Seller API, https://api-seller.ozon.ru, headers `Client-Id` and `Api-Key`,
 * every method a JSON POST). Versions are the newest in the Seller API reference
 * (docs.ozon.ru/api/seller, swagger "Документация Ozon Seller API" 2.1, mid-2026):
 * - POST /v3/product/import            {items:[{offer_id, name, price, old_price, currency_code, vat, images, weight, weight_unit, attributes}]} -> {result:{task_id}}
 * - POST /v1/product/import/prices     {prices:[{offer_id, price, old_price, currency_code, auto_action_enabled}]} -> {result:[{product_id, offer_id, updated, errors}]}
 *   (prices are decimal strings in major units; at most 1000 per request)
 * - POST /v2/products/stocks           {stocks:[{offer_id, product_id?, stock, warehouse_id}]} -> {result:[{warehouse_id, product_id, offer_id, updated, errors}]}
 *   (at most 100 per request; /v1/product/import/stocks is retired)
 * - POST /v4/posting/fbs/list          {filter:{since, to, statuses?}, limit, cursor, sort_dir, with} -> {postings, has_next, cursor}
 *   (/v3/posting/fbs/list is deprecated and was retired 2026-08-31)
 * - POST /v3/posting/fbs/get           {posting_number, with} -> {result: posting}
 */
import type { OrderStatus } from '../orders/tables'
import type { OzonConfig } from './config'
import {
  callJson,
  decimalToMinor,
  minorToDecimal,
  type ExternalOrder,
  type Marketplace,
  type PushResult,
  type SyncProduct,
} from './marketplace'
import { ourStatusToOzon, ozonToOurStatus } from './statuses'

const STOCK_BATCH = 100
const PRICE_BATCH = 1000
const IMPORT_BATCH = 100
const POSTINGS_PAGE = 100

export interface OzonItemResult {
  product_id?: number
  offer_id: string
  updated: boolean
  errors?: { code: string; message: string }[]
}

export interface OzonPostingProduct {
  sku: number
  offer_id: string
  name: string
  quantity: number
  price: string
  currency_code?: string
}

export interface OzonPosting {
  posting_number: string
  order_id?: number
  order_number?: string
  status: string
  in_process_at?: string
  products: OzonPostingProduct[]
  addressee?: { name?: string } | null
  customer?: { name?: string } | null
}

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export class OzonMarketplace implements Marketplace {
  readonly name = 'ozon' as const
  constructor(private readonly config: OzonConfig) {}

  private post<T>(path: string, body: unknown): Promise<T> {
    return callJson<T>('ozon', `${this.config.base}${path}`, {
      method: 'POST',
      headers: { 'Client-Id': this.config.clientId, 'Api-Key': this.config.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

  async pushProducts(products: SyncProduct[]): Promise<PushResult[]> {
    const items = products.flatMap((p) =>
      p.offers.map((o) => ({
        productId: p.id,
        item: {
          offer_id: o.sku,
          name: p.offers.length > 1 ? `${p.name} ${o.name}` : p.name,
          price: minorToDecimal(o.price),
          old_price: o.compare_at_price && o.compare_at_price > o.price ? minorToDecimal(o.compare_at_price) : '0',
          currency_code: o.currency,
          vat: '0',
          images: p.images,
          primary_image: p.images[0] ?? '',
          weight: o.weight_grams,
          weight_unit: 'g',
          // 4191 is Ozon's "Аннотация" (description) attribute; category attributes need a mapping we do not keep.
          attributes: p.description ? [{ id: 4191, complex_id: 0, values: [{ value: p.description }] }] : [],
        },
      })),
    )
    const taskOf = new Map<string, number>()
    for (const batch of chunks(items, IMPORT_BATCH)) {
      // The import is asynchronous on Ozon's side: the answer is a task id, moderation comes later.
      const res = await this.post<{ result?: { task_id?: number } }>('/v3/product/import', { items: batch.map((b) => b.item) })
      const taskId = res.result?.task_id
      if (taskId) for (const b of batch) taskOf.set(b.productId, taskId)
    }
    return products.map((p) => {
      const taskId = taskOf.get(p.id)
      return { product_id: p.id, ok: true, ...(taskId ? { external_id: `task:${taskId}` } : {}) }
    })
  }

  async pushPrices(products: SyncProduct[]): Promise<PushResult[]> {
    const prices = products.flatMap((p) =>
      p.offers.map((o) => ({
        offer_id: o.sku,
        price: minorToDecimal(o.price),
        // "0" clears a previous strike-through price, as the method's notes say.
        old_price: o.compare_at_price && o.compare_at_price > o.price ? minorToDecimal(o.compare_at_price) : '0',
        currency_code: o.currency,
        auto_action_enabled: 'UNKNOWN',
      })),
    )
    const itemResults: OzonItemResult[] = []
    for (const batch of chunks(prices, PRICE_BATCH)) {
      const res = await this.post<{ result?: OzonItemResult[] }>('/v1/product/import/prices', { prices: batch })
      itemResults.push(...(res.result ?? []))
    }
    return this.byProduct(products, itemResults)
  }

  async pushStock(products: SyncProduct[]): Promise<PushResult[]> {
    const stocks = products.flatMap((p) =>
      p.offers.map((o) => ({
        offer_id: o.sku,
        stock: p.active ? Math.max(0, o.stock) : 0,
        warehouse_id: Number(this.config.warehouseId) || 0,
      })),
    )
    const itemResults: OzonItemResult[] = []
    for (const batch of chunks(stocks, STOCK_BATCH)) {
      const res = await this.post<{ result?: OzonItemResult[] }>('/v2/products/stocks', { stocks: batch })
      itemResults.push(...(res.result ?? []))
    }
    return this.byProduct(products, itemResults)
  }

  /** Fold Ozon's per-offer results into one result per product: any offer error fails the product. */
  private byProduct(products: SyncProduct[], items: OzonItemResult[]): PushResult[] {
    const byOffer = new Map(items.map((i) => [i.offer_id, i]))
    return products.map((p) => {
      const errors: string[] = []
      const externalIds: Record<string, string> = {}
      for (const o of p.offers) {
        const r = byOffer.get(o.sku)
        if (r?.product_id) externalIds[o.sku] = String(r.product_id)
        if (r && (!r.updated || r.errors?.length)) {
          errors.push(`${o.sku}: ${(r.errors ?? []).map((e) => `${e.code} ${e.message}`).join('; ') || 'not updated'}`)
        }
      }
      const first = Object.values(externalIds)[0]
      return {
        product_id: p.id,
        ok: errors.length === 0,
        ...(errors.length ? { error: errors.join(' | ').slice(0, 500) } : {}),
        ...(first ? { external_id: first, external_ids: externalIds } : {}),
      }
    })
  }

  async listNewOrders(since: Date, now = new Date()): Promise<ExternalOrder[]> {
    const out: ExternalOrder[] = []
    let cursor = ''
    for (let guard = 0; guard < 1000; guard++) {
      const res = await this.post<{ postings?: OzonPosting[]; has_next?: boolean; cursor?: string }>('/v4/posting/fbs/list', {
        filter: { since: since.toISOString(), to: now.toISOString() },
        limit: POSTINGS_PAGE,
        cursor,
        sort_dir: 'ASC',
        with: { analytics_data: false, financial_data: false },
      })
      for (const posting of res.postings ?? []) out.push(this.toExternal(posting))
      if (!res.has_next || !res.cursor) break
      cursor = res.cursor
    }
    return out
  }

  async getOrder(postingNumber: string): Promise<ExternalOrder | null> {
    const res = await this.post<{ result?: OzonPosting }>('/v3/posting/fbs/get', {
      posting_number: postingNumber,
      with: { analytics_data: false, financial_data: false },
    })
    return res.result ? this.toExternal(res.result) : null
  }

  private toExternal(p: OzonPosting): ExternalOrder {
    const lines = p.products.map((x) => ({
      sku: x.offer_id,
      name: x.name,
      quantity: x.quantity,
      unit_price: decimalToMinor(x.price),
    }))
    return {
      marketplace: 'ozon',
      external_id: p.posting_number,
      external_number: p.order_number ?? null,
      external_status: p.status,
      status: ozonToOurStatus(p.status),
      currency: p.products[0]?.currency_code || 'RUB',
      total: lines.reduce((sum, l) => sum + l.unit_price * l.quantity, 0),
      created_at: p.in_process_at ? new Date(p.in_process_at).toISOString() : new Date().toISOString(),
      customer_name: p.addressee?.name || p.customer?.name || null,
      lines,
    }
  }

  toOurStatus(theirs: string): OrderStatus {
    return ozonToOurStatus(theirs)
  }
  fromOurStatus(ours: OrderStatus): string | null {
    return ourStatusToOzon(ours)
  }
}
