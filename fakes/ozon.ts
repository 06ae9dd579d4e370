import { Hono } from 'hono'

/**
 * A fake of the Ozon Seller API at its real paths (https://api-seller.ozon.ru), auth headers
 * (`Client-Id`, `Api-Key`) and JSON shapes, for the methods marketplace sync uses. State is in
 * memory; tests seed postings, read `requests`, `stocks`, `prices`, and inject failures.
 */
export interface FakeOzonPosting {
  posting_number: string
  order_id: number
  order_number: string
  status: string
  in_process_at: string
  products: { sku: number; offer_id: string; name: string; quantity: number; price: string; currency_code: string }[]
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
}

export const ozonState = {
  /** When set, only these credentials are accepted; otherwise any non-empty pair is. */
  credentials: null as { clientId: string; apiKey: string } | null,
  postings: [] as FakeOzonPosting[],
  requests: [] as RecordedRequest[],
  /** offer_id -> stock per warehouse, as last set through /v2/products/stocks. */
  stocks: new Map<string, { stock: number; warehouse_id: number }>(),
  /** offer_id -> the last price item received. */
  prices: new Map<string, Record<string, unknown>>(),
  /** offer_id -> the last product import item received. */
  products: new Map<string, Record<string, unknown>>(),
  /** offer ids Ozon does not know: stock/price updates for them come back with an error. */
  unknownOffers: new Set<string>(),
  failures: [] as { path: string; status: number; remaining: number }[],
  nextTaskId: 1000,
}

export function resetOzon() {
  ozonState.credentials = null
  ozonState.postings = []
  ozonState.requests = []
  ozonState.stocks = new Map()
  ozonState.prices = new Map()
  ozonState.products = new Map()
  ozonState.unknownOffers = new Set()
  ozonState.failures = []
  ozonState.nextTaskId = 1000
}

/** Make the next `times` requests to `path` answer `status` with Ozon's error body. */
export function failOzonNext(path: string, status: number, times = 1) {
  ozonState.failures.push({ path, status, remaining: times })
}

const ozonError = (code: number, message: string) => ({ code, message, details: [] })
/** A stable fake Ozon product_id per offer. */
const productIdOf = (offerId: string) => 100000 + [...offerId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 900000, 7)

export const fakeOzon = new Hono()

fakeOzon.use('*', async (c, next) => {
  const text = await c.req.raw.clone().text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // keep raw text
  }
  const path = new URL(c.req.url).pathname
  ozonState.requests.push({ method: c.req.method, path, headers: Object.fromEntries(c.req.raw.headers), body })
  const clientId = c.req.header('Client-Id')
  const apiKey = c.req.header('Api-Key')
  const want = ozonState.credentials
  if (!clientId || !apiKey || (want && (want.clientId !== clientId || want.apiKey !== apiKey))) {
    return c.json(ozonError(16, 'Client-Id and Api-Key headers are required'), 401)
  }
  const failure = ozonState.failures.find((f) => f.remaining > 0 && f.path === path)
  if (failure) {
    failure.remaining--
    return c.json(ozonError(failure.status >= 500 ? 13 : 3, 'Injected failure'), failure.status as 500)
  }
  if (c.req.method !== 'POST') return c.json(ozonError(12, 'Method not allowed'), 405)
  if (typeof body !== 'object' || body === null) return c.json(ozonError(3, 'Invalid JSON body'), 400)
  await next()
})

fakeOzon.post('/v3/product/import', async (c) => {
  const { items } = (await c.req.json()) as { items?: Record<string, unknown>[] }
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) return c.json(ozonError(3, 'items: 1..100 required'), 400)
  for (const item of items) {
    if (typeof item.offer_id !== 'string' || typeof item.name !== 'string' || typeof item.price !== 'string') {
      return c.json(ozonError(3, 'offer_id, name and price are required'), 400)
    }
    ozonState.products.set(item.offer_id, item)
  }
  return c.json({ result: { task_id: ozonState.nextTaskId++ } })
})

fakeOzon.post('/v1/product/import/prices', async (c) => {
  const { prices } = (await c.req.json()) as { prices?: Record<string, unknown>[] }
  if (!Array.isArray(prices) || prices.length === 0 || prices.length > 1000) return c.json(ozonError(3, 'prices: 1..1000 required'), 400)
  const result = prices.map((p) => {
    const offerId = String(p.offer_id ?? '')
    if (typeof p.price !== 'string' || !/^\d+(\.\d+)?$/.test(p.price)) {
      return {
        product_id: 0,
        offer_id: offerId,
        updated: false,
        errors: [{ code: 'INVALID_PRICE', message: 'price must be a decimal string' }],
      }
    }
    if (ozonState.unknownOffers.has(offerId)) {
      return { product_id: 0, offer_id: offerId, updated: false, errors: [{ code: 'NOT_FOUND', message: 'Product not found' }] }
    }
    ozonState.prices.set(offerId, p)
    return { product_id: productIdOf(offerId), offer_id: offerId, updated: true, errors: [] }
  })
  return c.json({ result })
})

fakeOzon.post('/v2/products/stocks', async (c) => {
  const { stocks } = (await c.req.json()) as {
    stocks?: { offer_id?: string; product_id?: number; stock?: number; warehouse_id?: number }[]
  }
  if (!Array.isArray(stocks) || stocks.length === 0 || stocks.length > 100) return c.json(ozonError(3, 'stocks: 1..100 required'), 400)
  const result = stocks.map((s) => {
    const offerId = String(s.offer_id ?? '')
    const base = { warehouse_id: s.warehouse_id ?? 0, product_id: productIdOf(offerId), offer_id: offerId }
    if (!Number.isInteger(s.stock) || (s.stock ?? -1) < 0) {
      return { ...base, updated: false, errors: [{ code: 'INVALID_STOCK', message: 'stock must be a non-negative integer' }] }
    }
    if (ozonState.unknownOffers.has(offerId)) {
      return { ...base, product_id: 0, updated: false, errors: [{ code: 'NOT_FOUND', message: 'Product not found' }] }
    }
    ozonState.stocks.set(offerId, { stock: s.stock ?? 0, warehouse_id: s.warehouse_id ?? 0 })
    return { ...base, updated: true, errors: [] }
  })
  return c.json({ result })
})

fakeOzon.post('/v4/posting/fbs/list', async (c) => {
  const req = (await c.req.json()) as { filter?: { since?: string; to?: string; statuses?: string[] }; limit?: number; cursor?: string }
  const since = Date.parse(req.filter?.since ?? '')
  const to = Date.parse(req.filter?.to ?? '')
  const limit = req.limit ?? 0
  if (!Number.isFinite(since) || !Number.isFinite(to) || limit < 1 || limit > 1000) {
    return c.json(ozonError(3, 'filter.since, filter.to and limit (1..1000) are required'), 400)
  }
  let rows = ozonState.postings.filter((p) => {
    const t = Date.parse(p.in_process_at)
    return t >= since && t <= to
  })
  if (req.filter?.statuses?.length) rows = rows.filter((p) => req.filter?.statuses?.includes(p.status))
  const offset = req.cursor ? Number(atob(req.cursor)) : 0
  const page = rows.slice(offset, offset + limit)
  const hasNext = offset + limit < rows.length
  return c.json({ postings: page, has_next: hasNext, cursor: hasNext ? btoa(String(offset + limit)) : '' })
})

fakeOzon.post('/v3/posting/fbs/get', async (c) => {
  const { posting_number } = (await c.req.json()) as { posting_number?: string }
  const posting = ozonState.postings.find((p) => p.posting_number === posting_number)
  if (!posting) return c.json(ozonError(5, 'Posting not found'), 404)
  return c.json({ result: posting })
})
export default fakeOzon
