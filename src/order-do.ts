import { DurableObject } from 'cloudflare:workers'
import { getDb } from './lib/db'
import { publishEvent, type DomainEvent } from './lib/events'
import { newId } from './lib/ids'
import { log } from './lib/observability'
import { nowIso } from './lib/time'
import type { OrderState, TransitionInput, TransitionRecord, TransitionResult } from './modules/orders/model'
import { AWAITING_PAYMENT, RELEASES_STOCK, canTransition } from './modules/orders/state-machine'
import { afterStatusChanged, afterStockReleased, loadStateFromD1, orderEvent, writeThroughStatements } from './modules/orders/write-through'

/** How soon a failed D1 write-through or queue send is retried. */
const RETRY_MS = 5_000

/**
 * One order's lifecycle. The DO is the single writer of its order's status: transitions run one
 * at a time (a promise chain, because awaiting D1 would otherwise let a second call interleave),
 * are committed to the DO's own SQLite first, then written through to D1 and finally published
 * to the notifications queue. Anything not yet written through or published is retried from the
 * alarm, so a crash between the steps delays the read model and the events but never loses them.
 *
 * If the DO has no state (its creation call never ran because the checkout Worker died right
 * after the D1 batch), it initialises itself from the D1 order on first use.
 */
export class OrderDO extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const sql = ctx.storage.sql
    sql.exec(`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`)
    sql.exec(`CREATE TABLE IF NOT EXISTS transitions (
      seq INTEGER PRIMARY KEY, body TEXT NOT NULL, synced INTEGER NOT NULL DEFAULT 0)`)
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at TEXT)`)
  }

  /** Start the lifecycle from the checkout's snapshot. Idempotent: a second call returns the existing state. */
  async create(snapshot: OrderState): Promise<OrderState> {
    return this.serial(async () => {
      const existing = this.readState()
      if (existing) return existing
      this.ctx.storage.transactionSync(() => {
        this.writeState(snapshot)
        // seq 0 (creation) is already in D1: the checkout batch inserted it with the order.
        this.enqueueEvent(orderEvent(snapshot, 0, snapshot.created_at), 0)
      })
      await this.flushWithRetry()
      await this.scheduleAlarm()
      return snapshot
    })
  }

  /** The current state, initialising from D1 if needed; null if no such order exists. */
  async get(orderId: string): Promise<OrderState | null> {
    return this.serial(() => this.ensureState(orderId))
  }

  /** Move the order to `input.to` if the state machine allows it. Never throws for business errors. */
  async transition(orderId: string, input: TransitionInput): Promise<TransitionResult> {
    return this.serial(async () => {
      const state = await this.ensureState(orderId)
      if (!state) return { ok: false, code: 'not_found', message: 'Order not found' }
      const result = this.apply(state, input)
      if (result.ok) {
        await this.flushWithRetry()
        await this.scheduleAlarm()
      }
      return result
    })
  }

  /** Payment timeout, and retries of write-through / publishing that failed earlier. */
  override async alarm(): Promise<void> {
    await this.serial(async () => {
      const state = this.readState()
      if (state) await this.expireAndFlush(state)
    })
  }

  /**
   * What the alarm does, on demand, for an order the cron sweep found overdue in D1: initialise
   * from D1 if this DO never got created, fail the order if its payment deadline has passed,
   * finish any write-through/publishing. Safe to call any number of times.
   */
  async reconcile(orderId: string): Promise<OrderState | null> {
    return this.serial(async () => {
      const state = await this.ensureState(orderId)
      if (state) await this.expireAndFlush(state)
      return this.readState()
    })
  }

  private async expireAndFlush(state: OrderState) {
    if (AWAITING_PAYMENT.includes(state.status) && state.payment_due_at && Date.parse(state.payment_due_at) <= Date.now()) {
      this.apply(state, { to: 'failed', actor: { type: 'system' }, reason: 'payment_timeout' })
    }
    await this.flushWithRetry()
    await this.scheduleAlarm()
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn)
    this.chain = run.catch(() => undefined)
    return run
  }

  private readState(): OrderState | null {
    const row = this.ctx.storage.sql.exec<{ body: string }>('SELECT body FROM state WHERE id = 1').toArray()[0]
    return row ? (JSON.parse(row.body) as OrderState) : null
  }

  private writeState(state: OrderState) {
    this.ctx.storage.sql.exec(
      'INSERT INTO state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
      JSON.stringify(state),
    )
  }

  private enqueueEvent(event: DomainEvent | null, seq: number) {
    if (!event) return
    this.ctx.storage.sql.exec(
      'INSERT INTO outbox (id, seq, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      event.id,
      seq,
      JSON.stringify(event),
    )
  }

  private async ensureState(orderId: string): Promise<OrderState | null> {
    const existing = this.readState()
    if (existing) {
      if (existing.id !== orderId) throw new Error(`OrderDO for ${existing.id} asked about ${orderId}`)
      return existing
    }
    const loaded = await loadStateFromD1(getDb(this.env), orderId)
    if (!loaded) return null
    // A concurrent caller cannot have written meanwhile (calls are serialized), so this is safe.
    this.ctx.storage.transactionSync(() => {
      this.writeState(loaded)
      // Never created through create(): order.created may not have gone out. Its id is derived
      // from the order, so if it did, consumers see a duplicate id and drop it.
      if (loaded.seq === 0) this.enqueueEvent(orderEvent(loaded, 0, loaded.created_at), 0)
    })
    await this.flushWithRetry()
    await this.scheduleAlarm()
    return loaded
  }

  /** Validate and commit one transition to DO storage (synchronously, so it is atomic). */
  private apply(state: OrderState, input: TransitionInput): TransitionResult {
    const from = state.status
    if (!canTransition(from, input.to)) {
      return { ok: false, code: 'invalid_transition', message: `Cannot move an order from ${from} to ${input.to}` }
    }
    const meta = input.meta ?? {}
    const next: OrderState = { ...state, status: input.to, seq: state.seq + 1, updated_at: nowIso() }
    if (input.to === 'shipped') {
      const carrier = typeof meta.carrier === 'string' ? meta.carrier.trim() : ''
      const tracking = typeof meta.tracking_number === 'string' ? meta.tracking_number.trim() : ''
      if (!carrier || !tracking) {
        return { ok: false, code: 'validation_error', message: 'Shipping needs a carrier and a tracking number' }
      }
      next.tracking = { carrier, tracking_number: tracking }
    }
    let refundAmount: number | undefined
    if (input.to === 'refunded' || input.to === 'partially_refunded') {
      const remaining = state.total - state.refunded_amount
      const asked = meta.refund_amount
      if (asked !== undefined && (!Number.isSafeInteger(asked) || asked <= 0 || asked > remaining)) {
        return { ok: false, code: 'validation_error', message: `refund_amount must be an integer between 1 and ${remaining}` }
      }
      if (input.to === 'partially_refunded' && asked === undefined) {
        return { ok: false, code: 'validation_error', message: 'A partial refund needs meta.refund_amount' }
      }
      if (input.to === 'partially_refunded' && asked === remaining) {
        return { ok: false, code: 'validation_error', message: 'That refunds the whole remainder: use refunded' }
      }
      refundAmount = asked ?? remaining
      next.refunded_amount = state.refunded_amount + refundAmount
    }
    const record: TransitionRecord = {
      history_id: newId('ohi'),
      seq: next.seq,
      from_status: from,
      to_status: input.to,
      actor_type: input.actor.type,
      actor_id: input.actor.id ?? null,
      reason: input.reason ?? null,
      meta: Object.keys(meta).length || refundAmount !== undefined ? { ...meta, ...(refundAmount !== undefined ? { refund_amount: refundAmount } : {}) } : null,
      at: next.updated_at,
      refunded_amount: next.refunded_amount,
    }
    this.ctx.storage.transactionSync(() => {
      this.writeState(next)
      this.ctx.storage.sql.exec('INSERT INTO transitions (seq, body) VALUES (?, ?)', record.seq, JSON.stringify(record))
      this.enqueueEvent(orderEvent(next, next.seq, record.at, { refund_amount: refundAmount }), next.seq)
    })
    return { ok: true, order: next }
  }

  /**
   * Arm a retry alarm before flushing, so if this object is evicted or crashes mid-flush the
   * unsynced work is picked up again; scheduleAlarm() afterwards replaces it with the real next time.
   */
  private async flushWithRetry(): Promise<boolean> {
    await this.ctx.storage.setAlarm(Date.now() + RETRY_MS)
    return this.flush()
  }

  /**
   * Write unsynced transitions through to D1 (in order), then publish events whose transition is
   * in D1. Returns false if something is left for the alarm to retry.
   */
  private async flush(): Promise<boolean> {
    const state = this.readState()
    if (!state) return true
    const sql = this.ctx.storage.sql
    const pending = sql.exec<{ seq: number; body: string }>('SELECT seq, body FROM transitions WHERE synced = 0 ORDER BY seq').toArray()
    // Events are published only once their transition is in D1, so a consumer reading the order sees it.
    let publishBelow = Number.MAX_SAFE_INTEGER
    let ok = true
    for (const row of pending) {
      const record = JSON.parse(row.body) as TransitionRecord
      try {
        const db = getDb(this.env)
        const [first, ...rest] = writeThroughStatements(db, state, record)
        await db.batch([first!, ...rest])
        sql.exec('UPDATE transitions SET synced = 1 WHERE seq = ?', row.seq)
        if (RELEASES_STOCK.includes(record.to_status)) await afterStockReleased(this.env, state)
        // Imported orders only: tell their marketplace (best effort, never throws).
        await afterStatusChanged(this.env, state, record)
      } catch (err) {
        log('error', 'order write-through failed', { order_id: state.id, seq: row.seq, error: String(err) })
        publishBelow = row.seq
        ok = false
        break
      }
    }
    const unsent = sql
      .exec<{ id: string; body: string }>('SELECT id, body FROM outbox WHERE sent_at IS NULL AND seq < ? ORDER BY seq', publishBelow)
      .toArray()
    for (const row of unsent) {
      try {
        await publishEvent(this.env, JSON.parse(row.body) as DomainEvent)
        sql.exec('UPDATE outbox SET sent_at = ? WHERE id = ?', nowIso(), row.id)
      } catch (err) {
        log('error', 'order event publish failed', { order_id: state.id, event_id: row.id, error: String(err) })
        ok = false
        break
      }
    }
    return ok
  }

  /** One alarm serves both the payment deadline and retries of unfinished write-through/publishing. */
  private async scheduleAlarm() {
    const state = this.readState()
    if (!state) return
    const sql = this.ctx.storage.sql
    const unfinished =
      sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM transitions WHERE synced = 0').one().n +
      sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL').one().n
    const times: number[] = []
    if (unfinished > 0) times.push(Date.now() + RETRY_MS)
    if (AWAITING_PAYMENT.includes(state.status) && state.payment_due_at) times.push(Date.parse(state.payment_due_at))
    if (times.length) await this.ctx.storage.setAlarm(Math.min(...times))
    else await this.ctx.storage.deleteAlarm()
  }
}
