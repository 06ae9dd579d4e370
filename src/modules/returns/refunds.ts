/**
 * A return's refunds. Each attempt is one row of the payments module's `refunds`, keyed by the
 * return: `return:<id>` for the first, `return:<id>:<n>` for the n-th after n-1 failed ones (a
 * failed refund gave its reservation back, so a new attempt is safe; two racing retries derive the
 * same key and the UNIQUE (order, key) index keeps one). A refund that the provider confirms later
 * (Stripe `pending` → `succeeded` by webhook) completes its return through the OrderDO, once
 * (completeReturnRefunds in src/workflows/refunds.ts), so payments never imports returns.
 */
import { asc, inArray, like, or } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { RETURN_REFUND_PREFIX, returnIdOfRefundKey } from '../payments/return-refunds'
import { refunds } from '../payments/tables'

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
