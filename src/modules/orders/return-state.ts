/**
 * The return (RMA) state machine, as pure functions the OrderDO runs inside its serialized calls:
 * given the order's state and what happened, the return's next state or a refusal. No I/O here,
 * so the DO stays the one writer and these rules are testable on their own.
 *
 *   requested → approved → received → refunded
 *   requested → refused | cancelled (by the customer)
 */
import type { OrderState, OrderStateLine, ReturnAction, ReturnActionResult, ReturnState, ReturnStatus } from './model'
import type { OrderStatus } from './tables'

/** Order statuses in which delivered lines can be returned (a partial refund does not end the right to return). */
export const RETURNABLE_ORDER_STATUSES: readonly OrderStatus[] = ['delivered', 'partially_refunded']

/** Return statuses that hold their units (the rest gave them back: refused, cancelled). */
export const ACTIVE_RETURN_STATUSES: readonly ReturnStatus[] = ['requested', 'approved', 'received', 'refunded']

export const RETURN_TRANSITIONS: Readonly<Record<ReturnStatus, readonly ReturnStatus[]>> = {
  requested: ['approved', 'refused', 'cancelled'],
  approved: ['received'],
  received: ['refunded'],
  refused: [],
  cancelled: [],
  refunded: [],
}

const DAY_MS = 86_400_000

type Failure = Extract<ReturnActionResult, { ok: false }>
type Decision = { ok: true; ret: ReturnState; changed: boolean; reason: string } | Failure

/** Units of `line` already held by returns (other than `exceptId`). */
export function unitsInReturns(state: OrderState, lineId: string, exceptId?: string): number {
  let n = 0
  for (const r of state.returns ?? []) {
    if (r.id === exceptId || !ACTIVE_RETURN_STATUSES.includes(r.status)) continue
    for (const l of r.lines) if (l.line_id === lineId) n += l.quantity
  }
  return n
}

/**
 * The refund `quantity` more units of `line` are worth after `before` units were already returned:
 * the line's total (its discount share and tax included) pro rata, cumulative and rounded down, so
 * the returns of a whole line add up to exactly its total whatever the split.
 */
export function lineRefund(line: Pick<OrderStateLine, 'total' | 'quantity'>, before: number, quantity: number): number {
  const upTo = (n: number) => Math.floor((line.total * n) / line.quantity)
  return upTo(before + quantity) - upTo(before)
}

/** When the right to return ends, or null when the order is not delivered. */
export function returnDeadline(deliveredAt: string | null | undefined, windowDays: number): string | null {
  if (!deliveredAt) return null
  return new Date(Date.parse(deliveredAt) + windowDays * DAY_MS).toISOString()
}

/** What each line can still be returned: delivered units not held by a return (0 when not returnable). */
export function returnableUnits(state: OrderState): Map<string, number> {
  const out = new Map<string, number>()
  for (const l of state.lines) {
    const delivered = RETURNABLE_ORDER_STATUSES.includes(state.status) && l.fulfilment_status === 'delivered'
    out.set(l.id, delivered ? Math.max(0, l.quantity - unitsInReturns(state, l.id)) : 0)
  }
  return out
}

const fail = (code: Failure['code'], message: string, details?: Failure['details']): Failure => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
})

/**
 * Decide one return action against the order. `now` and the window are passed in (the DO reads
 * RETURN_WINDOW_DAYS); `deliveredAt` is when the order was delivered.
 */
export function decideReturn(
  state: OrderState,
  action: ReturnAction,
  ctx: { now: string; windowDays: number; deliveredAt: string | null; seq: number },
): Decision {
  const existing = (state.returns ?? []).find((r) => r.id === action.return_id)
  const entry = (ret: ReturnState, status: ReturnStatus, note: string | null = null): ReturnState => ({
    ...ret,
    status,
    version: ctx.seq,
    updated_at: ctx.now,
    history: [...ret.history, { status, at: ctx.now, actor: action.actor, note }],
  })

  if (action.kind === 'request') {
    if (existing) return { ok: true, ret: existing, changed: false, reason: 'return requested' }
    if (!RETURNABLE_ORDER_STATUSES.includes(state.status) || !ctx.deliveredAt) {
      return fail('invalid_transition', `Only delivered orders can be returned (this one is ${state.status})`)
    }
    const deadline = returnDeadline(ctx.deliveredAt, ctx.windowDays)!
    if (Date.parse(ctx.now) > Date.parse(deadline)) {
      return fail('unprocessable', `The return window closed on ${deadline} (${ctx.windowDays} days after delivery)`, [
        { path: 'lines', message: 'return window closed', deadline },
      ])
    }
    if (!action.lines.length)
      return fail('validation_error', 'Choose at least one line to return', [{ path: 'lines', message: 'Required' }])
    const seen = new Set<string>()
    const lines: ReturnState['lines'] = []
    const problems: NonNullable<Failure['details']> = []
    action.lines.forEach((want, i) => {
      const line = state.lines.find((l) => l.id === want.line_id)
      if (!line) return problems.push({ path: `lines.${i}.line_id`, message: 'No such line in this order' })
      if (seen.has(line.id)) return problems.push({ path: `lines.${i}.line_id`, message: 'Line listed twice' })
      seen.add(line.id)
      if (!Number.isSafeInteger(want.quantity) || want.quantity < 1)
        return problems.push({ path: `lines.${i}.quantity`, message: 'A whole number of at least 1' })
      if (line.fulfilment_status !== 'delivered')
        return problems.push({ path: `lines.${i}.line_id`, message: 'This line has not been delivered' })
      const before = unitsInReturns(state, line.id)
      const returnable = line.quantity - before
      if (want.quantity > returnable) {
        return problems.push({
          path: `lines.${i}.quantity`,
          message: `At most ${returnable} (delivered ${line.quantity}, already in returns ${before})`,
          returnable,
        })
      }
      lines.push({
        line_id: line.id,
        seller_id: line.seller_id,
        quantity: want.quantity,
        amount: lineRefund(line, before, want.quantity),
        restock: null,
      })
    })
    if (problems.length) return fail('unprocessable', 'Some lines cannot be returned as asked', problems)
    const ret: ReturnState = {
      id: action.return_id,
      status: 'requested',
      reason: action.reason,
      comment: action.comment ?? null,
      note: null,
      lines,
      refund_amount: lines.reduce((a, l) => a + l.amount, 0),
      currency: state.currency,
      method: null,
      instructions: null,
      label: null,
      refund_id: null,
      requested_by: action.actor,
      version: ctx.seq,
      created_at: ctx.now,
      updated_at: ctx.now,
      history: [{ status: 'requested', at: ctx.now, actor: action.actor, note: action.comment ?? null }],
    }
    return { ok: true, ret, changed: true, reason: 'return requested' }
  }

  if (!existing) return fail('not_found', 'Return not found')
  const move = (to: ReturnStatus): Failure | null =>
    RETURN_TRANSITIONS[existing.status].includes(to) ? null : fail('invalid_transition', `A ${existing.status} return cannot become ${to}`)

  switch (action.kind) {
    case 'cancel': {
      if (existing.status === 'cancelled') return { ok: true, ret: existing, changed: false, reason: 'return cancelled' }
      const bad = move('cancelled')
      if (bad) return bad
      return { ok: true, ret: entry(existing, 'cancelled'), changed: true, reason: 'return cancelled by the customer' }
    }
    case 'approve': {
      if (existing.status === 'approved') return { ok: true, ret: existing, changed: false, reason: 'return approved' }
      const bad = move('approved')
      if (bad) return bad
      const label = action.label ?? null
      const ret = entry(
        { ...existing, method: label ? 'label' : 'instructions', label, instructions: action.instructions, note: action.note ?? null },
        'approved',
        action.note ?? null,
      )
      return { ok: true, ret, changed: true, reason: 'return approved' }
    }
    case 'refuse': {
      if (existing.status === 'refused') return { ok: true, ret: existing, changed: false, reason: 'return refused' }
      const bad = move('refused')
      if (bad) return bad
      return { ok: true, ret: entry({ ...existing, note: action.note }, 'refused', action.note), changed: true, reason: 'return refused' }
    }
    case 'receive': {
      if (existing.status === 'received' || existing.status === 'refunded')
        return { ok: true, ret: existing, changed: false, reason: 'return received' }
      const bad = move('received')
      if (bad) return bad
      const unknown = Object.keys(action.restock).filter((id) => !existing.lines.some((l) => l.line_id === id))
      if (unknown.length)
        return fail(
          'validation_error',
          'restock names lines that are not in this return',
          unknown.map((id) => ({ path: `restock.${id}`, message: 'Not in this return' })),
        )
      const lines = existing.lines.map((l) => ({ ...l, restock: action.restock[l.line_id] ?? false }))
      return {
        ok: true,
        ret: entry({ ...existing, lines, note: action.note ?? existing.note }, 'received', action.note ?? null),
        changed: true,
        reason: 'return received',
      }
    }
    case 'refunded': {
      if (existing.status === 'refunded') return { ok: true, ret: existing, changed: false, reason: 'return refunded' }
      const bad = move('refunded')
      if (bad) return bad
      return { ok: true, ret: entry({ ...existing, refund_id: action.refund_id }, 'refunded'), changed: true, reason: 'return refunded' }
    }
  }
}
