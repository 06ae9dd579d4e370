import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildSeedPlan, DEMO_PASSWORDS, expectedCounts, isSeeded, seed, seedCounts } from '../../src/seed'
import { api, BASE } from '../helpers'

// A full seed writes ~10,000 rows and hashes four passwords; give it room on a busy machine.
const SEED_TIMEOUT = 240_000

const bindings = () => ({ db: env.DB, images: env.IMAGES })
const plan = buildSeedPlan()

/** Every seeded row of every table, in id order, for comparing two runs. */
async function seedRows() {
  const tables = ['users', 'categories', 'products', 'product_variants', 'product_images', 'reviews']
  const out: Record<string, unknown[]> = {}
  for (const t of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${t} WHERE id LIKE '%\\_seed\\_%' ESCAPE '\\' ORDER BY id`).all()
    out[t] = results
  }
  return out
}

describe('demo seed', () => {
  beforeAll(async () => {
    // Fresh storage per test file: nothing seeded yet, so `npm start` would seed.
    expect(await isSeeded(env.DB)).toBe(false)
    await seed(bindings())
  }, SEED_TIMEOUT)

  it('writes the planned data set: 1,000+ products over ~50 categories, users of every role', async () => {
    const counts = await seedCounts(env.DB)
    expect(counts).toEqual(expectedCounts(plan))
    expect(counts.products).toBeGreaterThanOrEqual(1000)
    expect(counts.categories).toBe(50)
    expect(await isSeeded(env.DB)).toBe(true)

    const { results: roles } = await env.DB.prepare(`SELECT role, count(*) AS n FROM users GROUP BY role ORDER BY role`).all<{
      role: string
      n: number
    }>()
    expect(roles.map((r) => r.role)).toEqual(['admin', 'customer', 'seller', 'staff'])
    const status = await env.DB.prepare(`SELECT status, count(*) AS n FROM products GROUP BY status`).all<{ status: string; n: number }>()
    const byStatus = Object.fromEntries(status.results.map((r) => [r.status, r.n]))
    expect(byStatus.draft).toBeGreaterThan(0)
    expect(byStatus.active).toBeGreaterThan(1000)
  })

  it('keeps every product row consistent with its variants, reviews and search index', async () => {
    const bad = await env.DB.prepare(
      `SELECT p.id FROM products p WHERE
        price_min != (SELECT min(price) FROM product_variants v WHERE v.product_id = p.id)
        OR price_max != (SELECT max(price) FROM product_variants v WHERE v.product_id = p.id)
        OR stock_total != (SELECT sum(stock) FROM product_variants v WHERE v.product_id = p.id)
        OR rating_sum != (SELECT coalesce(sum(rating), 0) FROM reviews r WHERE r.product_id = p.id)
        OR rating_count != (SELECT count(*) FROM reviews r WHERE r.product_id = p.id)
        OR rating_avg_x100 != CASE WHEN rating_count = 0 THEN 0 ELSE (rating_sum * 100 + rating_count / 2) / rating_count END
        OR (SELECT count(*) FROM product_variants v WHERE v.product_id = p.id) NOT BETWEEN 1 AND 4
        OR (SELECT count(*) FROM products_fts f WHERE f.product_id = p.id) != 1`,
    ).all()
    expect(bad.results).toEqual([])
    // Variants carry attributes, integer prices and non-negative stock.
    const v = await env.DB.prepare(`SELECT * FROM product_variants WHERE id = 'var_seed_0001_1'`).first<{
      attributes: string
      price: number
    }>()
    expect(Object.keys(JSON.parse(v!.attributes)).length).toBeGreaterThan(0)
    expect(Number.isInteger(v!.price)).toBe(true)
  })

  it(
    're-running gives the same rows and counts, leaves other rows alone',
    async () => {
      const before = await seedRows()

      // Real data beside the seed: a user, and that user's review on a seeded product.
      const now = new Date().toISOString()
      await env.DB.batch([
        env.DB.prepare(
          `INSERT INTO users (id, email, name, role, password_hash, password_salt, password_iterations, created_at, updated_at)
         VALUES ('usr_real_1', 'real@shop.test', 'Real Person', 'customer', 'x', 'x', 1, ?, ?)`,
        ).bind(now, now),
        env.DB.prepare(
          `INSERT INTO reviews (id, product_id, user_id, rating, created_at) VALUES ('rev_real_1', 'prd_seed_0003', 'usr_real_1', 5, ?)`,
        ).bind(now),
      ])
      // And a demo password someone changed: the re-seed puts the documented one back.
      await env.DB.prepare(`UPDATE users SET password_hash = 'changed' WHERE id = 'usr_seed_admin'`).run()

      await seed(bindings())

      expect(await seedCounts(env.DB)).toEqual(expectedCounts(plan))
      const after = await seedRows()
      for (const table of ['categories', 'product_variants', 'product_images', 'reviews']) expect(after[table]).toEqual(before[table])
      // The admin got a fresh hash (new salt); every other user row is byte-identical.
      expect(after.users!.filter((u) => (u as { id: string }).id !== 'usr_seed_admin')).toEqual(
        before.users!.filter((u) => (u as { id: string }).id !== 'usr_seed_admin'),
      )
      // The product with the real review now counts it; every other product row is unchanged.
      const changed = (rows: unknown[]) => rows.filter((p) => (p as { id: string }).id === 'prd_seed_0003')
      const rest = (rows: unknown[]) => rows.filter((p) => (p as { id: string }).id !== 'prd_seed_0003')
      expect(rest(after.products!)).toEqual(rest(before.products!))
      const p3 = changed(after.products!)[0] as { rating_count: number; rating_sum: number }
      const p3Before = changed(before.products!)[0] as { rating_count: number; rating_sum: number }
      expect(p3.rating_count).toBe(p3Before.rating_count + 1)
      expect(p3.rating_sum).toBe(p3Before.rating_sum + 5)
      expect(await env.DB.prepare(`SELECT name FROM users WHERE id = 'usr_real_1'`).first('name')).toBe('Real Person')
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM reviews WHERE id = 'rev_real_1'`).first('n')).toBe(1)

      const login = await api('POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: DEMO_PASSWORDS.admin } })
      expect(login.status).toBe(200)
    },
    SEED_TIMEOUT,
  )

  it('the documented credentials sign in with the right role', async () => {
    for (const [email, role] of [
      ['staff@example.com', 'staff'],
      ['seller1@example.com', 'seller'],
      ['customer1@example.com', 'customer'],
    ] as const) {
      const res = await api<{ user: { role: string } }>('POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORDS[role] } })
      expect(res.status, email).toBe(200)
      expect(res.body.user.role).toBe(role)
    }
  })

  it('the public API finds a seeded product by a word of its name and filters by a top-level category', async () => {
    const target = plan.products.find((p) => p.status === 'active' && p.id === 'prd_seed_0007')!
    const search = await api<{ data: { id: string }[] }>('GET', `/api/v1/products?q=${encodeURIComponent(target.name)}&limit=100`)
    expect(search.status).toBe(200)
    expect(search.body.data.map((p) => p.id)).toContain(target.id)

    const word = target.name.split(' ').at(-1)!
    const byWord = await api<{ data: { name: string }[] }>('GET', `/api/v1/products?q=${encodeURIComponent(word)}&limit=50`)
    expect(byWord.body.data.length).toBeGreaterThan(0)
    for (const p of byWord.body.data) expect(p.name.toLowerCase()).toContain(word.toLowerCase())

    // "electronics" is a top-level category: its products sit in its subcategories.
    const inCategory = await api<{ data: { category_id: string }[] }>('GET', '/api/v1/products?category=electronics&limit=100')
    expect(inCategory.status).toBe(200)
    expect(inCategory.body.data.length).toBe(100)
    for (const p of inCategory.body.data) expect(p.category_id).toMatch(/^cat_seed_01_\d\d$/)
  })

  it('serves the seeded product images as valid PNGs', async () => {
    const detail = await api<{ images: { url: string; content_type: string; size: number }[] }>('GET', '/api/v1/products/prd_seed_0004')
    expect(detail.status).toBe(200)
    expect(detail.body.images).toHaveLength(2)
    const img = detail.body.images[0]!
    const res = await SELF.fetch(`${BASE}${img.url}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('image/png')
    const served = new Uint8Array(await res.arrayBuffer())

    const raw = await env.IMAGES.get('products/prd_seed_0004/img_seed_0004_1.png')
    const bytes = new Uint8Array(await raw!.arrayBuffer())
    expect(served).toEqual(bytes)
    expect(bytes.byteLength).toBe(img.size)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    // The IDAT payload is a zlib stream a real inflater accepts (checksums included).
    const view = new DataView(bytes.buffer)
    let off = 8
    let idat: Uint8Array | undefined
    while (off < bytes.length) {
      const len = view.getUint32(off)
      const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8))
      if (type === 'IDAT') idat = bytes.subarray(off + 8, off + 8 + len)
      off += 12 + len
    }
    const inflated = await new Response(new Blob([idat!]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer()
    expect(inflated.byteLength).toBe((128 / 4 + 1) * 128)
  })
})
