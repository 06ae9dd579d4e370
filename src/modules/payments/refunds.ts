/**
 * Refunds. Money first, order second:
 *   1. reserve: one D1 batch inserts the refund row (pending) and adds its amount to
 *      payments.amount_refunded; the CHECK amount_refunded <= amount_received aborts the batch if
 *      the refund would exceed what was paid, however many refunds race;
 *   2. ask the provider, with the refund row id as its idempotency key (a retry never refunds twice);
 *   3. copy succeeded refunds onto the order (refunded / partially_refunded) through the OrderDO.
 * Refunds made outside the API (Stripe dashboard) arrive by webhook and go through steps 1 and 3.
 * This file has the payments' own steps (1, 2 and copying the provider's refunds into D1); step 3
 * and the flows made of them (a staff refund with its restock, syncing after a webhook) are in
 * src/workflows/refunds.ts, so payments never imports orders.
 */
import { and, eq, sql } from 'drizzle-orm'
import { isCheckViolation } from '../../lib/d1'
import { getDb } from '../../lib/db'
import { newId } from '../../lib/ids'
import { recordEvent } from '../../lib/metrics'
import { nowIso } from '../../lib/time'
import { getProvider } from './providers'
import type { ProviderRefund } from './providers/types'
import { raiseAlert, type PaymentRow, type PaymentsEnv, type RefundRow } from './store'
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
 * inserted and reserved like ours. Safe to run any number of times. The order follows in
 * syncRefundsFromProvider (src/workflows/refunds.ts).
 */
export async function copyProviderRefunds(env: PaymentsEnv, payment: PaymentRow, eventId?: string | null) {
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
}

/** The sum of the payment's succeeded refunds (what the order must show as refunded). */
export async function succeededRefundTotal(env: PaymentsEnv, paymentId: string): Promise<number> {
  const [row] = await getDb(env)
    .select({ total: sql<number>`COALESCE(SUM(${refunds.amount}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')))
  return Number(row?.total ?? 0)
}
