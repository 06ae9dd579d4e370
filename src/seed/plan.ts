import type { categories, productImages, productVariants, products, reviews } from '../modules/catalog/tables'
import {
  ADJECTIVES,
  BRANDS,
  CATEGORY_TREE,
  COLORS,
  PRAISE,
  REVIEW_BODIES,
  REVIEW_TITLES,
  type SubcategorySpec,
  type VariantKind,
} from './catalog-data'
import { Rng } from './random'
import { demoUsers, type DemoUser } from './users'

/** Everything the seed writes, computed up front from fixed PRNG seeds: same input, same rows. */
export interface SeedPlan {
  users: DemoUser[]
  categories: (typeof categories.$inferInsert)[]
  products: (typeof products.$inferInsert)[]
  variants: (typeof productVariants.$inferInsert)[]
  images: ImagePlan[]
  reviews: (typeof reviews.$inferInsert)[]
}

export interface ImagePlan {
  row: typeof productImages.$inferInsert
  /** Drawing parameters for src/seed/images.ts. */
  hue: number
  pattern: number
}

export interface SeedOptions {
  /** Number of products; the README and `npm start` use the default. */
  products?: number
}

export const DEFAULT_PRODUCT_COUNT = 1200

/** Seeded timestamps count from here so re-runs write identical rows. */
const EPOCH = Date.UTC(2026, 0, 1)
const iso = (ms: number) => new Date(ms).toISOString()
const pad = (n: number, width = 4) => String(n).padStart(width, '0')

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** Attribute sets per variant kind; a product uses 1-4 of them. */
function variantOptions(kind: VariantKind, rng: Rng): Record<string, string>[] {
  const colors = rng.sample(COLORS, 4)
  switch (kind) {
    case 'apparel': {
      const color = colors[0]!
      return ['S', 'M', 'L', 'XL'].map((size) => ({ size, color }))
    }
    case 'shoes': {
      const start = rng.int(38, 41)
      return [0, 1, 2, 3].map((d) => ({ size: `EU ${start + d}`, color: colors[0]! }))
    }
    case 'color':
      return colors.map((color) => ({ color }))
    case 'storage':
      return ['32 GB', '64 GB', '128 GB', '256 GB'].map((capacity) => ({ capacity, color: colors[0]! }))
    case 'volume':
      return ['30 ml', '50 ml', '100 ml', '200 ml'].map((volume) => ({ volume }))
    case 'weight':
      return ['250 g', '500 g', '1 kg', '2 kg'].map((weight) => ({ weight }))
    case 'format':
      return ['Paperback', 'Hardcover', "Collector's Edition", 'Gift Box'].map((format) => ({ format }))
    case 'pack':
      return ['Single', 'Pack of 2', 'Pack of 4', 'Pack of 8'].map((pack) => ({ pack }))
    case 'dimension':
      return ['Small', 'Medium', 'Large', 'Extra Large'].map((size) => ({ size, color: colors[0]! }))
  }
}

/** A shop-style price: whole dollars minus one cent, at least 99. */
const shopPrice = (cents: number) => Math.max(99, Math.round(cents / 100) * 100 - 1)

/** Builds the whole demo data set in memory. Pure: no I/O, no clock, no Math.random. */
export function buildSeedPlan(options: SeedOptions = {}): SeedPlan {
  const productCount = options.products ?? DEFAULT_PRODUCT_COUNT
  const users = demoUsers()
  const sellers = users.filter((u) => u.role === 'seller')
  const reviewers = users.filter((u) => u.role === 'customer')

  const plan: SeedPlan = { users, categories: [], products: [], variants: [], images: [], reviews: [] }
  const leaves: { id: string; spec: SubcategorySpec; topName: string; hue: number }[] = []

  CATEGORY_TREE.forEach((top, i) => {
    const topId = `cat_seed_${pad(i + 1, 2)}`
    const created = iso(EPOCH)
    plan.categories.push({
      id: topId,
      parentId: null,
      name: top.name,
      slug: slugify(top.name),
      description: top.description,
      position: i,
      createdAt: created,
      updatedAt: created,
    })
    top.children.forEach((child, j) => {
      const id = `${topId}_${pad(j + 1, 2)}`
      plan.categories.push({
        id,
        parentId: topId,
        name: child.name,
        slug: slugify(child.name),
        description: `${child.name} in ${top.name}.`,
        position: j,
        createdAt: created,
        updatedAt: created,
      })
      leaves.push({ id, spec: child, topName: top.name, hue: (i * 36 + j * 9) % 360 })
    })
  })

  for (let n = 1; n <= productCount; n++) {
    // One PRNG per product: changing one product's recipe does not reshuffle all the others.
    const rng = new Rng(0x5eed0000 + n)
    const leaf = leaves[(n - 1) % leaves.length]!
    const noun = rng.pick(leaf.spec.nouns)
    const brand = rng.pick(BRANDS)
    const adjective = rng.pick(ADJECTIVES)
    const name = `${brand} ${adjective} ${noun}`
    const id = `prd_seed_${pad(n)}`
    const seller = sellers[rng.int(0, sellers.length - 1)]!
    // A few drafts and one archived product per ~300, so status filters have something to hide.
    const status = n % 53 === 0 ? 'draft' : n % 311 === 0 ? 'archived' : 'active'
    // Spread creation over ~10 months so "newest" sorting and cursors have real spread.
    const createdAt = iso(EPOCH + n * 5 * 3600_000 + rng.int(0, 3599) * 1000)
    const base = rng.int(leaf.spec.price[0], leaf.spec.price[1])

    const options = variantOptions(leaf.spec.kind, rng).slice(0, rng.int(1, 4))
    const variantRows = options.map((attributes, k) => {
      const stock = rng.chance(0.08) ? 0 : rng.int(1, 150)
      const price = shopPrice(base * (1 + k * 0.12))
      const onSale = rng.chance(0.15)
      return {
        id: `var_seed_${pad(n)}_${k + 1}`,
        productId: id,
        sku: `SEED-${pad(n)}-${k + 1}`,
        name: Object.values(attributes).join(' / '),
        price,
        compareAtPrice: onSale ? shopPrice(price * 1.25) : null,
        stock,
        attributes: JSON.stringify(attributes),
        weightGrams: rng.int(50, 5000),
        position: k,
        createdAt,
        updatedAt: createdAt,
      }
    })

    const reviewCount = rng.chance(0.25) ? 0 : rng.int(1, 6)
    // Each product leans good or bad so "sort by rating" has a visible order.
    const lean = rng.int(1, 5)
    const reviewRows = rng.sample(reviewers, reviewCount).map((user, k) => {
      const rating = Math.min(5, Math.max(1, lean + rng.int(-1, 1)))
      return {
        id: `rev_seed_${pad(n)}_${k + 1}`,
        productId: id,
        userId: user.id,
        rating,
        title: rng.pick(REVIEW_TITLES[rating]!),
        body: rng.pick(REVIEW_BODIES[rating]!),
        createdAt: iso(Date.parse(createdAt) + (k + 1) * 86_400_000),
        // The demo has no orders, so no demo review is a verified purchase (the API shows
        // verified_purchase: false); every review posted through the API needs a paid order.
        orderId: null,
      }
    })

    const prices = variantRows.map((v) => v.price)
    const ratingSum = reviewRows.reduce((s, r) => s + r.rating, 0)
    const ratingCount = reviewRows.length
    plan.products.push({
      id,
      sellerId: seller.id,
      categoryId: leaf.id,
      name,
      slug: `${slugify(name)}-${n}`,
      description:
        `The ${name} from ${brand}: a ${adjective.toLowerCase()} ${noun.toLowerCase()} for ${leaf.topName.toLowerCase()} lovers. ` +
        rng.pick(PRAISE),
      status,
      currency: 'USD',
      priceMin: Math.min(...prices),
      priceMax: Math.max(...prices),
      stockTotal: variantRows.reduce((s, v) => s + v.stock, 0),
      ratingSum,
      ratingCount,
      ratingAvgX100: ratingAverageX100(ratingSum, ratingCount),
      createdAt,
      updatedAt: createdAt,
    })
    plan.variants.push(...variantRows)
    plan.reviews.push(...reviewRows)

    const imageCount = n % 4 === 0 ? 2 : 1
    for (let k = 1; k <= imageCount; k++) {
      const imageId = `img_seed_${pad(n)}_${k}`
      plan.images.push({
        row: {
          id: imageId,
          productId: id,
          key: `products/${id}/${imageId}.png`,
          contentType: 'image/png',
          size: 0, // filled in when the PNG is drawn
          alt: k === 1 ? name : `${name}, detail`,
          position: k - 1,
          createdAt,
        },
        hue: (leaf.hue + rng.int(-12, 12) + 360) % 360,
        pattern: rng.int(0, 3) + (k - 1) * 4,
      })
    }
  }
  return plan
}

/**
 * Mean rating in hundredths, 0 when unrated: the same integer formula the catalog uses when a
 * review is written (`(sum * 100 + count / 2) / count` in SQLite integer arithmetic).
 */
export function ratingAverageX100(sum: number, count: number): number {
  return count === 0 ? 0 : Math.floor((sum * 100 + Math.floor(count / 2)) / count)
}
