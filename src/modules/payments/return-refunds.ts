/**
 * Refunds that belong to a return (RMA). The payments module owns the refund rows and their
 * idempotency keys: a return's refund is keyed `return:<id>` (`return:<id>:<n>` for a later attempt;
 * src/modules/returns/refunds.ts derives them). When the provider confirms such a refund later (a
 * webhook, reconciliation), the return is completed through the OrderDO, which holds the return, by
 * completeReturnRefunds in src/workflows/refunds.ts; payments imports neither orders nor returns.
 */

export const RETURN_REFUND_PREFIX = 'return:'

/** The return a refund's idempotency key belongs to, or null for other refunds. */
export function returnIdOfRefundKey(key: string): string | null {
  if (!key.startsWith(RETURN_REFUND_PREFIX)) return null
  return key.slice(RETURN_REFUND_PREFIX.length).split(':')[0] || null
}
