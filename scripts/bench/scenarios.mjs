// The benchmark scenarios, in run order. Append new ones here (cart, checkout, …).
//
// A scenario is { name, setup(ctx) } where setup runs once before the warm-up and returns the
// autocannon options for the measured run: at least { path }, optionally { method, headers, body }
// or { requests: [...] } (autocannon's per-request `setupRequest` hook can vary ids or
// Idempotency-Key headers). Responses other than 2xx are counted and shown as errors.
//
// ctx: { base, get(path, headers?) -> JSON, post(path, body, headers?) -> JSON,
//        login(email, password) -> { Authorization } headers, demo: DEMO_USERS }

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
]
