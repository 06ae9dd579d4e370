/**
 * Carts: lines live in a CartDO (one per user, one per guest token); every read prices them
 * through the pricing service, so a cart never trusts a stored or client-sent price.
 */
import { GUEST_CART_TTL_MS, type CartLine } from './cart-do'
import { AppError, notFound } from '../../lib/errors'
import { randomToken } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { getDb } from '../../lib/db'
import { loadPricingVariants, type PricingVariant } from '../pricing/catalog-source'
import { MAX_LINE_QUANTITY, publicProblems, quote, type QuoteProblem } from '../pricing/service'
import type { ShippingQuote } from '../shipping/rates'

/** Whose cart: a signed-in user's, or a guest's identified by their cart token. */
export type CartOwner = { userId: string } | { guestToken: string }

/** `cart_` + 32 random bytes base64url (43 chars): unguessable, so the token is the key. */
export const CART_TOKEN_PATTERN = /^cart_[A-Za-z0-9_-]{43}$/
export const newCartToken = () => randomToken('cart')
export const isCartToken = (t: string) => CART_TOKEN_PATTERN.test(t)

/** Guest carts expire after a month without writes; user carts are kept. */
const ttlFor = (owner: CartOwner) => ('guestToken' in owner ? GUEST_CART_TTL_MS : null)

function cartStub(env: Env, owner: CartOwner) {
  const name = 'userId' in owner ? `user:${owner.userId}` : `guest:${owner.guestToken}`
  return env.CART.get(env.CART.idFromName(name))
}

/** The raw lines of a cart, for checkout (which prices them itself through `quote`). */
export async function getCartLines(env: Env, owner: CartOwner): Promise<{ variant_id: string; quantity: number }[]> {
  const lines = await cartStub(env, owner).lines()
  return lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity }))
}

/** Empty a cart (after a successful checkout, or on request). */
export async function clearCart(env: Env, owner: CartOwner): Promise<void> {
  await cartStub(env, owner).clear()
}

/** After a checkout: remove only what it bought (see CartDO.removeBought). */
export async function removeBoughtLines(env: Env, owner: CartOwner, lines: { variant_id: string; quantity: number }[]): Promise<void> {
  await cartStub(env, owner).removeBought(lines)
}

/** Current price and stock of one variant; 404 when it cannot be bought at all. */
async function currentVariant(env: Env, variantId: string) {
  const q = await quote(env, { lines: [{ variant_id: variantId, quantity: 1 }] })
  const line = q.lines[0]
  if (!line) throw notFound('Product variant')
  return line
}

function outOfStock(variantId: string) {
  return new AppError('out_of_stock', 'This item is out of stock', [
    { path: 'variant_id', message: 'No stock available', variant_id: variantId },
  ])
}

/**
 * Add to a line; the line's quantity is capped at the stock there is (and 99). 404 when the variant
 * cannot be bought, 409 out_of_stock when none is left, 409 conflict when it is priced in another
 * currency than the cart (one order is paid in one currency).
 */
export async function addItem(env: Env, owner: CartOwner, variantId: string, quantity: number) {
  const stub = cartStub(env, owner)
  const existing = (await stub.lines()).filter((l) => l.variant_id !== variantId)
  // One quote for the cart plus the new variant: its price and stock, and the cart's currency.
  const variants = await loadPricingVariants(getDb(env), [...existing.map((l) => l.variant_id), variantId])
  const q = await quote(
    env,
    { lines: [...existing, { variant_id: variantId, quantity: 1 }].map((l) => ({ variant_id: l.variant_id, quantity: 1 })) },
    variants,
  )
  const mine = q.problems.find((p) => p.variant_id === variantId)
  if (mine?.code === 'currency_mismatch') {
    throw new AppError(
      'conflict',
      `This item is priced in another currency than your cart (${q.currency}); check out or empty the cart first`,
    )
  }
  const v = q.lines.find((l) => l.variant_id === variantId)
  if (!v) throw notFound('Product variant')
  if (v.available_stock <= 0) throw outOfStock(variantId)
  const cap = Math.min(MAX_LINE_QUANTITY, v.available_stock)
  const res = await stub.add(variantId, quantity, cap, v.unit_price, nowIso(), ttlFor(owner))
  if (!res.ok) throw new AppError('conflict', 'The cart is full; remove something first')
  return {
    changed: { variant_id: variantId, quantity: res.line.quantity, capped: res.capped },
    // What the answer's cart view needs, already in hand: the cart's lines as the write left them
    // and the variants this request just read (one CartDO call and one D1 read less per add).
    after: { lines: res.lines, variants },
  }
}

/** Set a line's quantity, capped at the stock there is. */
export async function setItemQuantity(env: Env, owner: CartOwner, variantId: string, quantity: number) {
  const v = await currentVariant(env, variantId)
  if (v.available_stock <= 0) throw outOfStock(variantId)
  const cap = Math.min(MAX_LINE_QUANTITY, v.available_stock)
  const res = await cartStub(env, owner).set(variantId, quantity, cap, v.unit_price, ttlFor(owner))
  if (!res.ok) throw notFound('Cart item')
  return { variant_id: variantId, quantity: res.line.quantity, capped: res.capped }
}

export async function removeItem(env: Env, owner: CartOwner, variantId: string): Promise<void> {
  if (!(await cartStub(env, owner).remove(variantId))) throw notFound('Cart item')
}

/**
 * Move a guest cart into a user's cart: quantities add up, capped by current stock (and 99);
 * lines that can no longer be bought are dropped. The guest cart is emptied first (atomically,
 * inside its object) so a repeated merge cannot add the same lines twice; if writing the user's
 * cart fails, the lines are put back.
 */
export async function mergeGuestCart(env: Env, guestToken: string, userId: string): Promise<{ merged: string[]; dropped: string[] }> {
  if (!isCartToken(guestToken)) return { merged: [], dropped: [] }
  const guest = cartStub(env, { guestToken })
  const lines = await guest.take()
  if (!lines.length) return { merged: [], dropped: [] }
  try {
    const q = await quote(env, { lines: lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })) })
    const stock = new Map(q.lines.map((l) => [l.variant_id, l.available_stock]))
    const res = await cartStub(env, { userId }).mergeIn(
      lines
        .filter((l) => (stock.get(l.variant_id) ?? 0) > 0)
        .map((l) => ({ ...l, cap: Math.min(MAX_LINE_QUANTITY, stock.get(l.variant_id) ?? 0) })),
    )
    const dropped = lines.map((l) => l.variant_id).filter((id) => !res.merged.includes(id))
    return { merged: res.merged, dropped }
  } catch (err) {
    await guest.restore(lines)
    throw err
  }
}

/**
 * Hook for sign-in (login/register): merge the guest cart named by the request's X-Cart-Token into
 * the user's cart. Never fails the sign-in: a missing or malformed token is ignored and a merge
 * error is logged (the guest cart is put back, and POST /cart/merge can retry it).
 */
export async function mergeCartOnSignIn(env: Env, cartToken: string | undefined, userId: string): Promise<void> {
  if (!cartToken || !isCartToken(cartToken)) return
  try {
    await mergeGuestCart(env, cartToken, userId)
  } catch (err) {
    log('warn', 'cart merge on sign-in failed', { user_id: userId, error: err instanceof Error ? err.message : String(err) })
  }
}

export interface CartItem {
  variant_id: string
  product_id: string | null
  seller_id: string | null
  product_name: string | null
  variant_name: string | null
  sku: string | null
  product_slug: string | null
  image_url: string | null
  /** Current catalog price (what the shopper pays); null when the item cannot be bought. */
  unit_price: number | null
  price_at_add: number
  /** Quantity stored in the cart. */
  quantity: number
  /** Quantity priced in the totals: the stored one, capped by stock (0 when unavailable). */
  priced_quantity: number
  available_stock: number
  subtotal: number
  discount: number
  tax: number
  total: number
  added_at: string
  available: boolean
  price_changed: { old: number; new: number } | null
  quantity_capped: boolean
  problems: { code: string; message: string }[]
}

export interface CartView {
  token?: string
  currency: string | null
  items: CartItem[]
  item_count: number
  subtotal: number
  discount: number
  tax: number
  shipping: number
  total: number
  tax_inclusive: boolean
  discount_code: string | null
  shipping_method: { id: string; name: string } | null
  shipping_quote: ShippingQuote | null
  problems: QuoteProblem[]
}

export interface CartPreview {
  user_id?: string
  country?: string
  region?: string
  postal_code?: string
  shipping_method_id?: string
  discount_code?: string
}

/** The view of a cart with nothing in it (also what the storefront shows when the cart cannot be read). */
export const emptyView = (): CartView => ({
  currency: null,
  items: [],
  item_count: 0,
  subtotal: 0,
  discount: 0,
  tax: 0,
  shipping: 0,
  total: 0,
  tax_inclusive: false,
  discount_code: null,
  shipping_method: null,
  shipping_quote: null,
  problems: [],
})

/**
 * The cart priced now: current catalog prices, quantities capped by stock, optional tax/shipping/
 * discount preview. Lines whose price moved since they were added carry `price_changed`; lines that
 * cannot be bought (or not in the stored quantity) are flagged and left out of / capped in the totals.
 */
export async function getCartView(
  env: Env,
  owner: CartOwner | null,
  preview: CartPreview = {},
  /** The cart's lines and their variants when this request has just read them (addItem's `after`). */
  known?: { lines: CartLine[]; variants: PricingVariant[] },
): Promise<CartView> {
  const lines: CartLine[] = known ? known.lines : owner ? await cartStub(env, owner).lines() : []
  if (!lines.length && !preview.discount_code) return emptyView()
  // A line another request added meanwhile (or a variant gone from the catalog) was not read: read them all.
  const read = new Set(known?.variants.map((v) => v.variant_id))
  const variants = known && lines.every((l) => read.has(l.variant_id)) ? known.variants : undefined
  const q = await quote(
    env,
    {
      ...preview,
      lines: lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })),
      stock_policy: 'cap',
    },
    variants,
  )
  const priced = new Map(q.lines.map((l) => [l.variant_id, l]))
  const items = lines.map((l): CartItem => {
    const p = priced.get(l.variant_id)
    const problems = q.problems.filter((x) => x.variant_id === l.variant_id).map(({ code, message }) => ({ code, message }))
    return {
      variant_id: l.variant_id,
      product_id: p?.product_id ?? null,
      seller_id: p?.seller_id ?? null,
      product_name: p?.product_name ?? null,
      variant_name: p?.variant_name ?? null,
      sku: p?.sku ?? null,
      product_slug: p?.product_slug ?? null,
      image_url: p?.image_url ?? null,
      unit_price: p?.unit_price ?? null,
      price_at_add: l.price_at_add,
      quantity: l.quantity,
      priced_quantity: p?.quantity ?? 0,
      available_stock: p?.available_stock ?? 0,
      subtotal: p?.subtotal ?? 0,
      discount: p?.discount ?? 0,
      tax: p?.tax ?? 0,
      total: p?.total ?? 0,
      added_at: l.added_at,
      available: p !== undefined,
      price_changed: p && p.unit_price !== l.price_at_add ? { old: l.price_at_add, new: p.unit_price } : null,
      quantity_capped: p !== undefined && p.quantity < l.quantity,
      problems,
    }
  })
  return {
    currency: q.currency,
    items,
    item_count: items.reduce((a, i) => a + i.quantity, 0),
    subtotal: q.subtotal,
    discount: q.discount,
    tax: q.tax,
    shipping: q.shipping,
    total: q.total,
    tax_inclusive: q.tax_inclusive,
    discount_code: q.discount_code,
    shipping_method: q.shipping_method,
    shipping_quote: q.shipping_quote,
    problems: publicProblems(q.problems),
  }
}
