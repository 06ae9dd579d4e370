import type { Role } from '../lib/context'
import { hashPassword, verifyPassword, type PasswordHash } from '../modules/accounts/password'
import { users } from '../modules/accounts/tables'
import { categories, productImages, productVariants, products, reviews } from '../modules/catalog/tables'
import { drawProductImage } from './images'
import { buildSeedPlan, type SeedOptions, type SeedPlan } from './plan'
import { hasShipping, seedStoreSettings } from './store'
import { upsertInBatches } from './upsert'
import { DEMO_PASSWORDS } from './users'

export { buildSeedPlan, DEFAULT_PRODUCT_COUNT, type SeedOptions } from './plan'
export { DEMO_PASSWORDS } from './users'
export { seedStoreSettings, SEED_DISCOUNTS, SEED_SHIPPING_METHODS, SEED_TAX_RATES } from './store'

/** The bindings the seed writes to; the same objects in workerd tests and through getPlatformProxy in Node. */
export interface SeedBindings {
  db: D1Database
  images: R2Bucket
}

export interface SeedCounts {
  users: number
  categories: number
  products: number
  variants: number
  images: number
  reviews: number
}

export interface SeedRunOptions extends SeedOptions {
  /** Progress lines such as `products 400/1200`; silent when omitted. */
  log?: (line: string) => void
}

// Every seeded row's id is `<prefix>_seed_…`: that is how the seed tells its rows from real ones.
// `_` is a LIKE wildcard, hence the escapes: these match ids such as `prd_seed_0001` only.
const SEED_LIKE = (prefix: string) => `${prefix}\\_seed\\_%`
const SEED_WHERE = (prefix: string) => `id LIKE '${SEED_LIKE(prefix)}' ESCAPE '\\'`

const SEED_EPOCH = new Date(Date.UTC(2026, 0, 1)).toISOString()

export function expectedCounts(plan: SeedPlan): SeedCounts {
  return {
    users: plan.users.length,
    categories: plan.categories.length,
    products: plan.products.length,
    variants: plan.variants.length,
    images: plan.images.length,
    reviews: plan.reviews.length,
  }
}

/** How many seeded rows each table holds now. */
export async function seedCounts(db: D1Database): Promise<SeedCounts> {
  const row = await db
    .prepare(
      `SELECT
        (SELECT count(*) FROM users WHERE ${SEED_WHERE('usr')}) AS users,
        (SELECT count(*) FROM categories WHERE ${SEED_WHERE('cat')}) AS categories,
        (SELECT count(*) FROM products WHERE ${SEED_WHERE('prd')}) AS products,
        (SELECT count(*) FROM product_variants WHERE ${SEED_WHERE('var')}) AS variants,
        (SELECT count(*) FROM product_images WHERE ${SEED_WHERE('img')}) AS images,
        (SELECT count(*) FROM reviews WHERE ${SEED_WHERE('rev')}) AS reviews`,
    )
    .first<SeedCounts>()
  if (!row) throw new Error('count query returned no row')
  return row
}

/**
 * True when the default (or given) plan's rows are all there, so `npm start` can skip seeding.
 * "At least": a bigger catalog seeded with `--products N` counts as seeded too.
 */
export async function isSeeded(db: D1Database, options: SeedOptions = {}): Promise<boolean> {
  const want = expectedCounts(buildSeedPlan(options))
  const have = await seedCounts(db)
  // A store seeded before shipping/tax settings were part of the seed is topped up too.
  return (Object.keys(want) as (keyof SeedCounts)[]).every((k) => have[k] >= want[k]) && (await hasShipping(db))
}

/**
 * Writes the demo data set: users of every role, the category tree, products with variants,
 * images (PNG in R2 + product_images rows) and reviews. Idempotent: rows have fixed ids and are
 * upserted; rows without a seed id are never touched. Product aggregates (price range, stock,
 * ratings) are recomputed from the variant and review rows at the end, and the catalog cache
 * version is bumped so cached pages from before the seed are not served.
 */
export async function seed(bindings: SeedBindings, options: SeedRunOptions = {}): Promise<SeedCounts> {
  const { db, images } = bindings
  const log = options.log ?? (() => {})
  // About every tenth of the way and at the end: a few lines per table, also for 100k products.
  const progress = (label: string) => {
    let shown = 0
    return (done: number, total: number) => {
      if (done < total && done - shown < total / 10) return
      shown = done
      log(`${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`)
    }
  }
  const plan = buildSeedPlan(options)

  await assertEmailsFree(db, plan)
  const credentials = await demoCredentials(db, plan)
  const userRows = plan.users.map((u) => {
    const cred = credentials[u.role]
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      phone: null,
      passwordHash: cred.hash,
      passwordSalt: cred.salt,
      passwordIterations: cred.iterations,
      locale: 'en',
      notificationChannels: '["email"]',
      emailVerifiedAt: SEED_EPOCH,
      disabledAt: null,
      createdAt: SEED_EPOCH,
      updatedAt: SEED_EPOCH,
    }
  })
  await upsertInBatches(db, users, userRows, progress('users'))
  await upsertInBatches(db, categories, plan.categories, progress('categories'))
  await upsertInBatches(db, products, plan.products, progress('products'))
  await upsertInBatches(db, productVariants, plan.variants, progress('variants'))

  // Objects first, rows second: a product_images row must never point at a missing object.
  // More uploads at once were not faster through the local proxy (5,000 PNGs on a busy 2-core box:
  // 12-26 s at 16 at a time, 21 s at 64, 28 s at 256).
  const CONCURRENCY = 16
  const imageFiles = progress('image files')
  // At most 360 hues x 8 patterns: a large catalog repeats pictures, so each is drawn once.
  const drawn = new Map<string, Uint8Array>()
  const picture = (hue: number, pattern: number) => {
    const key = `${hue}:${pattern}`
    let png = drawn.get(key)
    if (!png) {
      png = drawProductImage(hue, pattern)
      drawn.set(key, png)
    }
    return png
  }
  for (let i = 0; i < plan.images.length; i += CONCURRENCY) {
    await Promise.all(
      plan.images.slice(i, i + CONCURRENCY).map(async (img) => {
        const png = picture(img.hue, img.pattern)
        img.row.size = png.byteLength
        await images.put(img.row.key, png, { httpMetadata: { contentType: 'image/png' } })
      }),
    )
    const done = Math.min(plan.images.length, i + CONCURRENCY)
    imageFiles(done, plan.images.length)
  }
  const imageRows = plan.images.map((i) => i.row)
  await upsertInBatches(db, productImages, imageRows, progress('images'))
  await upsertInBatches(db, reviews, plan.reviews, progress('reviews'))

  await db.batch([
    // From the rows actually present, so variants or reviews added through the API since the last
    // seed are counted too and the product row always agrees with them (hidden reviews never count).
    db.prepare(
      `UPDATE products SET
        price_min = coalesce((SELECT min(price) FROM product_variants v WHERE v.product_id = products.id), 0),
        price_max = coalesce((SELECT max(price) FROM product_variants v WHERE v.product_id = products.id), 0),
        stock_total = coalesce((SELECT sum(stock) FROM product_variants v WHERE v.product_id = products.id), 0),
        rating_sum = coalesce((SELECT sum(rating) FROM reviews r WHERE r.product_id = products.id AND r.status = 'published'), 0),
        rating_count = (SELECT count(*) FROM reviews r WHERE r.product_id = products.id AND r.status = 'published')
      WHERE ${SEED_WHERE('prd')}`,
    ),
    // The catalog's formula (see ratingAverageX100 in plan.ts).
    db.prepare(
      `UPDATE products SET rating_avg_x100 = CASE WHEN rating_count = 0 THEN 0
        ELSE (rating_sum * 100 + rating_count / 2) / rating_count END
      WHERE ${SEED_WHERE('prd')}`,
    ),
  ])
  const settings = await seedStoreSettings(db)
  if (settings) log(`store settings: ${settings} shipping methods, tax rates and discount codes added`)
  const counts = expectedCounts(plan)
  log(
    `seeded ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  )
  return counts
}

/** A demo email taken by a real (non-seed) account would make the upsert fail half-way; say so up front. */
async function assertEmailsFree(db: D1Database, plan: SeedPlan): Promise<void> {
  const emails = plan.users.map((u) => u.email)
  const { results } = await db
    .prepare(`SELECT email FROM users WHERE email IN (${emails.map(() => '?').join(', ')}) AND NOT (${SEED_WHERE('usr')})`)
    .bind(...emails)
    .all<{ email: string }>()
  if (results.length) {
    throw new Error(`demo emails already belong to other accounts: ${results.map((r) => r.email).join(', ')}`)
  }
}

/**
 * One password hash per role, shared by that role's demo users: PBKDF2 at 100k iterations is too
 * slow to run per user. A hash already stored that still verifies is kept, so re-running the seed
 * rewrites identical rows; a changed password is reset to the documented one.
 */
async function demoCredentials(db: D1Database, plan: SeedPlan): Promise<Record<Role, PasswordHash>> {
  const { results } = await db
    .prepare(`SELECT role, password_hash, password_salt, password_iterations FROM users WHERE ${SEED_WHERE('usr')}`)
    .all<{ role: Role; password_hash: string; password_salt: string; password_iterations: number }>()
  const roles = [...new Set(plan.users.map((u) => u.role))]
  const out = {} as Record<Role, PasswordHash>
  for (const role of roles) {
    const password = DEMO_PASSWORDS[role]
    const candidates = new Map<string, PasswordHash>()
    for (const r of results) {
      if (r.role !== role) continue
      const stored = { hash: r.password_hash, salt: r.password_salt, iterations: r.password_iterations }
      candidates.set(`${stored.hash}:${stored.salt}:${stored.iterations}`, stored)
    }
    let chosen: PasswordHash | undefined
    for (const stored of candidates.values()) {
      if (await verifyPassword(password, stored)) {
        chosen = stored
        break
      }
    }
    out[role] = chosen ?? (await hashPassword(password))
  }
  return out
}
