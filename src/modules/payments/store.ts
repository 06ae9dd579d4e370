/**
 * The payments module's D1 access: payment rows, refund rows and alerts. Plain functions over
 * drizzle; every write that must not double-apply is a conditional UPDATE or a UNIQUE insert.
 */
import { and, eq, sql } from 'drizzle-orm'
import { backoffDelay } from '../../lib/backoff'
import { getDb } from '../../lib/db'
import { newId } from '../../lib/ids'
import { recordEvent } from '../../lib/metrics'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import type { ProviderEnv } from './providers/types'
import { paymentAlerts, paymentEvents, payments, type refunds } from './tables'

export type PaymentRow = typeof payments.$inferSelect
export type RefundRow = typeof refunds.$inferSelect
export type AlertKind = (typeof paymentAlerts.$inferInsert)['kind']

export type DbEnv = Pick<Env, 'DB'>

/** What the payment flows need: D1, the OrderDO namespace and the providers' credentials. */
export type PaymentsEnv = Pick<Env, 'DB' | 'ORDER'> & ProviderEnv

export async function findPaymentByRef(env: DbEnv, provider: string, ref: string): Promise<PaymentRow | undefined> {
  const [row] = await getDb(env)
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.providerRef, ref)))
    .limit(1)
  return row
}

export async function findPaymentForOrder(env: DbEnv, orderId: string, provider?: string): Promise<PaymentRow | undefined> {
  const rows = await getDb(env)
    .select()
    .from(payments)
    .where(provider ? and(eq(payments.orderId, orderId), eq(payments.provider, provider)) : eq(payments.orderId, orderId))
  // One row per provider; if an order ever had two, the one that took money is the one that matters.
  return rows.find((r) => r.status === 'succeeded') ?? rows[0]
}

export async function getPayment(env: DbEnv, id: string): Promise<PaymentRow> {
  const [row] = await getDb(env).select().from(payments).where(eq(payments.id, id)).limit(1)
  if (!row) throw new Error(`payment ${id} vanished`)
  return row
}

/** Insert the payment row for (order, provider) unless it exists; returns the row either way. */
export async function ensurePaymentRow(
  env: DbEnv,
  input: {
    orderId: string
    userId: string | null
    provider: string
    providerRef: string | null
    amount: number
    currency: string
    payUrl?: string | null
  },
): Promise<PaymentRow> {
  const now = nowIso()
  const db = getDb(env)
  // One round trip: the insert (a no-op when a row exists) and the read of whichever row won.
  const [, [row]] = await db.batch([
    db
      .insert(payments)
      .values({ id: newId('pay'), ...input, status: 'pending', createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    db
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, input.orderId), eq(payments.provider, input.provider)))
      .limit(1),
  ])
  if (!row) throw new Error(`payment row for ${input.orderId} missing after insert`)
  if (!row.providerRef && input.providerRef) {
    await db
      .update(payments)
      .set({ providerRef: input.providerRef, updatedAt: now })
      .where(and(eq(payments.id, row.id), sql`${payments.providerRef} IS NULL`))
    row.providerRef = input.providerRef
  }
  return row
}

/** pending/failed → succeeded with the captured amount. Idempotent. */
export async function markPaymentSucceeded(env: DbEnv, paymentId: string, amountReceived: number) {
  const changed = await getDb(env)
    .update(payments)
    .set({ status: 'succeeded', amountReceived, failureReason: null, updatedAt: nowIso() })
    .where(and(eq(payments.id, paymentId), sql`${payments.status} <> 'succeeded'`))
    .returning({ provider: payments.provider, currency: payments.currency })
  // Counted once per payment: only the update that made it succeeded returns the row.
  for (const p of changed) recordEvent(env, { name: 'payment.succeeded', label: p.currency, detail: p.provider, value: amountReceived })
}

/** Only a pending payment can become failed/cancelled/requires_review: a success is never undone. */
export async function markPaymentUnsuccessful(
  env: DbEnv,
  paymentId: string,
  status: 'failed' | 'cancelled' | 'requires_review',
  reason: string | null,
) {
  const changed = await getDb(env)
    .update(payments)
    .set({ status, failureReason: reason, updatedAt: nowIso() })
    .where(and(eq(payments.id, paymentId), eq(payments.status, 'pending')))
    .returning({ provider: payments.provider, amount: payments.amount })
  for (const p of changed) recordEvent(env, { name: 'payment.failed', label: status, detail: p.provider, value: p.amount })
}

/**
 * A human must look at this. Stored in payment_alerts and logged as a structured error, so both
 * the admin list and log-based alerting (Logpush, Sentry breadcrumbs) see it.
 */
export async function raiseAlert(
  env: DbEnv,
  kind: AlertKind,
  fields: { orderId?: string | null; paymentId?: string | null; eventId?: string | null; details: Record<string, unknown> },
) {
  log('error', 'payment alert', {
    alert: kind,
    order_id: fields.orderId,
    payment_id: fields.paymentId,
    event_id: fields.eventId,
    ...fields.details,
  })
  await getDb(env)
    .insert(paymentAlerts)
    .values({
      id: newId('pal'),
      kind,
      orderId: fields.orderId ?? null,
      paymentId: fields.paymentId ?? null,
      eventId: fields.eventId ?? null,
      details: JSON.stringify(fields.details),
      createdAt: nowIso(),
    })
  recordEvent(env, { name: 'alert.raised', label: kind })
}

/**
 * Give the event back after a failed attempt so the provider's redelivery processes it at once
 * instead of meeting the 60 s lease (409). Recording the error is a nicety; releasing the lease is
 * not, so if the combined write fails, the lease alone is released, with a few quick retries.
 */
export async function releaseLease(env: Pick<Env, 'DB'>, eventId: string, error: string): Promise<boolean> {
  const db = getDb(env)
  try {
    await db
      .update(paymentEvents)
      .set({ lockedUntil: null, lastError: error.slice(0, 1000) })
      .where(eq(paymentEvents.id, eventId))
    return true
  } catch (err) {
    log('error', 'webhook: recording the failure failed; releasing the lease alone', { event_id: eventId, error: String(err) })
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await db.update(paymentEvents).set({ lockedUntil: null }).where(eq(paymentEvents.id, eventId))
      return true
    } catch (err) {
      log('error', 'webhook: releasing the processing lease failed', { event_id: eventId, attempt: attempt + 1, error: String(err) })
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 1, { base: 50, max: 200 })))
    }
  }
  return false
}
