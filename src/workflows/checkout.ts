/**
 * The checkout workflow: cart -> quote -> ONE D1 batch (order, lines, history, stock reservation,
 * discount redemption, idempotency record) -> OrderDO + remove the bought lines from the cart +
 * catalog cache invalidation -> payment.
 *
 * Consistency: the D1 batch is the commit point. Everything after it is either idempotent and
 * repeated by a retry of the same Idempotency-Key (the OrderDO creation), or self-healing:
 * - if the Worker dies before the OrderDO is created, the DO initialises itself from D1 on first
 *   use (any read/transition through it, the key's replay, or the cron sweep in `sweepStaleOrders`,
 *   which wakes DOs of overdue unpaid orders so their payment-timeout alarm fails them and releases
 *   stock);
 * - if it dies before the cart is cleared, the cart keeps its items (the shopper sees them again;
 *   nothing is charged or reserved twice);
 * - payment initiation runs once and its result replaces the stored response.
 */
import { and, eq, inArray, lt } from 'drizzle-orm'
import type { AuthUser } from '../lib/context'
import { isUniqueViolation, runBatch, type Statement } from '../lib/d1'
import { getDb, type DB } from '../lib/db'
import { AppError, type ErrorDetail } from '../lib/errors'
import { publishCatalogChange } from '../lib/events'
import { newId, sha256Hex } from '../lib/ids'
import { recordEvent } from '../lib/metrics'
import { log } from '../lib/observability'
import { addSeconds, nowIso } from '../lib/time'
import { getAddress } from '../modules/accounts/addresses'
import { guestUserId, orderLink } from '../modules/orders/guest'
import { getCartLines, removeBoughtLines, type CartOwner } from '../modules/cart/service'
import { invalidateAfterStockChange, type StockRow } from '../modules/catalog/service'
import { products } from '../modules/catalog/tables'
import { isOutOfStockError, reserveStockStatements } from '../modules/inventory/service'
import { discountRedemptionStatements, DISCOUNT_NOT_APPLICABLE, isDiscountLimitError, quote, type Quote } from '../modules/pricing/service'
import type { OrderState } from '../modules/orders/model'
import { assertUsable } from '../modules/payments/providers'
import { initiatePayment, type CheckoutPayment } from './checkout-payment'
import type { CheckoutBody, ShippingAddress } from '../modules/orders/schema'
import { getOrder, newOrderLineRows, orderDetail, orderStub, type OrderDetail, type OrderRow } from '../modules/orders/service'
import { idempotencyKeys, orderHistory, orderLines, orders } from '../modules/orders/tables'
import { config } from '../lib/config'

export interface CheckoutResponse {
  order: OrderDetail
  payment: CheckoutPayment
}

export interface CheckoutOutcome {
  /** 201 for a new order, 200 for a replay of an earlier one. */
  status: 200 | 201
  replayed: boolean
  body: CheckoutResponse
}

/**
 * How long an order may stay unpaid before its alarm fails it and releases the stock: 30 minutes,
 * or 3 days for bank transfers and cash on delivery (src/lib/config.ts; a malformed value throws).
 */
export function paymentTimeoutSeconds(
  env: { ORDER_PAYMENT_TIMEOUT_SECONDS?: string; MANUAL_PAYMENT_TIMEOUT_SECONDS?: string },
  provider: string = 'stripe',
): number {
  const c = config(env)
  return provider === 'manual' ? c.MANUAL_PAYMENT_TIMEOUT_SECONDS : c.ORDER_PAYMENT_TIMEOUT_SECONDS
}

/**
 * Idempotency keys protect retries of one checkout, which come within minutes (Stripe keeps its own
 * keys for 24 hours). After IDEMPOTENCY_KEY_TTL_DAYS a key is forgotten so the table does not grow forever.
 */
export const IDEMPOTENCY_KEY_TTL_DAYS = 7

export async function purgeIdempotencyKeys(db: DB, now = Date.now()): Promise<{ idempotency_keys: number }> {
  const cutoff = new Date(now - IDEMPOTENCY_KEY_TTL_DAYS * 86_400_000).toISOString()
  const res = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoff))
  return { idempotency_keys: res.meta.changes ?? 0 }
}

/** Key order does not matter: the fingerprint is of the canonical (sorted-key) JSON. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const fingerprintOf = (body: CheckoutBody) => sha256Hex(canonical(body))

async function findKey(db: DB, userId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .limit(1)
  return row
}

/** An earlier checkout with this key: replay it, or refuse if the body differs. */
async function replay(env: Env, row: typeof idempotencyKeys.$inferSelect, fingerprint: string): Promise<CheckoutOutcome> {
  if (row.fingerprint !== fingerprint) {
    throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body')
  }
  // The first attempt may have died before creating the OrderDO; this (idempotent) call heals it.
  if (row.orderId)
    await orderStub(env, row.orderId)
      .get(row.orderId)
      .catch(() => undefined)
  return { status: 200, replayed: true, body: JSON.parse(row.response) as CheckoutResponse }
}

async function resolveAddress(db: DB, user: AuthUser, body: CheckoutBody): Promise<ShippingAddress> {
  if (body.shipping_address) return body.shipping_address
  const a = await getAddress(db, user.id, body.address_id!)
  return {
    name: a.name,
    line1: a.line1,
    ...(a.line2 ? { line2: a.line2 } : {}),
    city: a.city,
    ...(a.region ? { region: a.region } : {}),
    ...(a.postal_code ? { postal_code: a.postal_code } : {}),
    country: a.country.toUpperCase(),
    ...(a.phone ? { phone: a.phone } : {}),
  }
}

const STOCK_PROBLEMS = new Set(['out_of_stock', 'insufficient_stock'])

/** Refuse a quote that is not exactly what the shopper can buy now. */
function assertQuoteUsable(q: Quote, body: CheckoutBody) {
  if (q.problems.length) {
    const details: ErrorDetail[] = q.problems.map((p) => ({
      message: p.message,
      code: p.code,
      ...(p.variant_id ? { variant_id: p.variant_id } : {}),
    }))
    if (q.problems.some((p) => STOCK_PROBLEMS.has(p.code))) {
      throw new AppError('out_of_stock', 'Some items are not available in the quantity asked for', details)
    }
    if (q.problems.some((p) => p.code === 'shipping_quote_invalid')) {
      throw new AppError('price_changed', 'The shipping price you saw no longer applies; review the new one', details)
    }
    // One answer for every reason a code does not apply (unknown, expired, used up, members only...).
    if (q.problems.some((p) => p.code === 'discount_not_applicable'))
      throw new AppError('discount_unavailable', DISCOUNT_NOT_APPLICABLE, details)
    throw new AppError('unprocessable', 'The cart cannot be checked out as it is', details)
  }
  if (!q.lines.length || !q.currency) throw new AppError('unprocessable', 'The cart is empty')
  if (!q.shipping_method) throw new AppError('unprocessable', 'Choose a shipping method that ships to this address')
  if (body.expected_total !== undefined && body.expected_total !== q.total) {
    throw new AppError('price_changed', 'The total changed since you last saw it; review the new total', [
      {
        message: `expected ${body.expected_total}, now ${q.total}`,
        expected_total: body.expected_total,
        total: q.total,
        currency: q.currency,
      },
    ])
  }
}

/**
 * Check out the signed-in user's cart. Exactly once per (user, Idempotency-Key): the key's row is
 * inserted in the same batch as the order, so of concurrent attempts one commits and the others
 * fail on the UNIQUE index and replay the winner's stored response. Failed attempts store nothing,
 * so a retry after e.g. out_of_stock is re-evaluated.
 */
export async function checkout(
  env: Env,
  user: AuthUser,
  idempotencyKey: string,
  body: CheckoutBody,
  /** Whose cart is bought: the user's own, or (guest checkout, see guest.ts) a guest cart. */
  cart: CartOwner = { userId: user.id },
): Promise<CheckoutOutcome> {
  const db = getDb(env)
  const fingerprint = await fingerprintOf(body)
  // No look-up of the key first (one D1 round trip less per checkout): a repeated key fails the
  // batch on the key's UNIQUE index, its first statement, and is replayed below. A retry therefore
  // prices the cart again before it is answered, which retries can afford.
  const buyer = 'guestToken' in cart ? 'guest' : 'customer'
  try {
    const placed = await placeOrder(env, db, user, cart, idempotencyKey, fingerprint, body)
    recordEvent(env, {
      name: 'checkout.completed',
      label: placed.body.order.currency,
      detail: buyer,
      value: placed.body.order.total.amount,
    })
    return placed
  } catch (err) {
    // An earlier or concurrent attempt with the same key (which may have emptied the cart or
    // taken the stock this one saw): answer with its result rather than our error.
    const winner = await findKey(db, user.id, idempotencyKey)
    if (winner) return replay(env, winner, fingerprint)
    recordEvent(env, { name: 'checkout.failed', label: err instanceof AppError ? err.code : 'error', detail: buyer })
    throw err
  }
}

async function placeOrder(
  env: Env,
  db: DB,
  user: AuthUser,
  cart: CartOwner,
  idempotencyKey: string,
  fingerprint: string,
  body: CheckoutBody,
): Promise<CheckoutOutcome> {
  const [address, cartLines] = await Promise.all([resolveAddress(db, user, body), getCartLines(env, cart)])
  if (!cartLines.length) throw new AppError('unprocessable', 'The cart is empty')
  const q = await quote(env, {
    lines: cartLines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })),
    user_id: user.id,
    country: address.country,
    region: address.region,
    postal_code: address.postal_code,
    shipping_method_id: body.shipping_method_id,
    shipping_quote_id: body.shipping_quote_id,
    discount_code: body.discount_code,
  })
  assertQuoteUsable(q, body)
  assertUsable(env, body.payment_provider, q.currency ?? undefined)

  const now = nowIso()
  const orderId = newId('ord')
  const order: OrderRow = {
    id: orderId,
    userId: user.id,
    status: 'pending',
    version: 0,
    currency: q.currency!,
    subtotal: q.subtotal,
    discount: q.discount,
    tax: q.tax,
    shipping: q.shipping,
    total: q.total,
    taxInclusive: q.tax_inclusive,
    refundedAmount: 0,
    email: body.email ?? user.email,
    shippingAddress: JSON.stringify(address),
    shippingMethodId: q.shipping_method!.id,
    shippingMethodName: q.shipping_method!.name,
    discountId: q.discount_id,
    discountCode: q.discount_code,
    paymentProvider: body.payment_provider,
    lineCount: q.lines.length,
    itemCount: q.lines.reduce((n, l) => n + l.quantity, 0),
    stockReleasedAt: null,
    paymentDueAt: addSeconds(now, paymentTimeoutSeconds(env, body.payment_provider)),
    createdAt: now,
    updatedAt: now,
  }
  const lines = newOrderLineRows(orderId, q.lines, now)
  const created: typeof orderHistory.$inferSelect = {
    id: newId('ohi'),
    orderId,
    seq: 0,
    fromStatus: null,
    toStatus: 'pending',
    actorType: 'customer',
    actorId: 'guestToken' in cart ? null : user.id,
    reason: 'checkout',
    meta: null,
    at: now,
    visibility: 'public',
  }
  const detail = orderDetail(order, lines, [created])
  const firstPayment: CheckoutPayment = { provider: body.payment_provider, status: 'initiating' }

  const statements: Statement[] = [
    // First, so a concurrent duplicate fails on the key before anything else is evaluated.
    db.insert(idempotencyKeys).values({
      id: newId('idk'),
      userId: user.id,
      key: idempotencyKey,
      fingerprint,
      orderId,
      responseStatus: 201,
      response: JSON.stringify({ order: detail, payment: firstPayment } satisfies CheckoutResponse),
      createdAt: now,
    }),
    db.insert(orders).values(order),
    db.insert(orderLines).values(lines),
    db.insert(orderHistory).values(created),
    ...reserveStockStatements(db, q.lines),
    ...(q.discount_id ? discountRedemptionStatements(db, { discount_id: q.discount_id, user_id: user.id, order_id: orderId }) : []),
    // Last: the bought products' stock after the reservation, for the cache invalidation below
    // (saves it a D1 round trip of its own).
    db
      .select({ id: products.id, slug: products.slug, stock_total: products.stockTotal })
      .from(products)
      .where(inArray(products.id, [...new Set(q.lines.map((l) => l.product_id))])),
  ]
  let stockRows: StockRow[] | undefined
  try {
    const results = await runBatch(db, statements)
    stockRows = results.at(-1) as StockRow[] | undefined
  } catch (err) {
    if (isUniqueViolation(err, 'idempotency_keys')) throw err // checkout() replays the winner
    if (isOutOfStockError(err)) throw new AppError('out_of_stock', 'Some items sold out while you were checking out')
    if (isDiscountLimitError(err)) throw new AppError('discount_unavailable', 'This discount code has just reached its usage limit')
    throw err
  }

  // --- committed. Nothing below may undo the order; failures are logged and healed later. ---
  const state: OrderState = {
    id: orderId,
    user_id: user.id,
    status: 'pending',
    seq: 0,
    currency: order.currency,
    total: order.total,
    refunded_amount: 0,
    email: order.email,
    payment_provider: order.paymentProvider,
    payment_due_at: order.paymentDueAt,
    tracking: null,
    created_at: now,
    updated_at: now,
    lines: q.lines.map((l, i) => ({
      id: lines[i]!.id,
      variant_id: l.variant_id,
      product_id: l.product_id,
      seller_id: l.seller_id,
      product_name: l.product_name,
      sku: l.sku,
      quantity: l.quantity,
      total: l.total,
    })),
  }
  const after = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn()
    } catch (err) {
      log('error', `checkout: ${what} failed after commit`, { order_id: orderId, error: String(err) })
    }
  }
  // Independent of each other; payment initiation below needs the OrderDO to exist.
  await Promise.all([
    after('order DO creation', () => orderStub(env, orderId).create(state)),
    // Only the lines bought: anything added to the cart while this checkout ran stays there.
    after('cart clearing', () =>
      removeBoughtLines(
        env,
        cart,
        q.lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })),
      ),
    ),
    after('catalog change publish', () =>
      publishCatalogChange(
        env,
        q.lines.map((l) => l.product_id),
        'order_stock_reserved',
      ),
    ),
    after('catalog cache invalidation', () => invalidateAfterStockChange(env, db, q.lines, 'reserved', stockRows)),
  ])

  let payment: CheckoutPayment
  try {
    payment = await initiatePayment(env, detail, { phone: body.payment_phone })
  } catch (err) {
    // The order stands (stock held until the payment timeout); the client can retry paying.
    log('error', 'checkout: payment initiation failed', { order_id: orderId, error: String(err) })
    payment = { provider: body.payment_provider, status: 'initiation_failed' }
  }
  // Payment initiation may have moved the order on (e.g. to processing): answer with it as it is now.
  // A manual payment awaiting staff, or a failed initiation, leaves it as created: no re-read.
  const unchanged = payment.status === 'awaiting_confirmation' || payment.status === 'initiation_failed'
  const current = unchanged ? detail : await getOrder(env, orderId).catch(() => detail)
  const response: CheckoutResponse = { order: current, payment }
  await after('idempotency response update', () =>
    db
      .update(idempotencyKeys)
      .set({ response: JSON.stringify(response) })
      .where(and(eq(idempotencyKeys.userId, user.id), eq(idempotencyKeys.key, idempotencyKey))),
  )
  return { status: 201, replayed: false, body: response }
}

export type GuestCheckoutBody = CheckoutBody & { email: string }

/**
 * Check out a guest cart. Idempotency keys are scoped to the cart token, so two guests choosing
 * the same key never see each other's order. The answer carries the order's signed link.
 */
export async function guestCheckout(
  env: Env,
  db: DB,
  cartToken: string,
  idempotencyKey: string,
  body: CheckoutBody,
): Promise<CheckoutOutcome & { link: string }> {
  if (!body.email)
    throw new AppError('validation_error', 'An email is required to check out without an account', [{ path: 'email', message: 'Required' }])
  if (body.address_id)
    throw new AppError('validation_error', 'Saved addresses need an account; send shipping_address', [
      { path: 'address_id', message: 'Not allowed for guests' },
    ])
  const guest: AuthUser = { id: await guestUserId(db), role: 'customer', email: body.email.toLowerCase() }
  const scopedKey = `guest:${(await sha256Hex(cartToken)).slice(0, 32)}:${idempotencyKey}`
  const outcome = await checkout(env, guest, scopedKey, { ...body, email: body.email.toLowerCase() }, { guestToken: cartToken })
  const link = await orderLink(env, outcome.body.order.id)
  return { ...outcome, link }
}
