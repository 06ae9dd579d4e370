import { DurableObject } from 'cloudflare:workers'
import { backoffDelay } from '../../lib/backoff'
import { config } from '../../lib/config'
import { assertConfig } from '../../lib/config-check'
import { runBatch } from '../../lib/d1'
import { getDb } from '../../lib/db'
import { publishEvent, type DomainEvent } from '../../lib/events'
import { emitOrderWebhooks } from '../integrations/webhook-events'
import { newId } from '../../lib/ids'
import { recordEvent } from '../../lib/metrics'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import type {
  OrderState,
  PaymentSignal,
  PaymentSignalResult,
  RefundsSignal,
  ReturnAction,
  ReturnActionResult,
  ShipLineInput,
  TransitionInput,
  TransitionMeta,
  TransitionRecord,
  TransitionResult,
} from './model'
import {
  AWAITING_PAYMENT,
  PAID_OR_LATER,
  REFUNDABLE,
  REFUND_STATUSES,
  RELEASES_STOCK,
  SHIPPABLE,
  canTransition,
  type Actor,
} from './state-machine'
import {
  afterStatusChanged,
  afterStockReleased,
  convergeStatements,
  loadStateFromD1,
  orderEvent,
  writeThroughFaults,
  writeThroughStatements,
} from './write-through'
import { cancelOpenPayments } from '../payments/cancel'
import { paymentAlerts } from '../payments/tables'
import { RETURNABLE_ORDER_STATUSES, decideReturn } from './return-state'
import { returnEvent } from './return-events'
import { deliveredAtFromHistory } from './return-write-through'

/** First retry of a failed D1 write-through; each further failure doubles it, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 2_000
export const RETRY_MAX_MS = 10 * 60_000
/** After this many failed attempts of one journal entry, staff get an alert (once per entry). */
export const ALERT_AFTER_ATTEMPTS = 5
/** How soon a failed queue send is retried. */
const PUBLISH_RETRY_MS = 5_000

export const backoffMs = (attempts: number) => backoffDelay(attempts, { base: RETRY_BASE_MS, max: RETRY_MAX_MS })

type InternalInput = TransitionInput & { kind?: 'transition' }

interface JournalRow {
  seq: number
  body: string
  attempts: number
  next_at: number | null
  alerted: number
  [key: string]: SqlStorageValue
}

/**
 * One order's lifecycle, and the ONLY writer of it: status, the effect of payments and refunds on
 * it, and line fulfilment change here and nowhere else. Callers (pay, webhooks of every provider,
 * sellers shipping lines, staff, refunds, expiry, reconciliation) tell the DO what happened and
 * the DO decides from its own state; D1 is the read model it writes through to, never the basis
 * of a decision.
 *
 * Calls run one at a time (a promise chain, because awaiting D1 would otherwise let a second call
 * interleave). Each change is committed to the DO's SQLite first as a journal entry, then written
 * through to D1 and finally published to the notifications queue. A failed write-through is
 * retried with exponential backoff per entry (attempts counted, staff alerted after
 * ALERT_AFTER_ATTEMPTS); an entry that keeps failing does not hold back later ones, and D1 is
 * brought to the DO's latest state in a separate converging batch meanwhile.
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
    // A new object (one per order, so every checkout makes one) gets the retry columns in its CREATE
    // instead of four ALTER TABLEs after it.
    sql.exec(`CREATE TABLE IF NOT EXISTS transitions (
      seq INTEGER PRIMARY KEY, body TEXT NOT NULL, synced INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, last_error TEXT, alerted INTEGER NOT NULL DEFAULT 0)`)
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at TEXT)`)
    // Retry bookkeeping, added to objects created before it existed.
    const columns = new Set(
      sql
        .exec<{ name: string }>('PRAGMA table_info(transitions)')
        .toArray()
        .map((c) => c.name),
    )
    if (!columns.has('attempts')) sql.exec('ALTER TABLE transitions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0')
    if (!columns.has('next_at')) sql.exec('ALTER TABLE transitions ADD COLUMN next_at INTEGER')
    if (!columns.has('last_error')) sql.exec('ALTER TABLE transitions ADD COLUMN last_error TEXT')
    if (!columns.has('alerted')) sql.exec('ALTER TABLE transitions ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0')
  }

  /** Start the lifecycle from the checkout's snapshot. Idempotent: a second call returns the existing state. */
  async create(snapshot: OrderState): Promise<OrderState> {
    return this.serial(async () => {
      const existing = this.readState()
      if (existing) return existing
      const state: OrderState = { ...snapshot, lines: snapshot.lines.map((l) => ({ fulfilment_status: 'unfulfilled', ...l })) }
      this.ctx.storage.transactionSync(() => {
        this.writeState(state)
        // seq 0 (creation) is already in D1: the checkout batch inserted it with the order.
        this.enqueueEvent(orderEvent(state, 0, state.created_at), 0)
      })
      await this.flushAndSchedule()
      return state
    })
  }

  /** The current state, initialising from D1 if needed; null if no such order exists. */
  async get(orderId: string): Promise<OrderState | null> {
    return this.serial(() => this.ensureState(orderId))
  }

  /**
   * Move the order to `input.to` if the state machine allows it. Never throws for business errors.
   * `refunded`/`partially_refunded` are refused here: only refunds that moved money reach them
   * (recordRefunds). Entering failed/cancelled also cancels the order's open provider payment.
   */
  async transition(orderId: string, input: TransitionInput): Promise<TransitionResult> {
    if (REFUND_STATUSES.includes(input.to)) {
      return {
        ok: false,
        code: 'invalid_transition',
        message: `An order becomes ${input.to} only through a refund that moved money (POST /api/v1/admin/orders/{id}/refunds)`,
      }
    }
    const result = await this.serial(async () => {
      const state = await this.ensureState(orderId)
      if (!state) return notFound()
      const applied = this.apply(state, input)
      if (applied.ok) await this.flushAndSchedule()
      return applied
    })
    if (result.ok && RELEASES_STOCK.includes(result.order.status)) await this.closeProviderPayments(orderId)
    return result
  }

  /** What a payment did; the DO decides what it means for the order (see PaymentSignal). */
  async paymentSignal(orderId: string, signal: PaymentSignal): Promise<PaymentSignalResult> {
    const result = await this.serial(async (): Promise<PaymentSignalResult> => {
      let state = await this.ensureState(orderId)
      if (!state) return notFound()
      const base = { actor: signal.actor, meta: signal.meta }
      const done = async (
        outcome: Extract<PaymentSignalResult, { ok: true }>['outcome'],
        changed: boolean,
      ): Promise<PaymentSignalResult> => {
        if (changed) await this.flushAndSchedule()
        return { ok: true, outcome, order: this.readState()! }
      }
      if (signal.kind === 'initiated') {
        if (state.status === 'processing') return done('already_processing', false)
        if (state.status !== 'pending') return done('not_payable', false)
        this.applyOrThrow(state, { ...base, to: 'processing', reason: signal.reason ?? 'payment initiated' })
        return done('processing', true)
      }
      if (signal.kind === 'failed') {
        if (state.status === 'failed' || state.status === 'cancelled') return done('already_failed', false)
        if (!AWAITING_PAYMENT.includes(state.status)) return done('ignored_out_of_order', false)
        this.applyOrThrow(state, { ...base, to: 'failed', reason: signal.reason ?? 'payment failed' })
        return done('order_failed', true)
      }
      // succeeded: the money must be exactly the order's, in its currency.
      if (signal.currency !== undefined && signal.currency !== state.currency) return done('currency_mismatch', false)
      if (signal.amount !== undefined && signal.amount !== state.total) return done('amount_mismatch', false)
      if (PAID_OR_LATER.includes(state.status)) return done('already_paid', false)
      if (!AWAITING_PAYMENT.includes(state.status)) return done('paid_after_terminal', false)
      if (state.status === 'pending') state = this.applyOrThrow(state, { ...base, to: 'processing', reason: 'payment initiated' })
      this.applyOrThrow(state, { ...base, to: 'paid', reason: signal.reason ?? 'payment succeeded' })
      return done('order_paid', true)
    })
    if (result.ok && result.outcome === 'order_failed') await this.closeProviderPayments(orderId)
    return result
  }

  /**
   * A seller (or staff) ships one line: allowed while the order is paid or partially refunded and
   * the line unfulfilled, decided here so a refund racing the shipment cannot interleave. When the
   * last unfulfilled line ships, the order moves to `shipped` with that line's tracking.
   */
  async shipLine(orderId: string, input: ShipLineInput): Promise<TransitionResult> {
    return this.serial(async (): Promise<TransitionResult> => {
      const state = await this.ensureState(orderId)
      if (!state) return notFound()
      const line = state.lines.find((l) => l.id === input.line_id)
      if (!line || (input.seller_id && line.seller_id !== input.seller_id)) {
        return { ok: false, code: 'not_found', message: 'Order line not found' }
      }
      if ((line.fulfilment_status ?? 'unfulfilled') !== 'unfulfilled') {
        return { ok: false, code: 'invalid_transition', message: 'This line has already shipped' }
      }
      if (!SHIPPABLE.includes(state.status)) {
        return { ok: false, code: 'invalid_transition', message: `Lines of a ${state.status} order cannot be shipped` }
      }
      const carrier = input.carrier.trim()
      const tracking = input.tracking_number.trim()
      if (!carrier || !tracking) return { ok: false, code: 'validation_error', message: 'Shipping needs a carrier and a tracking number' }
      const at = nowIso()
      const shipped = { id: line.id, fulfilment_status: 'shipped' as const, carrier, tracking_number: tracking, shipped_at: at }
      let next: OrderState = {
        ...state,
        seq: state.seq + 1,
        updated_at: at,
        lines: state.lines.map((l) => (l.id === line.id ? { ...l, ...shipped } : l)),
      }
      this.commit(next, {
        kind: 'line',
        line: shipped,
        history_id: newId('ohi'),
        seq: next.seq,
        from_status: state.status,
        to_status: state.status,
        actor_type: input.actor.type,
        actor_id: input.actor.id ?? null,
        reason: 'line shipped',
        meta: { line_id: line.id, carrier, tracking_number: tracking },
        at,
        refunded_amount: state.refunded_amount,
      })
      if (next.lines.every((l) => (l.fulfilment_status ?? 'unfulfilled') !== 'unfulfilled')) {
        next = this.applyOrThrow(next, {
          to: 'shipped',
          actor: input.actor,
          reason: 'all lines shipped',
          meta: { carrier, tracking_number: tracking },
        })
      }
      await this.flushAndSchedule()
      return { ok: true, order: next }
    })
  }

  /**
   * Refunds that moved money: the order's refunded amount becomes `refunded_total` (never
   * decreases, so repeated or reordered calls are harmless), moving it to partially_refunded or
   * refunded. The only way into those statuses.
   */
  async recordRefunds(orderId: string, signal: RefundsSignal): Promise<TransitionResult> {
    return this.serial(async (): Promise<TransitionResult> => {
      const state = await this.ensureState(orderId)
      if (!state) return notFound()
      const delta = signal.refunded_total - state.refunded_amount
      if (delta <= 0) return { ok: true, order: state }
      if (!REFUNDABLE.includes(state.status)) {
        return { ok: false, code: 'invalid_transition', message: `A ${state.status} order cannot be refunded` }
      }
      const remaining = state.total - state.refunded_amount
      const to = delta >= remaining ? 'refunded' : 'partially_refunded'
      const applied = this.apply(
        state,
        {
          to,
          actor: signal.actor,
          reason: to === 'refunded' ? 'refunded in full' : 'partial refund',
          meta: { ...signal.meta, refund_amount: Math.min(delta, remaining) },
        },
        true,
      )
      if (applied.ok) await this.flushAndSchedule()
      return applied
    })
  }

  /**
   * A return (RMA) step: requested, cancelled, approved, refused, received, refunded. The rules
   * are src/modules/orders/return-state.ts (window, quantities never above delivered minus already
   * returned, the return's own state machine); the return lives in this state, is journalled
   * like a transition (a timeline entry, the return's D1 rows, its restock) and publishes
   * return.<status>. A repeated step (a duplicated or concurrent request) changes nothing and
   * answers `changed: false` with the return as it is.
   */
  async returnAction(orderId: string, action: ReturnAction): Promise<ReturnActionResult> {
    return this.serial(async (): Promise<ReturnActionResult> => {
      const state = await this.ensureState(orderId)
      if (!state) return notFound()
      const at = nowIso()
      const seq = state.seq + 1
      let deliveredAt = state.delivered_at ?? null
      if (!deliveredAt && action.kind === 'request' && RETURNABLE_ORDER_STATUSES.includes(state.status)) {
        deliveredAt = await deliveredAtFromHistory(getDb(this.env), orderId)
      }
      const decided = decideReturn(state, action, { now: at, windowDays: config(this.env).RETURN_WINDOW_DAYS, deliveredAt, seq })
      if (!decided.ok) return decided
      if (!decided.changed) return { ok: true, ret: decided.ret, order: state, changed: false }
      const ret = decided.ret
      const others = (state.returns ?? []).filter((r) => r.id !== ret.id)
      const next: OrderState = {
        ...state,
        seq,
        updated_at: at,
        returns: [...others, ret].sort((a, b) => a.created_at.localeCompare(b.created_at)),
      }
      this.commit(
        next,
        {
          kind: 'return',
          return: ret,
          history_id: newId('ohi'),
          seq,
          from_status: state.status,
          to_status: state.status,
          actor_type: action.actor.type,
          actor_id: action.actor.id ?? null,
          reason: decided.reason,
          meta: {
            return_id: ret.id,
            return_status: ret.status,
            refund_amount: ret.refund_amount,
            ...(ret.label ? { return_carrier: ret.label.carrier, return_tracking_number: ret.label.tracking_number } : {}),
          },
          at,
          refunded_amount: state.refunded_amount,
        },
        returnEvent(next, ret, seq, at),
      )
      await this.flushAndSchedule()
      return { ok: true, ret, order: next, changed: true }
    })
  }

  /** A history entry that does not change the status (e.g. a late payment refunded automatically). */
  async note(
    orderId: string,
    input: { actor: Actor; reason: string; meta?: TransitionMeta; visibility?: 'staff' },
  ): Promise<TransitionResult> {
    return this.serial(async (): Promise<TransitionResult> => {
      const state = await this.ensureState(orderId)
      if (!state) return notFound()
      const at = nowIso()
      const next: OrderState = { ...state, seq: state.seq + 1, updated_at: at }
      this.commit(next, {
        kind: 'note',
        history_id: newId('ohi'),
        seq: next.seq,
        from_status: state.status,
        to_status: state.status,
        actor_type: input.actor.type,
        actor_id: input.actor.id ?? null,
        reason: input.reason,
        meta: input.meta ?? null,
        at,
        refunded_amount: state.refunded_amount,
        ...(input.visibility ? { visibility: input.visibility } : {}),
      })
      await this.flushAndSchedule()
      return { ok: true, order: next }
    })
  }

  /** Journal entries not yet in D1, with their attempts (for staff tooling and tests). */
  async unsynced(): Promise<{ seq: number; attempts: number; next_at: number | null; last_error: string | null }[]> {
    return this.ctx.storage.sql
      .exec<{ seq: number; attempts: number; next_at: number | null; last_error: string | null }>(
        'SELECT seq, attempts, next_at, last_error FROM transitions WHERE synced = 0 ORDER BY seq',
      )
      .toArray()
  }

  /** Payment timeout, and retries of write-through / publishing whose backoff has elapsed. */
  override async alarm(): Promise<void> {
    const expired = await this.serial(async () => {
      const state = this.readState()
      return state ? this.expireAndFlush(state, false) : false
    })
    if (expired) await this.closeProviderPayments(this.readState()!.id)
  }

  /**
   * What the alarm does, on demand, for an order the cron sweep found overdue in D1: initialise
   * from D1 if this DO never got created, fail the order if its payment deadline has passed,
   * retry every unfinished write-through now (backoff or not). Safe to call any number of times.
   */
  async reconcile(orderId: string): Promise<OrderState | null> {
    const expired = await this.serial(async () => {
      const state = await this.ensureState(orderId)
      return state ? this.expireAndFlush(state, true) : false
    })
    if (expired) await this.closeProviderPayments(orderId)
    return this.readState()
  }

  /** Returns whether the order expired now. */
  private async expireAndFlush(state: OrderState, force: boolean): Promise<boolean> {
    let expired = false
    if (AWAITING_PAYMENT.includes(state.status) && state.payment_due_at && Date.parse(state.payment_due_at) <= Date.now()) {
      expired = this.apply(state, { to: 'failed', actor: { type: 'system' }, reason: 'payment_timeout' }).ok
    }
    await this.flushAndSchedule(force)
    return expired
  }

  /** The order closed unpaid: its provider payment must not be payable any more (best effort; reconciliation retries). */
  private async closeProviderPayments(orderId: string) {
    try {
      await cancelOpenPayments(this.env, orderId)
    } catch (err) {
      log('warn', 'could not cancel the open provider payment of a closed order', { order_id: orderId, error: String(err) })
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    // Every call and the alarm come through here: a malformed configuration fails them loudly (the
    // alarm is retried) before anything is decided, as withConfigCheck does for Worker entries.
    assertConfig(this.env, 'OrderDO')
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
    await this.flushAndSchedule()
    return loaded
  }

  /** apply() for transitions the caller already knows are legal. */
  private applyOrThrow(state: OrderState, input: InternalInput): OrderState {
    const result = this.apply(state, input)
    if (!result.ok) throw new Error(`OrderDO: ${result.message}`)
    return result.order
  }

  /** Validate and commit one status transition to DO storage (synchronously, so it is atomic). */
  private apply(state: OrderState, input: InternalInput, refundMovedMoney = false): TransitionResult {
    const from = state.status
    if (!canTransition(from, input.to)) {
      return { ok: false, code: 'invalid_transition', message: `Cannot move an order from ${from} to ${input.to}` }
    }
    if (REFUND_STATUSES.includes(input.to) && !refundMovedMoney) {
      return { ok: false, code: 'invalid_transition', message: `An order becomes ${input.to} only through a refund that moved money` }
    }
    const meta = input.meta ?? {}
    const at = nowIso()
    const next: OrderState = { ...state, status: input.to, seq: state.seq + 1, updated_at: at }
    if (input.to === 'shipped') {
      const carrier = typeof meta.carrier === 'string' ? meta.carrier.trim() : ''
      const tracking = typeof meta.tracking_number === 'string' ? meta.tracking_number.trim() : ''
      if (!carrier || !tracking) {
        return { ok: false, code: 'validation_error', message: 'Shipping needs a carrier and a tracking number' }
      }
      next.tracking = { carrier, tracking_number: tracking }
      // Lines a seller has not shipped yet take this tracking (the write-through does the same in D1).
      next.lines = state.lines.map((l) =>
        (l.fulfilment_status ?? 'unfulfilled') === 'unfulfilled'
          ? { ...l, fulfilment_status: 'shipped', carrier, tracking_number: tracking, shipped_at: at }
          : l,
      )
    }
    if (input.to === 'delivered') next.lines = state.lines.map((l) => ({ ...l, fulfilment_status: 'delivered' }))
    if (input.to === 'delivered') next.delivered_at = at
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
      kind: 'transition',
      history_id: newId('ohi'),
      seq: next.seq,
      from_status: from,
      to_status: input.to,
      actor_type: input.actor.type,
      actor_id: input.actor.id ?? null,
      reason: input.reason ?? null,
      meta:
        Object.keys(meta).length || refundAmount !== undefined
          ? { ...meta, ...(refundAmount !== undefined ? { refund_amount: refundAmount } : {}) }
          : null,
      at,
      refunded_amount: next.refunded_amount,
    }
    this.commit(next, record, orderEvent(next, next.seq, at, { refund_amount: refundAmount }))
    return { ok: true, order: next }
  }

  /** New state + journal entry (+ event) in one storage transaction. */
  private commit(next: OrderState, record: TransitionRecord, event: DomainEvent | null = null) {
    this.ctx.storage.transactionSync(() => {
      this.writeState(next)
      this.ctx.storage.sql.exec('INSERT INTO transitions (seq, body) VALUES (?, ?)', record.seq, JSON.stringify(record))
      this.enqueueEvent(event, record.seq)
    })
  }

  /**
   * Arm a retry alarm before flushing, so if this object is evicted or crashes mid-flush the
   * unsynced work is picked up again; scheduleAlarm() afterwards replaces it with the real next time.
   */
  private async flushAndSchedule(force = false): Promise<boolean> {
    await this.ctx.storage.setAlarm(Date.now() + RETRY_BASE_MS)
    const ok = await this.flush(force)
    await this.scheduleAlarm()
    return ok
  }

  /**
   * Write unsynced journal entries through to D1, each in its own batch. A failing entry gets its
   * attempt counted and its next try pushed back exponentially, and the loop goes on with the
   * later ones; if anything failed, one converging batch brings D1's order and lines to the DO's
   * latest state. Events are published once their entry (or the converged state) is in D1, so a
   * consumer reading the order sees it. Returns false if something is left for the alarm.
   * `force` ignores the backoff (cron sweep / reconcile).
   */
  private async flush(force = false): Promise<boolean> {
    const state = this.readState()
    if (!state) return true
    const sql = this.ctx.storage.sql
    const now = Date.now()
    const pending = sql
      .exec<JournalRow>('SELECT seq, body, attempts, next_at, alerted FROM transitions WHERE synced = 0 ORDER BY seq')
      .toArray()
    let stuck = false
    for (const row of pending) {
      if (!force && row.next_at !== null && row.next_at > now) {
        stuck = true
        continue
      }
      const record = JSON.parse(row.body) as TransitionRecord
      try {
        if (writeThroughFaults.inject?.(state.id, row.seq)) throw new Error('injected write-through fault')
        const db = getDb(this.env)
        await runBatch(db, writeThroughStatements(db, state, record))
        sql.exec('UPDATE transitions SET synced = 1, last_error = NULL WHERE seq = ?', row.seq)
        if ((record.kind ?? 'transition') === 'transition') {
          if (RELEASES_STOCK.includes(record.to_status)) await afterStockReleased(this.env, state)
          // Imported orders only: tell their marketplace (best effort, never throws).
          await afterStatusChanged(this.env, state, record)
        }
      } catch (err) {
        stuck = true
        const attempts = row.attempts + 1
        const delay = backoffMs(attempts)
        const error = String(err).slice(0, 500)
        sql.exec('UPDATE transitions SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?', attempts, now + delay, error, row.seq)
        log('error', 'order write-through failed', { order_id: state.id, seq: row.seq, attempts, retry_in_ms: delay, error })
        recordEvent(this.env, { name: 'order.write_through_retry', value: attempts })
        if (attempts >= ALERT_AFTER_ATTEMPTS && !row.alerted) await this.alertStalled(state, row.seq, attempts, error)
      }
    }
    let converged = !stuck
    if (stuck) {
      try {
        if (writeThroughFaults.inject?.(state.id, 'converge')) throw new Error('injected write-through fault')
        const db = getDb(this.env)
        await runBatch(db, convergeStatements(db, state))
        converged = true
      } catch (err) {
        log('error', 'order read model converge failed', { order_id: state.id, seq: state.seq, error: String(err) })
      }
    }
    const unsent = sql
      .exec<{ id: string; body: string }>(
        `SELECT id, body FROM outbox WHERE sent_at IS NULL
           AND (? = 1 OR seq = 0 OR EXISTS (SELECT 1 FROM transitions t WHERE t.seq = outbox.seq AND t.synced = 1))
         ORDER BY seq`,
        converged ? 1 : 0,
      )
      .toArray()
    let published = true
    for (const row of unsent) {
      try {
        const event = JSON.parse(row.body) as DomainEvent
        await publishEvent(this.env, event)
        // Outgoing webhooks (order, payment, refund events), deduped on the event id.
        await emitOrderWebhooks(this.env, event)
        sql.exec('UPDATE outbox SET sent_at = ? WHERE id = ?', nowIso(), row.id)
      } catch (err) {
        log('error', 'order event publish failed', { order_id: state.id, event_id: row.id, error: String(err) })
        published = false
        break
      }
    }
    return !stuck && published
  }

  /** Staff must look: this entry failed ALERT_AFTER_ATTEMPTS times. Logged always; stored once D1 takes it. */
  private async alertStalled(state: OrderState, seq: number, attempts: number, error: string) {
    log('error', 'order write-through stalled', { alert: 'order_sync_stalled', order_id: state.id, seq, attempts, error })
    try {
      await getDb(this.env)
        .insert(paymentAlerts)
        .values({
          id: newId('pal'),
          kind: 'order_sync_stalled',
          orderId: state.id,
          details: JSON.stringify({
            seq,
            attempts,
            error,
            status_in_order_do: state.status,
            action: 'check D1; the OrderDO keeps retrying',
          }),
          createdAt: nowIso(),
        })
      this.ctx.storage.sql.exec('UPDATE transitions SET alerted = 1 WHERE seq = ?', seq)
      recordEvent(this.env, { name: 'alert.raised', label: 'order_sync_stalled' })
    } catch (err) {
      log('error', 'could not store the order_sync_stalled alert', { order_id: state.id, seq, error: String(err) })
    }
  }

  /** One alarm serves the payment deadline and retries of unfinished write-through/publishing. */
  private async scheduleAlarm() {
    const state = this.readState()
    if (!state) return
    const sql = this.ctx.storage.sql
    const now = Date.now()
    const times: number[] = []
    const retry = sql
      .exec<{ n: number; next: number | null }>('SELECT COUNT(*) AS n, MIN(COALESCE(next_at, 0)) AS next FROM transitions WHERE synced = 0')
      .one()
    if (retry.n > 0) times.push(Math.max(retry.next ?? 0, now + 100))
    if (sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL').one().n > 0) times.push(now + PUBLISH_RETRY_MS)
    if (AWAITING_PAYMENT.includes(state.status) && state.payment_due_at) times.push(Date.parse(state.payment_due_at))
    if (times.length) await this.ctx.storage.setAlarm(Math.min(...times))
    else await this.ctx.storage.deleteAlarm()
  }
}

const notFound = () => ({ ok: false as const, code: 'not_found' as const, message: 'Order not found' })
