/**
 * A return's refunds. Each attempt is one row of the payments module's `refunds`, keyed by the
 * return: `return:<id>` for the first, `return:<id>:<n>` for the n-th after n-1 failed ones (a
 * failed refund gave its reservation back, so a new attempt is safe; two racing retries derive the
 * same key and the UNIQUE (order, key) index keeps one). A refund that the provider confirms later
 * (Stripe `pending` → `succeeded` by webhook) completes its return here, through the OrderDO, once.
 */
import { and, asc, eq, inArray, like, or } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import type { ReturnActionResult } from '../orders/model'
import { orderState, orderStub } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { refunds } from '../payments/tables'

export const RETURN_REFUND_PREFIX = 'return:'

/** The return a refund's idempotency key belongs to, or null for other refunds. */
export function returnIdOfRefundKey(key: string): string | null {
  if (!key.startsWith(RETURN_REFUND_PREFIX)) return null
  return key.slice(RETURN_REFUND_PREFIX.length).split(':')[0] || null
}

export interface RefundAttempt {
  id: string
  key: string
  status: 'pending' | 'succeeded' | 'failed'
  provider: string
  provider_ref: string | null
  failure_reason: string | null
  updated_at: string
}

/** Every refund attempt of the given returns (oldest first), by return id. */
export async function refundAttempts(env: Pick<Env, 'DB'>, returnIds: string[]): Promise<Map<string, RefundAttempt[]>> {
  const out = new Map<string, RefundAttempt[]>()
  const ids = [...new Set(returnIds)]
  if (!ids.length) return out
  const rows = await getDb(env)
    .select()
    .from(refunds)
    .where(
      or(
        inArray(
          refunds.idempotencyKey,
          ids.map((id) => `${RETURN_REFUND_PREFIX}${id}`),
        ),
        ...ids.map((id) => like(refunds.idempotencyKey, `${RETURN_REFUND_PREFIX}${id}:%`)),
      ),
    )
    .orderBy(asc(refunds.createdAt), asc(refunds.id))
  for (const r of rows) {
    const returnId = returnIdOfRefundKey(r.idempotencyKey)
    if (!returnId) continue
    const list = out.get(returnId) ?? []
    list.push({
      id: r.id,
      key: r.idempotencyKey,
      status: r.status,
      provider: r.provider,
      provider_ref: r.providerRef,
      failure_reason: r.failureReason,
      updated_at: r.updatedAt,
    })
    out.set(returnId, list)
  }
  return out
}

/** The idempotency key of the return's current attempt: a new one only after every earlier one failed. */
export function refundKeyFor(returnId: string, attempts: RefundAttempt[]): string {
  const failed = attempts.filter((a) => a.status === 'failed').length
  return failed ? `${RETURN_REFUND_PREFIX}${returnId}:${failed + 1}` : `${RETURN_REFUND_PREFIX}${returnId}`
}

/** What staff see of a return's refund: its latest attempt (null before any). */
export function latestAttempt(attempts: RefundAttempt[] | undefined) {
  const a = attempts?.at(-1)
  return a ? { id: a.id, status: a.status, provider: a.provider, failure_reason: a.failure_reason, updated_at: a.updated_at } : null
}

/**
 * Move every received return of the order whose refund has since succeeded to `refunded`, through
 * the OrderDO (which answers `changed: false` to a repeat, so a redelivered webhook or a race with
 * staff's retry completes it once). Called after the payments module copied the provider's refunds.
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
