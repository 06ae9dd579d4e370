import { DurableObject } from 'cloudflare:workers'
import { assertConfig } from '../../lib/config-check'

/** What a cart remembers per line. Prices here are only "what the shopper saw", never what they pay. */
export interface CartLine {
  variant_id: string
  quantity: number
  /** Unit price when the line was added (or last changed), to flag later price changes. */
  price_at_add: number
  added_at: string
}

export type CartWrite = { ok: true; line: CartLine; capped: boolean } | { ok: false; reason: 'not_in_cart' | 'cart_full' }

/** Most distinct lines one cart may hold. */
export const MAX_CART_LINES = 50

/** A guest cart untouched this long is deleted by its alarm (user carts never expire). */
export const GUEST_CART_TTL_MS = 30 * 24 * 3600 * 1000

/**
 * One shopping cart: per signed-in user (`user:<id>`) or per guest token (`guest:<token>`).
 * A single-writer object, so read-modify-write (quantities adding up, caps) needs no locking.
 * Lines live in the object's own SQLite storage; stock and prices stay in the catalog.
 */
export class CartDO extends DurableObject<Env> {
  private readonly sql: SqlStorage

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.createSchema()
  }

  // sql.exec is synchronous, so the table exists before the first RPC call is delivered.
  private createSchema() {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS cart_lines (
      variant_id TEXT PRIMARY KEY,
      quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
      price_at_add INTEGER NOT NULL,
      added_at TEXT NOT NULL
    )`)
  }

  private get(variantId: string): CartLine | undefined {
    return this.sql
      .exec<{ variant_id: string; quantity: number; price_at_add: number; added_at: string }>(
        'SELECT variant_id, quantity, price_at_add, added_at FROM cart_lines WHERE variant_id = ?',
        variantId,
      )
      .toArray()[0]
  }

  private count(): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM cart_lines').one().n
  }

  private put(line: CartLine) {
    this.sql.exec(
      `INSERT INTO cart_lines (variant_id, quantity, price_at_add, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (variant_id) DO UPDATE SET quantity = excluded.quantity, price_at_add = excluded.price_at_add`,
      line.variant_id,
      line.quantity,
      line.price_at_add,
      line.added_at,
    )
  }

  /** (Re)arm the idle timeout: every guest write pushes the deletion back. */
  private async expireAfter(ttlMs: number | null) {
    if (ttlMs !== null) await this.ctx.storage.setAlarm(Date.now() + ttlMs)
  }

  /** The idle timeout fired: drop everything this object stored. */
  override async alarm(): Promise<void> {
    // Not behind withConfigCheck (its RPC calls come from API requests already checked with the same
    // vars): a malformed configuration fails the alarm loudly, and it is retried.
    assertConfig(this.env, 'CartDO.alarm')
    await this.ctx.storage.deleteAll()
    this.createSchema()
  }

  /** Lines in the order they were first added. */
  lines(): CartLine[] {
    return this.sql
      .exec<{ variant_id: string; quantity: number; price_at_add: number; added_at: string }>(
        'SELECT variant_id, quantity, price_at_add, added_at FROM cart_lines ORDER BY added_at, rowid',
      )
      .toArray()
  }

  /**
   * Add `quantity` to the line (creating it), never above `cap` (stock and the per-line maximum,
   * worked out by the caller from the catalog). The shopper has just seen `price`, so it becomes
   * the line's reference price.
   */
  async add(
    variantId: string,
    quantity: number,
    cap: number,
    price: number,
    now: string,
    ttlMs: number | null = null,
  ): Promise<(CartWrite & { ok: false }) | (CartWrite & { ok: true; lines: CartLine[] })> {
    const existing = this.get(variantId)
    if (!existing && this.count() >= MAX_CART_LINES) return { ok: false, reason: 'cart_full' }
    const wanted = (existing?.quantity ?? 0) + quantity
    const line: CartLine = {
      variant_id: variantId,
      quantity: Math.max(1, Math.min(wanted, cap)),
      price_at_add: price,
      added_at: existing?.added_at ?? now,
    }
    this.put(line)
    await this.expireAfter(ttlMs)
    // Every line after the write, so the caller can show the cart without asking again.
    return { ok: true, line, capped: line.quantity < wanted, lines: this.lines() }
  }

  /** Set an existing line's quantity, never above `cap`. */
  async set(variantId: string, quantity: number, cap: number, price: number, ttlMs: number | null = null): Promise<CartWrite> {
    const existing = this.get(variantId)
    if (!existing) return { ok: false, reason: 'not_in_cart' }
    const line = { ...existing, quantity: Math.max(1, Math.min(quantity, cap)), price_at_add: price }
    this.put(line)
    await this.expireAfter(ttlMs)
    return { ok: true, line, capped: line.quantity < quantity }
  }

  remove(variantId: string): boolean {
    return this.sql.exec('DELETE FROM cart_lines WHERE variant_id = ?', variantId).rowsWritten > 0
  }

  clear(): void {
    this.sql.exec('DELETE FROM cart_lines')
  }

  /**
   * Take out what a checkout bought: each line loses the bought quantity and disappears at zero.
   * Lines (or quantity) added while the checkout ran stay in the cart.
   */
  removeBought(lines: { variant_id: string; quantity: number }[]): void {
    for (const l of lines) {
      const existing = this.get(l.variant_id)
      if (!existing) continue
      if (existing.quantity <= l.quantity) this.remove(l.variant_id)
      else this.put({ ...existing, quantity: existing.quantity - l.quantity })
    }
  }

  /** Empty the cart and hand back what it held (a guest cart being merged into a user's). */
  take(): CartLine[] {
    const lines = this.lines()
    this.clear()
    return lines
  }

  /** Put lines back after a failed merge; quantities add to anything added meanwhile. */
  restore(lines: CartLine[]): void {
    this.mergeIn(lines.map((l) => ({ ...l, cap: 99 })))
  }

  /**
   * Add another cart's lines: quantities add up, each capped by its `cap`. An existing line keeps
   * its own reference price; a new one keeps the price the guest saw. Lines beyond the cart's size
   * limit, or with nothing left under the cap, are skipped and returned.
   */
  mergeIn(lines: (CartLine & { cap: number })[]): { merged: string[]; skipped: string[] } {
    const merged: string[] = []
    const skipped: string[] = []
    for (const l of lines) {
      const existing = this.get(l.variant_id)
      const quantity = Math.min((existing?.quantity ?? 0) + l.quantity, l.cap, 99)
      if (quantity < 1 || (!existing && this.count() >= MAX_CART_LINES)) {
        skipped.push(l.variant_id)
        continue
      }
      this.put({
        variant_id: l.variant_id,
        quantity,
        price_at_add: existing?.price_at_add ?? l.price_at_add,
        added_at: existing?.added_at ?? l.added_at,
      })
      merged.push(l.variant_id)
    }
    return { merged, skipped }
  }
}
