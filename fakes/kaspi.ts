import { Hono } from 'hono'

/**
 * A fake of the Kaspi Shop API at its real paths (base https://kaspi.kz/shop/api), auth header
 * (`X-Auth-Token`) and JSON:API shapes (`application/vnd.api+json`), plus the one thing Kaspi does
 * on its own: downloading the merchant's XML price list (`pullPriceList`). State is in memory;
 * tests seed orders, read `requests` and `offers`, and inject failures with `failNext`.
 */
export interface FakeKaspiOrder {
  id: string
  code: string
  totalPrice: number
  creationDate: number
  state: string
  status: string
  customer: { name: string; firstName: string; lastName: string; cellPhone: string }
  entries: { id: string; quantity: number; basePrice: number; offer: { code: string; name: string } }[]
}

export interface FakeKaspiOffer {
  sku: string
  model: string
  brand: string
  price: number
  available: string
  storeId: string
  stockCount: number | null
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: unknown
}

const MEDIA = 'application/vnd.api+json'

export const kaspiState = {
  /** When set, only this token is accepted; otherwise any non-empty token is. */
  token: null as string | null,
  orders: [] as FakeKaspiOrder[],
  requests: [] as RecordedRequest[],
  offers: new Map<string, FakeKaspiOffer>(),
  priceListMeta: null as { company: string; merchantid: string } | null,
  failures: [] as { path: string; status: number; remaining: number }[],
}

export function resetKaspi() {
  kaspiState.token = null
  kaspiState.orders = []
  kaspiState.requests = []
  kaspiState.offers = new Map()
  kaspiState.priceListMeta = null
  kaspiState.failures = []
}

/** Make the next `times` requests whose path contains `path` answer `status`. */
export function failKaspiNext(path: string, status: number, times = 1) {
  kaspiState.failures.push({ path, status, remaining: times })
}

const kaspiError = (status: number, title: string) => ({ errors: [{ status: String(status), title }] })

const orderResource = (o: FakeKaspiOrder) => ({
  type: 'orders',
  id: o.id,
  attributes: {
    code: o.code,
    totalPrice: o.totalPrice,
    paymentMode: 'PAY_WITH_CREDIT',
    creationDate: o.creationDate,
    state: o.state,
    status: o.status,
    customer: { id: `cust-${o.id}`, ...o.customer },
    isKaspiDelivery: o.state === 'KASPI_DELIVERY',
    deliveryMode: 'DELIVERY_LOCAL',
  },
  relationships: {
    entries: { links: { related: `https://kaspi.kz/shop/api/v2/orders/${o.id}/entries` } },
  },
  links: { self: `https://kaspi.kz/shop/api/v2/orders/${o.id}` },
})

export const fakeKaspi = new Hono()

fakeKaspi.use('*', async (c, next) => {
  const url = new URL(c.req.url)
  const text = c.req.method === 'GET' ? '' : await c.req.raw.clone().text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // keep raw text
  }
  kaspiState.requests.push({
    method: c.req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(c.req.raw.headers),
    body,
  })
  const token = c.req.header('X-Auth-Token')
  if (!token || (kaspiState.token !== null && token !== kaspiState.token)) {
    return c.json(kaspiError(401, 'Unauthorized'), 401)
  }
  const failure = kaspiState.failures.find((f) => f.remaining > 0 && url.pathname.includes(f.path))
  if (failure) {
    failure.remaining--
    return c.json(kaspiError(failure.status, 'Injected failure'), failure.status as 500)
  }
  await next()
  c.header('Content-Type', MEDIA)
})

fakeKaspi.get('/shop/api/v2/orders', (c) => {
  const q = (k: string) => c.req.query(k)
  const number = Number(q('page[number]'))
  const size = Number(q('page[size]'))
  // Kaspi answers 400 when pagination is missing or the page is larger than 100.
  if (!Number.isInteger(number) || !Number.isInteger(size) || size < 1 || size > 100 || number < 0) {
    return c.json(kaspiError(400, 'page[number] and page[size] (1..100) are required'), 400)
  }
  let rows = kaspiState.orders
  const code = q('filter[orders][code]')
  if (code) rows = rows.filter((o) => o.code === code)
  else {
    const ge = Number(q('filter[orders][creationDate][$ge]'))
    if (!Number.isFinite(ge) || ge <= 0) return c.json(kaspiError(400, 'filter[orders][creationDate][$ge] is required'), 400)
    const le = Number(q('filter[orders][creationDate][$le]') ?? Date.now())
    if (le - ge > 14 * 24 * 3600 * 1000) return c.json(kaspiError(400, 'creationDate range is longer than 14 days'), 400)
    rows = rows.filter((o) => o.creationDate >= ge && o.creationDate <= le)
    const state = q('filter[orders][state]')
    if (state) rows = rows.filter((o) => o.state === state)
  }
  const page = rows.slice(number * size, number * size + size)
  return c.json({
    data: page.map(orderResource),
    included: [],
    meta: { pageCount: Math.max(1, Math.ceil(rows.length / size)), totalCount: rows.length },
  })
})

fakeKaspi.get('/shop/api/v2/orders/:id/entries', (c) => {
  const order = kaspiState.orders.find((o) => o.id === c.req.param('id'))
  if (!order) return c.json(kaspiError(404, 'Order not found'), 404)
  return c.json({
    data: order.entries.map((e, i) => ({
      type: 'orderentries',
      id: e.id,
      attributes: {
        quantity: e.quantity,
        basePrice: e.basePrice,
        totalPrice: e.basePrice * e.quantity,
        entryNumber: i,
        deliveryCost: 0,
        unitType: 'PIECE',
        offer: e.offer,
        category: { code: 'Master - Fake', title: 'Fake' },
      },
      relationships: { product: { data: { type: 'masterproducts', id: `mp-${e.offer.code}` } } },
    })),
    meta: { pageCount: 1, totalCount: order.entries.length },
  })
})

/** Accept, complete or cancel an order: {data:{type:"orders", id, attributes:{code, status}}}. */
fakeKaspi.post('/shop/api/v2/orders', async (c) => {
  const body = (await c.req.json().catch(() => null)) as {
    data?: { type?: string; id?: string; attributes?: { code?: string; status?: string } }
  } | null
  const data = body?.data
  if (data?.type !== 'orders' || !data.id || !data.attributes?.status) return c.json(kaspiError(400, 'Invalid document'), 400)
  const order = kaspiState.orders.find((o) => o.id === data.id && o.code === data.attributes?.code)
  if (!order) return c.json(kaspiError(404, 'Order not found'), 404)
  order.status = data.attributes.status
  return c.json({ data: orderResource(order) })
})

const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1]
const inner = (xml: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1]?.trim()
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/**
 * What Kaspi does every hour: download the merchant's XML price list and take its offers.
 * Returns the parsed offers; throws if the document is not a kaspi_catalog.
 */
export async function pullPriceList(url: string, fetcher: (url: string) => Promise<Response> = fetch) {
  const res = await fetcher(url)
  if (!res.ok) throw new Error(`price list answered ${res.status}`)
  const xml = await res.text()
  if (!/<kaspi_catalog[\s>]/.test(xml) || !xml.includes('xmlns="kaspiShopping"')) throw new Error('not a kaspi_catalog document')
  kaspiState.priceListMeta = { company: unescapeXml(inner(xml, 'company') ?? ''), merchantid: unescapeXml(inner(xml, 'merchantid') ?? '') }
  const offers = [...xml.matchAll(/<offer\s[^>]*>[\s\S]*?<\/offer>/g)].map(([offer]) => {
    const availability = /<availability\s[^>]*\/>/.exec(offer)?.[0] ?? ''
    const stock = attr(availability, 'stockCount')
    return {
      sku: unescapeXml(attr(offer, 'sku') ?? ''),
      model: unescapeXml(inner(offer, 'model') ?? ''),
      brand: unescapeXml(inner(offer, 'brand') ?? ''),
      price: Number(inner(offer, 'price')),
      available: attr(availability, 'available') ?? '',
      storeId: attr(availability, 'storeId') ?? '',
      stockCount: stock === undefined ? null : Number(stock),
    }
  })
  kaspiState.offers = new Map(offers.map((o) => [o.sku, o]))
  return offers
}
export default fakeKaspi
