/**
 * Creating orders that were placed elsewhere (Kaspi, Ozon) — added by the marketplace-sync work.
 *
 * Idempotent by construction: the order, its lines, its first history row, its stock reservation
 * and an order_external_refs row go into ONE D1 batch, and order_external_refs has
 * UNIQUE(source, external_id). A second import of the same external order (a retry, a concurrent
 * cron and admin run) fails on that index, the whole batch rolls back, and the existing order is
 * returned instead.
 *
 * The marketplace has already taken the payment, so the order starts in the status the marketplace
 * reports (usually `paid`), with payment_provider `manual` and no payment deadline. The OrderDO
 * initialises itself from these D1 rows on first use, like after checkout.
 */
import { and, eq } from 'drizzle-orm'
import { isUniqueViolation, runBatch, type Statement } from '../../lib/d1'
import { getDb } from '../../lib/db'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { ensureServiceUser } from '../accounts/service-users'
import { isOutOfStockError, reserveStockStatements } from '../inventory/service'
import { orderExternalRefs } from './import-tables'
import { RELEASES_STOCK } from './state-machine'
import { newOrderLineRows, type NewOrderLine } from './service'
import { orderHistory, orderLines, orders, type FulfilmentStatus, type OrderStatus } from './tables'

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

/**
 * Where an order came from, or null for our own checkout orders. A primary-key read, cheap enough
 * for the OrderDO to do on every transition (marketplace status push, see write-through.ts).
 */
export async function externalRefOf(env: Pick<Env, 'DB'>, orderId: string): Promise<{ source: string; external_id: string } | null> {
  const [row] = await getDb(env)
    .select({ source: orderExternalRefs.source, externalId: orderExternalRefs.externalId })
    .from(orderExternalRefs)
    .where(eq(orderExternalRefs.orderId, orderId))
  return row ? { source: row.source, external_id: row.externalId } : null
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
