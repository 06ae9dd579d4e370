/**
 * Importing marketplace orders (Kaspi, Ozon) as our orders, across marketplace (the adapters, the
 * published offers, marketplace_orders and the run log), catalog (variants, cache invalidation),
 * orders (the order rows) and inventory (the stock reservation); the imported orders belong to a
 * service user of accounts. Moved here from orders/import.ts and marketplace/order-import.ts.
 *
 * Importing marketplace orders as our orders. Idempotent twice over: the orders module refuses a
 * second order with the same (source, external_id), and marketplace_orders has
 * UNIQUE(marketplace, external_id); an order seen again only has its marketplace status refreshed.
 *
 * Creating the order is idempotent by construction: the order, its lines, its first history row, its
 * stock reservation and an order_external_refs row go into ONE D1 batch, and order_external_refs has
 * UNIQUE(source, external_id). A second import of the same external order (a retry, a concurrent
 * cron and admin run) fails on that index, the whole batch rolls back, and the existing order is
 * returned instead.
 *
 * The marketplace has already taken the payment, so the order starts in the status the marketplace
 * reports (usually `paid`), with payment_provider `manual` and no payment deadline. The OrderDO
 * initialises itself from these D1 rows on first use, like after checkout.
 */
import { and, eq, sql } from 'drizzle-orm'
import { isUniqueViolation, runBatch, type Statement } from '../lib/d1'
import { getDb, type DB } from '../lib/db'
import { AppError } from '../lib/errors'
import { publishCatalogChange } from '../lib/events'
import { newId } from '../lib/ids'
import { log } from '../lib/observability'
import { nowIso } from '../lib/time'
import { ensureServiceUser } from '../modules/accounts/service-users'
import { getVariantsForPricing, invalidateAfterStockChange } from '../modules/catalog/service'
import { isOutOfStockError, reserveStockStatements } from '../modules/inventory/service'
import { isEnabled, type MarketplaceEnv } from '../modules/marketplace/config'
import { MarketplaceError, type ExternalOrder } from '../modules/marketplace/marketplace'
import { marketplaceFor } from '../modules/marketplace/sync'
import { lastRun, recordRun } from '../modules/marketplace/sync-state'
import { marketplaceOrders, marketplaceProducts, type MarketplaceName } from '../modules/marketplace/tables'
import { orderExternalRefs } from '../modules/orders/import-tables'
import { newOrderLineRows, type NewOrderLine } from '../modules/orders/service'
import { RELEASES_STOCK } from '../modules/orders/state-machine'
import { orderHistory, orderLines, orders, type FulfilmentStatus, type OrderStatus } from '../modules/orders/tables'

/**
 * A line of an external order: a new order line (orders/service.ts) before its amounts are worked
 * out here; `unit_price` is what the marketplace charged per unit, in minor units.
 */
export type ExternalOrderLine = Omit<NewOrderLine, 'subtotal' | 'discount' | 'tax' | 'total'>

export interface ExternalOrderInput {
  /** Where the order was placed, e.g. 'kaspi' or 'ozon'. */
  source: string
  /** The source's id for the order; (source, external_id) is unique. */
  external_id: string
  external_number: string | null
  status: OrderStatus
  currency: string
  /** Minor units; anything above the lines' sum is recorded as shipping. */
  total: number
  customer_name: string | null
  created_at: string
  lines: ExternalOrderLine[]
}

export interface ImportedOrder {
  order_id: string
  /** False when this external order had been imported before. */
  created: boolean
  /** False when stock could not be reserved (sold out here); the order is imported regardless. */
  stock_reserved: boolean
}

async function existing(db: ReturnType<typeof getDb>, source: string, externalId: string) {
  const [row] = await db
    .select({ orderId: orderExternalRefs.orderId, externalId: orderExternalRefs.externalId })
    .from(orderExternalRefs)
    .where(and(eq(orderExternalRefs.source, source), eq(orderExternalRefs.externalId, externalId)))
  return row?.orderId ?? null
}

/** Create our order for an external one, exactly once per (source, external_id). */
export async function importExternalOrder(env: Pick<Env, 'DB'>, input: ExternalOrderInput): Promise<ImportedOrder> {
  if (!input.lines.length) throw new Error('an imported order needs at least one line')
  const db = getDb(env)
  const before = await existing(db, input.source, input.external_id)
  if (before) return { order_id: before, created: false, stock_reserved: false }

  // Imported orders belong to one disabled service user per source (nobody signs in as it).
  const userId = await ensureServiceUser(db, `${input.source}-orders@marketplace.invalid`, `${input.source} marketplace`)
  const now = nowIso()
  const orderId = newId('ord')
  const subtotal = input.lines.reduce((sum, l) => sum + l.unit_price * l.quantity, 0)
  const fulfilment: FulfilmentStatus = input.status === 'delivered' ? 'delivered' : input.status === 'shipped' ? 'shipped' : 'unfulfilled'
  const holdsStock = !RELEASES_STOCK.includes(input.status) && input.status !== 'refunded'
  // stock_released_at set at creation means "nothing to put back": the order never held stock.
  const statements = (reserve: boolean): Statement[] => [
    // First, so a duplicate import fails on the unique index before anything else is written.
    db.insert(orderExternalRefs).values({
      orderId,
      source: input.source,
      externalId: input.external_id,
      externalNumber: input.external_number,
      createdAt: now,
    }),
    db.insert(orders).values({
      id: orderId,
      userId,
      status: input.status,
      version: 0,
      currency: input.currency,
      subtotal,
      discount: 0,
      tax: 0,
      shipping: Math.max(0, input.total - subtotal),
      total: Math.max(input.total, subtotal),
      taxInclusive: true,
      refundedAmount: 0,
      email: null,
      shippingAddress: JSON.stringify({ name: input.customer_name, source: input.source, external_number: input.external_number }),
      shippingMethodId: null,
      shippingMethodName: `${input.source} delivery`,
      discountId: null,
      discountCode: null,
      paymentProvider: 'manual',
      lineCount: input.lines.length,
      itemCount: input.lines.reduce((n, l) => n + l.quantity, 0),
      stockReleasedAt: reserve ? null : now,
      paymentDueAt: null,
      createdAt: input.created_at,
      updatedAt: now,
    }),
    db.insert(orderLines).values(
      newOrderLineRows(
        orderId,
        input.lines.map((l) => ({ ...l, subtotal: l.unit_price * l.quantity, discount: 0, tax: 0, total: l.unit_price * l.quantity })),
        now,
        fulfilment,
      ),
    ),
    db.insert(orderHistory).values({
      id: newId('ohi'),
      orderId,
      seq: 0,
      fromStatus: null,
      toStatus: input.status,
      actorType: 'provider',
      actorId: input.source,
      reason: `imported from ${input.source}`,
      meta: JSON.stringify({ external_id: input.external_id, external_number: input.external_number }),
      at: now,
    }),
    ...(reserve
      ? reserveStockStatements(
          db,
          input.lines.map((l) => ({ variant_id: l.variant_id, product_id: l.product_id, quantity: l.quantity })),
        )
      : []),
  ]
  try {
    await runBatch(db, statements(holdsStock))
    return { order_id: orderId, created: true, stock_reserved: holdsStock }
  } catch (err) {
    if (isUniqueViolation(err, 'order_external_refs')) {
      const winner = await existing(db, input.source, input.external_id)
      if (winner) return { order_id: winner, created: false, stock_reserved: false }
    }
    if (!holdsStock || !isOutOfStockError(err)) throw err
  }
  // The marketplace sold units we no longer have: the sale happened, so record the order anyway.
  log('warn', 'imported order exceeds stock; imported without reservation', { source: input.source, external_id: input.external_id })
  try {
    await runBatch(db, statements(false))
    return { order_id: orderId, created: true, stock_reserved: false }
  } catch (err) {
    if (isUniqueViolation(err, 'order_external_refs')) {
      const winner = await existing(db, input.source, input.external_id)
      if (winner) return { order_id: winner, created: false, stock_reserved: false }
    }
    throw err
  }
}

/** First import looks back this far; later ones continue from the previous run, with overlap. */
const FIRST_LOOKBACK_MS = 24 * 3600 * 1000
/** Re-read a little before the last run so orders created during it are not missed. */
const OVERLAP_MS = 15 * 60 * 1000

export interface ImportResult {
  marketplace: MarketplaceName
  since: string
  fetched: number
  imported: number
  existing: number
  failed: number
  errors: { external_id: string; message: string }[]
}

/**
 * Where this import's window starts: just before the previous run when it went cleanly; the
 * previous run's own start when it failed (listing error, or an order that could not be imported),
 * so nothing it missed drops out of the window.
 */
async function importWindowStart(db: DB, marketplace: MarketplaceName, now: Date): Promise<Date> {
  const previous = await lastRun(db, marketplace, 'import_orders')
  if (!previous) return new Date(now.getTime() - FIRST_LOOKBACK_MS)
  if (previous.ok) return new Date(Date.parse(previous.startedAt) - OVERLAP_MS)
  return previous.since ? new Date(previous.since) : new Date(now.getTime() - FIRST_LOOKBACK_MS)
}

/** Our SKU -> {product, variant} for offers we published to this marketplace. */
async function variantsBySku(db: DB, marketplace: MarketplaceName, skus: string[]) {
  const out = new Map<string, { product_id: string; variant_id: string }>()
  if (!skus.length) return out
  const rows = await db.all<{ product_id: string; sku: string; variant_id: string }>(sql`
    SELECT mp.product_id, json_extract(j.value, '$.sku') AS sku, json_extract(j.value, '$.variant_id') AS variant_id
    FROM ${marketplaceProducts} mp, json_each(mp.snapshot) j
    WHERE mp.marketplace = ${marketplace}
      AND json_extract(j.value, '$.sku') IN (${sql.join(
        skus.map((s) => sql`${s}`),
        sql`, `,
      )})`)
  for (const r of rows) out.set(r.sku, { product_id: r.product_id, variant_id: r.variant_id })
  return out
}

/**
 * Import one external order. Returns 'existing' when it was imported before (its marketplace
 * status is refreshed), 'imported' when an order was created now.
 */
export async function importOne(db: DB, env: MarketplaceEnv, order: ExternalOrder): Promise<'imported' | 'existing'> {
  const now = nowIso()
  const [known] = await db
    .select()
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.marketplace, order.marketplace), eq(marketplaceOrders.externalId, order.external_id)))
  if (known) {
    if (known.externalStatus !== order.external_status) {
      await db
        .update(marketplaceOrders)
        .set({ externalStatus: order.external_status, updatedAt: now })
        .where(eq(marketplaceOrders.id, known.id))
    }
    return 'existing'
  }

  const skus = [...new Set(order.lines.map((l) => l.sku))]
  const bySku = await variantsBySku(db, order.marketplace, skus)
  const unknown = skus.filter((s) => !bySku.has(s))
  if (unknown.length) throw new AppError('unprocessable', `Unknown SKU(s) ${unknown.join(', ')}: not published to ${order.marketplace}`)
  const variants = new Map(
    (
      await getVariantsForPricing(
        db,
        [...bySku.values()].map((v) => v.variant_id),
      )
    ).map((v) => [v.variant_id, v]),
  )

  const lines = order.lines.map((l) => {
    const ref = bySku.get(l.sku)!
    const v = variants.get(ref.variant_id)
    if (!v) throw new AppError('unprocessable', `SKU ${l.sku} no longer exists in the catalog`)
    return {
      product_id: v.product_id,
      variant_id: v.variant_id,
      seller_id: v.seller_id,
      product_name: v.product_name,
      variant_name: v.variant_name,
      sku: v.sku,
      unit_price: l.unit_price,
      quantity: l.quantity,
    }
  })

  const imported = await importExternalOrder(env, {
    source: order.marketplace,
    external_id: order.external_id,
    external_number: order.external_number,
    status: order.status,
    currency: order.currency,
    total: order.total,
    customer_name: order.customer_name,
    created_at: order.created_at,
    lines,
  })
  await db
    .insert(marketplaceOrders)
    .values({
      id: newId('mpo'),
      marketplace: order.marketplace,
      externalId: order.external_id,
      externalNumber: order.external_number,
      externalStatus: order.external_status,
      orderId: imported.order_id,
      importedAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  if (imported.created && imported.stock_reserved) {
    await invalidateAfterStockChange(env, db, lines, 'reserved').catch((err: unknown) =>
      log('warn', 'catalog cache invalidation failed', { order_id: imported.order_id, error: String(err) }),
    )
  }
  if (imported.created && imported.stock_reserved && env.MARKETPLACE_QUEUE) {
    // The sale took our stock: the other marketplace must see the new quantity too.
    await publishCatalogChange(
      { MARKETPLACE_QUEUE: env.MARKETPLACE_QUEUE },
      [...new Set(lines.map((l) => l.product_id))],
      `${order.marketplace}.order_imported`,
    )
  }
  return imported.created ? 'imported' : 'existing'
}

/** Fetch orders created since the last import and import each one; one bad order never stops the rest. */
export async function importOrders(
  env: MarketplaceEnv,
  marketplace: MarketplaceName,
  trigger: 'cron' | 'admin',
  now = new Date(),
): Promise<ImportResult> {
  const adapter = marketplaceFor(env, marketplace)
  if (!adapter) throw new AppError('conflict', `${marketplace} is disabled: its credentials are not configured`)
  const db = getDb(env)
  const startedAt = now.toISOString()
  const since = await importWindowStart(db, marketplace, now)
  let orders: ExternalOrder[]
  try {
    orders = await adapter.listNewOrders(since)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await recordRun(db, {
      marketplace,
      kind: 'import_orders',
      trigger,
      ok: false,
      summary: {},
      error: message,
      since: since.toISOString(),
      startedAt,
    })
    if (err instanceof MarketplaceError) throw new AppError('upstream_error', `${marketplace} order listing failed: ${message}`)
    throw err
  }
  const result: ImportResult = {
    marketplace,
    since: since.toISOString(),
    fetched: orders.length,
    imported: 0,
    existing: 0,
    failed: 0,
    errors: [],
  }
  for (const order of orders) {
    try {
      result[await importOne(db, env, order)]++
    } catch (err) {
      result.failed++
      const message = err instanceof Error ? err.message : String(err)
      result.errors.push({ external_id: order.external_id, message })
      log('warn', 'marketplace order import failed', { marketplace, external_id: order.external_id, error: message })
    }
  }
  await recordRun(db, {
    marketplace,
    kind: 'import_orders',
    trigger,
    ok: result.failed === 0,
    summary: { fetched: result.fetched, imported: result.imported, existing: result.existing, failed: result.failed },
    error: result.errors[0]?.message ?? null,
    since: result.since,
    startedAt,
  })
  return result
}

/** Run an order import now for one marketplace (admin). */
export async function importOrdersNow(env: MarketplaceEnv, marketplace: MarketplaceName) {
  if (!isEnabled(env, marketplace)) throw new AppError('conflict', `${marketplace} is disabled: its credentials are not configured`)
  return importOrders(env, marketplace, 'admin')
}
