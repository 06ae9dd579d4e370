// The bench's two correctness-under-load checks (scripts/bench.mjs runs them after the scenarios).
//
// cacheHitRatioAfterOrders: warm a set of catalog pages (lists, sorts, categories, searches,
// product details), place N orders of ONE product, then read every page once more and count
// X-Cache HITs. Orders invalidate only the sold product's own detail page (and lists when it
// sells out), so the other pages must keep hitting.
//
// flashSale: a product with `units` in stock, `buyers` shoppers each with one unit in the cart,
// then every checkout fired at once. Exactly `units` orders must be created, every other buyer
// answered 409, nothing else; latency p50/p99 of the burst is reported.

const json = { 'Content-Type': 'application/json' }

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const out = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i], i)
      }
    }),
  )
  return out
}

async function request(ctx, method, path, headers = {}, body) {
  const res = await fetch(ctx.base + path, {
    method,
    headers: { ...(body ? json : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text }
}

async function mustOk(ctx, method, path, headers, body) {
  const r = await request(ctx, method, path, headers, body)
  if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 300)}`)
  return r.text ? JSON.parse(r.text) : null
}

const order = (shippingMethodId) => ({
  shipping_address: { name: 'Bench Shopper', line1: '1 Load St', city: 'Almaty', country: 'KZ' },
  shipping_method_id: shippingMethodId,
  payment_provider: 'manual',
})

/** Empty the shopper's cart, put `quantity` of the variant in it. */
async function fillCart(ctx, auth, variantId, quantity = 1) {
  await mustOk(ctx, 'DELETE', '/api/v1/cart', auth)
  await mustOk(ctx, 'POST', '/api/v1/cart/items', auth, { variant_id: variantId, quantity })
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

export async function cacheHitRatioAfterOrders(ctx, shop, { orders, buyersFrom }) {
  const pages = ['/api/v1/categories', '/api/v1/categories?format=flat']
  for (const sort of ['newest', 'price_asc', 'price_desc', 'rating']) pages.push(`/api/v1/products?limit=20&sort=${sort}`)
  for (const word of ['aurora', 'nova', 'zenith', 'vertex', 'lumen']) pages.push(`/api/v1/products?q=${word}&limit=20`)
  const categories = await ctx.get('/api/v1/categories?format=flat')
  for (const c of categories.data.slice(0, 12)) pages.push(`/api/v1/products?category=${c.slug}&limit=20`, `/api/v1/categories/${c.slug}`)
  const listed = new Set()
  for (const sort of ['newest', 'price_asc', 'rating']) {
    const page = await ctx.get(`/api/v1/products?limit=30&sort=${sort}`)
    for (const p of page.data) if (p.id !== shop.productId) listed.add(p.slug)
  }
  for (const slug of listed) pages.push(`/api/v1/products/${slug}`)

  // Warm every page (a miss stores it; the second read proves it is cacheable at all).
  for (let round = 0; round < 2; round++) await pool(pages, 10, (path) => mustOk(ctx, 'GET', path))

  const buyers = await ctx.shoppers(buyersFrom, orders)
  await pool(buyers, 10, async (auth, i) => {
    await fillCart(ctx, auth, shop.variantId)
    const r = await request(
      ctx,
      'POST',
      '/api/v1/checkout',
      { ...auth, 'Idempotency-Key': `bench-ratio-${Date.now()}-${i}` },
      order(shop.shippingMethodId),
    )
    if (r.status !== 201) throw new Error(`hit-ratio check: checkout -> ${r.status} ${r.text.slice(0, 300)}`)
  })

  let hits = 0
  for (const path of pages) {
    const r = await request(ctx, 'GET', path)
    if (r.status !== 200) throw new Error(`hit-ratio check: GET ${path} -> ${r.status}`)
    if (r.headers.get('X-Cache') === 'HIT') hits++
  }
  return { pages: pages.length, hits, ratio: hits / pages.length, orders }
}

export async function flashSale(ctx, shop, { buyers: count, units }) {
  const admin = await ctx.login(ctx.demo.admin.email, ctx.demo.admin.password)
  const stamp = Date.now().toString(36)
  const product = await ctx.post(
    '/api/v1/admin/products',
    {
      name: `Flash sale ${stamp}`,
      status: 'active',
      currency: 'USD',
      variants: [{ sku: `FLASH-${stamp}`, name: 'Limited', price: 1999, stock: units }],
    },
    admin,
  )
  const variantId = product.variants[0].id
  const buyers = await ctx.shoppers(0, count)
  // Carts first (not part of the burst), 50 at a time.
  await pool(buyers, 50, (auth) => fillCart(ctx, auth, variantId))

  const started = Date.now()
  const results = await Promise.all(
    buyers.map(async (auth, i) => {
      const t0 = Date.now()
      try {
        const r = await request(
          ctx,
          'POST',
          '/api/v1/checkout',
          { ...auth, 'Idempotency-Key': `flash-${stamp}-${i}` },
          order(shop.shippingMethodId),
        )
        return { status: r.status, ms: Date.now() - t0 }
      } catch (err) {
        return { status: `error: ${err?.cause?.code ?? err?.message ?? err}`, ms: Date.now() - t0 }
      }
    }),
  )
  const wallMs = Date.now() - started
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b)
  const otherStatuses = {}
  for (const r of results) if (r.status !== 201 && r.status !== 409) otherStatuses[r.status] = (otherStatuses[r.status] ?? 0) + 1
  const after = await ctx.get(`/api/v1/admin/products/${product.id}`, admin).catch(() => null)
  return {
    buyers: count,
    units,
    created: results.filter((r) => r.status === 201).length,
    conflicts: results.filter((r) => r.status === 409).length,
    other: Object.values(otherStatuses).reduce((a, b) => a + b, 0),
    otherStatuses,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    wallMs,
    stockLeft: after?.variants?.[0]?.stock ?? 'unknown',
  }
}
