// The benchmark scenarios, in run order. Append new ones here (cart, checkout, …).
//
// A scenario is { name, setup(ctx) } where setup runs once before the warm-up and returns the
// autocannon options for the measured run: at least { path }, optionally { method, headers, body }
// or { requests: [...] } (autocannon's per-request `setupRequest` hook can vary ids or
// Idempotency-Key headers). Responses other than 2xx are counted and shown as errors.
//
// ctx: { base, get(path, headers?) -> JSON, post(path, body, headers?) -> JSON,
//        login(email, password) -> { Authorization } headers, demo: DEMO_USERS,
//        shoppers(from, count) -> [{ Authorization }] for the seeded bench accounts bench_usr_<n> }

/** The seeded demo accounts (src/seed/users.ts). */
export const DEMO_USERS = {
  admin: { email: 'admin@example.com', password: 'admin-demo-pass' },
  staff: { email: 'staff@example.com', password: 'staff-demo-pass' },
  seller: { email: 'seller1@example.com', password: 'seller-demo-pass' },
  customer: { email: 'customer1@example.com', password: 'customer-demo-pass' },
}

export const scenarios = [
  { name: 'GET /health', setup: async () => ({ path: '/health' }) },
  { name: 'product list', setup: async () => ({ path: '/api/v1/products?limit=20' }) },
  // A word from the seeded vocabulary (brand names, src/seed/catalog-data.ts): ~1/26 of products.
  { name: 'product list, search', setup: async () => ({ path: '/api/v1/products?q=aurora&limit=20' }) },
  // A top-level category: the filter spans its four subcategories.
  { name: 'product list, category', setup: async () => ({ path: '/api/v1/products?category=electronics&limit=20' }) },
  // Every request a different price floor, so nearly every read misses the KV cache and runs the
  // FTS query on D1: the cost of a cold catalog page.
  {
    name: 'product list, search, uncached',
    setup: async () => {
      let n = 0
      return {
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: `/api/v1/products?q=aurora&limit=20&min_price=${(n++ * 7919) % 100_000}` }),
          },
        ],
      }
    },
  },
  {
    name: 'product detail',
    setup: async (ctx) => {
      const list = await ctx.get('/api/v1/products?limit=1')
      const slug = list.data?.[0]?.slug
      if (!slug) throw new Error('product list is empty: is the store seeded?')
      return { path: `/api/v1/products/${slug}` }
    },
  },
  // The storefront's product page as HTML, served from the HTML cache after the first request
  // (compare its req/s with "GET /health" and the bare Worker ceiling of the same run).
  {
    name: 'storefront product page (cached HTML)',
    setup: async (ctx) => {
      const list = await ctx.get('/api/v1/products?limit=1')
      const slug = list.data?.[0]?.slug
      if (!slug) throw new Error('product list is empty: is the store seeded?')
      return { path: `/p/${slug}`, headers: { Accept: 'text/html' } }
    },
  },
]

// ---- carts and checkout (orders module) ----------------------------------------------------
//
// Seeded products have small stock, so these scenarios buy a dedicated product that setup creates
// through the admin API with 1,000,000 units (one per bench run, SKU stamped with the time),
// shipped with a flat-rate method it also creates, by the seeded bench shoppers.

let shop
export { benchShop }
/** Once per bench run: admin login, the high-stock product, a shipping method, a pool of shoppers. */
async function benchShop(ctx) {
  if (shop) return shop
  const admin = await ctx.login(ctx.demo.admin.email, ctx.demo.admin.password)
  const stamp = Date.now().toString(36)
  const product = await ctx.post(
    '/api/v1/admin/products',
    {
      name: `Bench item ${stamp}`,
      status: 'active',
      currency: 'USD',
      variants: [{ sku: `BENCH-${stamp}`, name: 'Standard', price: 1000, stock: 1_000_000 }],
    },
    admin,
  )
  const variantId = product.variants?.[0]?.id
  if (!variantId) throw new Error(`admin product create returned no variant: ${JSON.stringify(product)}`)
  const method = await ctx.post(
    '/api/v1/admin/shipping-methods',
    { name: `Bench flat ${stamp}`, kind: 'flat', currency: 'USD', amount: 500 },
    admin,
  )
  // Enough shoppers that every connection of the warm-up and of the measured run has its own
  // (seeded bench accounts with tokens signed by the bench: registering hashes a password each).
  const count = 2 * Number(process.env.BENCH_CONNECTIONS ?? 20) + 2
  const shoppers = await ctx.shoppers(0, count)
  shop = { productId: product.id, variantId, shippingMethodId: method.id, shoppers, next: 0 }
  return shop
}

const json = { 'Content-Type': 'application/json' }
/** Round-robin: concurrent requests may share a shopper (their cart's DO serializes them). */
const anyShopper = (s) => s.shoppers[s.next++ % s.shoppers.length]

scenarios.push(
  {
    name: 'add to cart (signed in, 1 unit)',
    setup: async (ctx) => {
      const s = await benchShop(ctx)
      const body = JSON.stringify({ variant_id: s.variantId, quantity: 1 })
      return {
        requests: [
          { method: 'POST', path: '/api/v1/cart/items', setupRequest: (req) => ({ ...req, headers: { ...json, ...anyShopper(s) }, body }) },
        ],
      }
    },
  },
  {
    name: 'cart read (signed in, priced)',
    setup: async (ctx) => {
      const s = await benchShop(ctx)
      return { requests: [{ method: 'GET', path: '/api/v1/cart', setupRequest: (req) => ({ ...req, headers: anyShopper(s) }) }] }
    },
  },
  {
    // Each connection loops add-to-cart then checkout, so req/s counts both: checkouts/s is half.
    // A cycle leases a shopper for itself (two cycles sharing a cart would empty it under each
    // other) and gives it back when its checkout answers. Every checkout reserves stock and
    // creates the order in one D1 batch, then its OrderDO.
    name: 'checkout cycle (add 1 + checkout; checkouts/s = req/s / 2)',
    setup: async (ctx) => {
      const s = await benchShop(ctx)
      const free = [...s.shoppers]
      const add = JSON.stringify({ variant_id: s.variantId, quantity: 1 })
      const order = JSON.stringify({
        shipping_address: { name: 'Bench Shopper', line1: '1 Load St', city: 'Almaty', country: 'KZ' },
        shipping_method_id: s.shippingMethodId,
        payment_provider: 'manual',
      })
      let n = 0
      return {
        requests: [
          {
            method: 'POST',
            path: '/api/v1/cart/items',
            setupRequest: (req, c) => {
              c.auth = free.pop()
              if (!c.auth) throw new Error('bench: no free shopper left')
              return { ...req, headers: { ...json, ...c.auth }, body: add }
            },
          },
          {
            method: 'POST',
            path: '/api/v1/checkout',
            setupRequest: (req, c) => ({
              ...req,
              headers: { ...json, ...c.auth, 'Idempotency-Key': `bench-${process.pid}-${n++}` },
              body: order,
            }),
            onResponse: (_status, _body, c) => {
              if (c.auth) free.push(c.auth)
            },
          },
        ],
      }
    },
  },
)
