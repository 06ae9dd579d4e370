/**
 * Refunds. Money first, order second:
 *   1. reserve: one D1 batch inserts the refund row (pending) and adds its amount to
 *      payments.amount_refunded; the CHECK amount_refunded <= amount_received aborts the batch if
 *      the refund would exceed what was paid, however many refunds race;
 *   2. ask the provider, with the refund row id as its idempotency key (a retry never refunds twice);
 *   3. copy succeeded refunds onto the order (refunded / partially_refunded) under a short lease.
 * Refunds made outside the API (Stripe dashboard) arrive by webhook and go through steps 1 and 3.
 * A staff refund (with its restock) is the flow src/workflows/refunds.ts composes from these steps.
 */
import { and, eq, sql } from 'drizzle-orm'
import { isCheckViolation, isUniqueViolation } from '../../lib/d1'
import { getDb } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { recordEvent } from '../../lib/metrics'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { noteOnOrder, recordOrderRefunds } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import type { ApplyContext, PaymentsEnv } from './outcomes'
import { getProvider } from './providers'
import { ProviderError, type ProviderRefund } from './providers/types'
import { completeReturnRefunds } from './return-refunds'
import { getPayment, raiseAlert, type PaymentRow, type RefundRow } from './store'
import { payments, refunds } from './tables'

export interface RefundInput {
  amount?: number
  reason?: string
  restock?: boolean
}

export function refundView(r: RefundRow) {
  return {
    id: r.id,
    order_id: r.orderId,
    payment_id: r.paymentId,
    provider: r.provider,
    provider_ref: r.providerRef,
    amount: { amount: r.amount, currency: r.currency },
    reason: r.reason,
    status: r.status,
    restock: r.restock,
    failure_reason: r.failureReason,
    created_at: r.createdAt,
  }
}

/**
 * Reserve a pending refund: its row and the payment's refunded amount in one batch, so the
 * CHECK that refunds stay within what was received (and the UNIQUE idempotency key) guard both.
 */
export async function reserveRefund(env: PaymentsEnv, row: typeof refunds.$inferInsert) {
  const db = getDb(env)
  await db.batch([
    db.insert(refunds).values(row),
    db
      .update(payments)
      .set({ amountRefunded: sql`${payments.amountRefunded} + ${row.amount}`, updatedAt: row.updatedAt })
      .where(eq(payments.id, row.paymentId)),
  ])
}

/** Store the provider's answer on our row; a failed refund gives its reserved amount back. */
export async function recordProviderRefund(env: PaymentsEnv, row: RefundRow, result: ProviderRefund): Promise<RefundRow> {
  const db = getDb(env)
  const now = nowIso()
  if (result.status === 'failed') {
    await releaseRefund(env, { ...row, providerRef: result.ref }, 'failed at the provider')
  } else {
    const changed = await db
      .update(refunds)
      .set({ providerRef: result.ref, status: result.status, updatedAt: now })
      .where(and(eq(refunds.id, row.id), eq(refunds.status, 'pending')))
      .returning({ id: refunds.id })
    if (changed.length && result.status === 'succeeded')
      recordEvent(env, { name: 'payment.refunded', label: row.currency, detail: row.provider, value: row.amount })
  }
  const [fresh] = await db.select().from(refunds).where(eq(refunds.id, row.id)).limit(1)
  return fresh!
}

/** pending → failed and the reservation undone, in one batch that only acts if it was still pending. */
export async function releaseRefund(env: PaymentsEnv, row: RefundRow, reason: string) {
  const db = getDb(env)
  const now = nowIso()
  // changes() is the row count of the previous statement in the same batch (one transaction; query
  // builders, since drizzle's D1 batch cannot bind raw statements' parameters):
  // the reservation is undone only by the batch that actually flipped the refund to failed.
  await db.batch([
    db
      .update(refunds)
      .set({ status: 'failed', providerRef: row.providerRef, failureReason: reason, updatedAt: now })
      .where(and(eq(refunds.id, row.id), eq(refunds.status, 'pending'))),
    db
      .update(payments)
      .set({ amountRefunded: sql`${payments.amountRefunded} - ${row.amount}`, updatedAt: now })
      .where(and(eq(payments.id, row.paymentId), sql`changes() = 1`)),
  ])
}

/**
 * Copy the provider's refunds for a payment into D1: ours (matched by provider id or by
 * metadata.refund_id) get their final status, unknown ones (made in the Stripe dashboard) are
 * inserted and reserved like ours. Then the order follows. Safe to run any number of times.
 */
export async function syncRefundsFromProvider(env: PaymentsEnv, payment: PaymentRow, actor: Actor, eventId?: string | null) {
  const db = getDb(env)
  const found = await getProvider(payment.provider).listRefunds(env, payment.providerRef)
  for (const r of found) {
    if (!r.ref) continue
    const [byRef] = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.provider, payment.provider), eq(refunds.providerRef, r.ref)))
      .limit(1)
    const [byMeta] =
      byRef || !r.metadata.refund_id ? [] : await db.select().from(refunds).where(eq(refunds.id, r.metadata.refund_id)).limit(1)
    const ours = byRef ?? byMeta
    if (ours) {
      if (ours.status === 'pending') await recordProviderRefund(env, ours, r)
      continue
    }
    if (r.status === 'failed') continue
    const now = nowIso()
    const id = newId('ref')
    try {
      const [inserted] = await db.batch([
        db
          .insert(refunds)
          .values({
            id,
            paymentId: payment.id,
            orderId: payment.orderId,
            provider: payment.provider,
            providerRef: r.ref,
            amount: r.amount,
            currency: r.currency,
            reason: 'refunded at the provider',
            status: r.status,
            restock: false,
            idempotencyKey: `provider:${r.ref}`,
            requestedBy: null,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: refunds.id }),
        // Only if the insert above happened (changes() = 1): a refund already copied adds nothing.
        db
          .update(payments)
          .set({ amountRefunded: sql`${payments.amountRefunded} + ${r.amount}`, updatedAt: now })
          .where(and(eq(payments.id, payment.id), sql`changes() = 1`)),
      ])
      if (inserted.length && r.status === 'succeeded')
        recordEvent(env, { name: 'payment.refunded', label: r.currency, detail: payment.provider, value: r.amount })
    } catch (err) {
      if (!isCheckViolation(err, 'payments_refund_within_received')) throw err
      await raiseAlert(env, 'refund_mismatch', {
        orderId: payment.orderId,
        paymentId: payment.id,
        eventId,
        details: { reason: 'provider refunds exceed the captured amount', provider_ref: r.ref, amount: r.amount },
      })
    }
  }
  await syncOrderRefunds(env, await getPayment(env, payment.id), actor)
  // A return whose refund the provider confirmed only now (pending → succeeded) becomes refunded.
  await completeReturnRefunds(env, payment.orderId, actor)
}

/**
 * Make the order's refunded amount equal the sum of succeeded refunds. The OrderDO serializes and
 * only ever moves the amount up, so concurrent or repeated calls are harmless. A refund of an
 * order that never got paid (a late payment refunded automatically) leaves the order as it is.
 */
export async function syncOrderRefunds(env: PaymentsEnv, payment: PaymentRow, actor: Actor): Promise<void> {
  const total = await succeededRefundTotal(env, payment.id)
  if (total <= 0) return
  try {
    await recordOrderRefunds(env, payment.orderId, { refunded_total: total, actor, meta: { payment_id: payment.id } })
  } catch (err) {
    if (!(err instanceof AppError && (err.code === 'invalid_transition' || err.code === 'not_found'))) throw err
    log('warn', 'refund not applied to the order in its status', {
      order_id: payment.orderId,
      payment_id: payment.id,
      total,
      error: err.message,
    })
  }
}

async function succeededRefundTotal(env: PaymentsEnv, paymentId: string): Promise<number> {
  const [row] = await getDb(env)
    .select({ total: sql<number>`COALESCE(SUM(${refunds.amount}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')))
  return Number(row?.total ?? 0)
}

/**
 * A payment that succeeded for an order already failed or cancelled (it expired, or was cancelled
 * while the shopper was paying): give the money back through the provider at once and record it,
 * as a refund row and an entry in the order's history. Idempotent per payment (the refund's key is
 * derived from it). Returns false when the provider refused, after raising an alert so a human
 * refunds by hand; throws when the provider could not be reached (the caller's retry resumes).
 */
export async function refundLatePayment(env: PaymentsEnv, payment: PaymentRow, ctx: ApplyContext, orderStatus: string): Promise<boolean> {
  const db = getDb(env)
  const key = `late-payment:${payment.id}`
  const [existing] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, payment.orderId), eq(refunds.idempotencyKey, key)))
    .limit(1)
  if (existing?.status === 'succeeded' || (existing?.status === 'pending' && existing.providerRef)) return true
  // The provider refused it for good and staff were alerted then; a duplicate delivery or a later
  // poll of the same payment must not refund-attempt and alert again.
  if (existing?.status === 'failed') return false
  let row = existing
  if (!row) {
    const fresh = await getPayment(env, payment.id)
    const amount = fresh.amountReceived - fresh.amountRefunded
    if (amount <= 0) return true // refunded already (e.g. by hand at the provider)
    const now = nowIso()
    row = {
      id: newId('ref'),
      paymentId: payment.id,
      orderId: payment.orderId,
      provider: payment.provider,
      providerRef: null,
      amount,
      currency: payment.currency,
      reason: `late payment: the order was ${orderStatus}`,
      status: 'pending',
      restock: false,
      idempotencyKey: key,
      requestedBy: null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    }
    try {
      await reserveRefund(env, row)
    } catch (err) {
      if (!isUniqueViolation(err, 'refunds')) throw err
      return refundLatePayment(env, payment, ctx, orderStatus) // a concurrent delivery reserved it
    }
  }
  let result: ProviderRefund
  try {
    result = await getProvider(row.provider).refund(
      env,
      { ref: payment.providerRef, currency: payment.currency },
      {
        amount: row.amount,
        reason: 'duplicate',
        idempotencyKey: `ec-refund-${row.id}`,
        metadata: { order_id: row.orderId, refund_id: row.id },
      },
    )
  } catch (err) {
    const pe = err instanceof ProviderError ? err : new ProviderError(String(err), true)
    if (pe.retryable) throw pe
    await releaseRefund(env, row, pe.message)
    // A provider with no refund API (Kaspi Pay) says so with `unsupported`: only a person can
    // give the money back, in the provider's own cabinet.
    const manual = pe.providerCode === 'unsupported'
    await raiseAlert(env, 'paid_after_terminal', {
      orderId: payment.orderId,
      paymentId: payment.id,
      eventId: ctx.eventId,
      details: {
        order_status: orderStatus,
        amount: row.amount,
        currency: row.currency,
        provider: payment.provider,
        provider_ref: payment.providerRef,
        refund_error: pe.message,
        manual_refund_needed: manual,
        action: manual
          ? `manual refund needed: ${payment.provider} cannot refund through its API; refund the customer in the ${payment.provider} merchant cabinet and record it`
          : 'refund the customer',
      },
    })
    return false
  }
  const recorded = await recordProviderRefund(env, row, result)
  if (recorded.status === 'failed') {
    await raiseAlert(env, 'paid_after_terminal', {
      orderId: payment.orderId,
      paymentId: payment.id,
      eventId: ctx.eventId,
      details: { order_status: orderStatus, amount: row.amount, currency: row.currency, refund_id: row.id, action: 'refund the customer' },
    })
    return false
  }
  await noteOnOrder(env, payment.orderId, {
    actor: ctx.actor,
    reason: 'late payment refunded automatically',
    meta: {
      payment_id: payment.id,
      refund_id: row.id,
      refund_amount: row.amount,
      provider_ref: payment.providerRef,
      refund_status: recorded.status,
    },
  })
  log('warn', 'late payment refunded automatically', {
    order_id: payment.orderId,
    payment_id: payment.id,
    refund_id: row.id,
    amount: row.amount,
  })
  return true
}
