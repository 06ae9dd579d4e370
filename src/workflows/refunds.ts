/**
 * Refunds across payments and orders. A staff refund of an order: payments, orders and inventory in
 * one flow. Money first, order second (src/modules/payments/refunds.ts has the payments' steps): the
 * refund is reserved in D1, the provider is asked with the refund row's id as its idempotency key, a
 * succeeded refund puts the items back in stock when asked (once per payment) and is copied onto the
 * order through the OrderDO (syncOrderRefunds). Refunds the provider reports (webhook, poll) follow
 * the same last step (syncRefundsFromProvider), and complete a return whose refund it confirmed late.
 * The returns workflow (./returns.ts) refunds a received return through the same path.
 */
import { and, eq, like, sql } from 'drizzle-orm'
import type { AuthUser } from '../lib/context'
import { isCheckViolation, isUniqueViolation, runBatch } from '../lib/d1'
import { getDb, type DB } from '../lib/db'
import { AppError } from '../lib/errors'
import { newId } from '../lib/ids'
import { log } from '../lib/observability'
import { nowIso } from '../lib/time'
import { releaseStockStatements } from '../modules/inventory/service'
import type { ReturnActionResult } from '../modules/orders/model'
import { getOrder, orderState, orderStub, recordOrderRefunds } from '../modules/orders/service'
import { REFUNDABLE, type Actor } from '../modules/orders/state-machine'
import { getProvider } from '../modules/payments/providers'
import { ProviderError, type ProviderRefund } from '../modules/payments/providers/types'
import {
  copyProviderRefunds,
  recordProviderRefund,
  refundView,
  releaseRefund,
  reserveRefund,
  succeededRefundTotal,
  type RefundInput,
} from '../modules/payments/refunds'
import { RETURN_REFUND_PREFIX, returnIdOfRefundKey } from '../modules/payments/return-refunds'
import { findPaymentForOrder, getPayment, type PaymentRow, type PaymentsEnv, type RefundRow } from '../modules/payments/store'
import { payments, refunds } from '../modules/payments/tables'

/** The refund an earlier request with this idempotency key reserved for the order, if any. */
async function refundByKey(db: DB, orderId: string, idempotencyKey: string): Promise<RefundRow | undefined> {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.idempotencyKey, idempotencyKey)))
    .limit(1)
  return row
}

/** Staff refund of an order, full (no amount) or partial. Idempotent on `idempotencyKey`. */
export async function refundOrder(env: PaymentsEnv, staff: AuthUser, orderId: string, input: RefundInput, idempotencyKey?: string) {
  const db = getDb(env)
  const order = await getOrder(env, orderId)
  const key = idempotencyKey ?? newId('rfk')
  if (idempotencyKey) {
    const existing = await refundByKey(db, orderId, idempotencyKey)
    if (existing) return finishRefund(env, existing, staff)
  }
  // The OrderDO's status, not D1's copy (which may lag behind it).
  const live = await orderState(env, orderId)
  const status = live?.status ?? order.status
  if (!REFUNDABLE.includes(status)) {
    throw new AppError('invalid_transition', `A ${status} order cannot be refunded`)
  }
  const payment = await findPaymentForOrder(env, orderId)
  if (!payment || payment.status !== 'succeeded') throw new AppError('conflict', 'This order has no captured payment to refund')
  const remaining = payment.amountReceived - payment.amountRefunded
  const amount = input.amount ?? remaining
  if (amount <= 0) throw new AppError('conflict', 'Nothing left to refund on this order')
  if (amount > remaining) {
    throw new AppError('conflict', `Refund of ${amount} exceeds the refundable ${remaining} ${payment.currency}`, [
      { path: 'amount', message: `at most ${remaining}`, refundable: remaining },
    ])
  }
  const now = nowIso()
  const row: RefundRow = {
    id: newId('ref'),
    paymentId: payment.id,
    orderId,
    provider: payment.provider,
    providerRef: null,
    amount,
    currency: payment.currency,
    reason: input.reason ?? null,
    status: 'pending',
    restock: input.restock ?? false,
    idempotencyKey: key,
    requestedBy: staff.id,
    failureReason: null,
    createdAt: now,
    updatedAt: now,
  }
  try {
    await reserveRefund(env, row)
  } catch (err) {
    if (isCheckViolation(err, 'payments_refund_within_received')) {
      throw new AppError('conflict', 'Refunds would exceed what was paid for this order')
    }
    if (isUniqueViolation(err, 'refunds') && idempotencyKey) {
      // The same request raced us: answer with its result.
      const existing = await refundByKey(db, orderId, idempotencyKey)
      if (existing) return finishRefund(env, existing, staff)
    }
    throw err
  }
  return finishRefund(env, row, staff)
}

/** Steps 2 and 3 for a reserved refund (also resumes a pending one on a retried request). */
async function finishRefund(env: PaymentsEnv, row: RefundRow, staff: AuthUser) {
  let current = row
  if (current.status === 'pending' && !current.providerRef) {
    const payment = await getPayment(env, current.paymentId)
    let result: ProviderRefund
    try {
      result = await getProvider(current.provider).refund(
        env,
        { ref: payment.providerRef, currency: payment.currency },
        {
          amount: current.amount,
          reason: current.reason ?? undefined,
          idempotencyKey: `ec-refund-${current.id}`,
          metadata: { order_id: current.orderId, refund_id: current.id },
        },
      )
    } catch (err) {
      const pe = err instanceof ProviderError ? err : new ProviderError(String(err), true)
      if (!pe.retryable) {
        await releaseRefund(env, current, pe.message)
        throw new AppError('conflict', `The payment provider refused the refund: ${pe.message}`)
      }
      log('error', 'refund: provider unreachable, left pending', { refund_id: current.id, error: pe.message })
      throw new AppError('upstream_error', 'The payment provider could not be reached; retry with the same Idempotency-Key')
    }
    current = await recordProviderRefund(env, current, result)
  }
  if (current.status === 'succeeded') {
    const payment = await getPayment(env, current.paymentId)
    if (current.restock) await restockOnce(env, payment)
    await syncOrderRefunds(env, payment, { type: 'staff', id: staff.id })
  }
  const order = await getOrder(env, current.orderId)
  return { refund: refundView(current), order: { id: order.id, status: order.status, refunded: order.refunded } }
}

/** Put the order's items back in stock, at most once per payment (guarded by payments.restocked_at). */
async function restockOnce(env: PaymentsEnv, payment: PaymentRow) {
  if (payment.restockedAt) return
  const order = await getOrder(env, payment.orderId)
  const lines = order.lines.map((l) => ({ variant_id: l.variant_id, product_id: l.product_id, quantity: l.quantity }))
  if (!lines.length) return
  const db = getDb(env)
  const guard = sql`EXISTS (SELECT 1 FROM ${payments} WHERE ${payments.id} = ${payment.id} AND ${payments.restockedAt} IS NULL)`
  await runBatch(db, [
    ...releaseStockStatements(db, lines, guard),
    db
      .update(payments)
      .set({ restockedAt: nowIso() })
      .where(and(eq(payments.id, payment.id), sql`${payments.restockedAt} IS NULL`)),
  ])
}

/**
 * After a provider's webhook or a poll: copy its refunds of the payment into D1
 * (copyProviderRefunds), make the order's refunded amount follow, and complete any return whose
 * refund the provider confirmed only now (pending → succeeded). Safe to run any number of times.
 */
export async function syncRefundsFromProvider(env: PaymentsEnv, payment: PaymentRow, actor: Actor, eventId?: string | null) {
  await copyProviderRefunds(env, payment, eventId)
  await syncOrderRefunds(env, await getPayment(env, payment.id), actor)
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

/**
 * Move every received return of the order whose refund has since succeeded to `refunded`, through
 * the OrderDO (which answers `changed: false` to a repeat, so a redelivered webhook or a race with
 * staff's retry completes it once). Called by syncRefundsFromProvider once the provider's refunds are copied.
 */
export async function completeReturnRefunds(env: Pick<Env, 'DB' | 'ORDER'>, orderId: string, actor: Actor): Promise<number> {
  const rows = await getDb(env)
    .select({ id: refunds.id, key: refunds.idempotencyKey })
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.status, 'succeeded'), like(refunds.idempotencyKey, `${RETURN_REFUND_PREFIX}%`)))
  if (!rows.length) return 0
  const state = await orderState(env, orderId)
  let moved = 0
  for (const row of rows) {
    const returnId = returnIdOfRefundKey(row.key)
    const ret = state?.returns?.find((r) => r.id === returnId)
    if (!returnId || ret?.status !== 'received') continue
    const out = (await orderStub(env, orderId).returnAction(orderId, {
      kind: 'refunded',
      return_id: returnId,
      actor,
      refund_id: row.id,
    })) as ReturnActionResult
    if (out.ok) {
      if (out.changed) moved++
    } else log('warn', 'return refund not applied', { order_id: orderId, return_id: returnId, refund_id: row.id, error: out.code })
  }
  return moved
}
