/**
 * The seam every payment provider plugs into. A provider turns an order into "what the client
 * needs to pay" (a Stripe client_secret, bank-transfer instructions, a Kaspi deep link…), can say
 * what really happened to a payment, and can refund. Adding a provider is one file implementing
 * this plus one line in ./index.ts.
 */

/** The bindings providers may read; each uses only its own. */
export type ProviderEnv = Pick<Env, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'> &
  Partial<
    Pick<
      Env,
      | 'APP_BASE_URL'
      | 'JWT_SECRET'
      | 'PAYMENT_WEBHOOKS_BASE_URL'
      | 'PAYPAL_API_BASE'
      | 'PAYPAL_CLIENT_ID'
      | 'PAYPAL_CLIENT_SECRET'
      | 'PAYPAL_WEBHOOK_ID'
      | 'PAYSTACK_API_BASE'
      | 'PAYSTACK_SECRET_KEY'
      | 'CHAPA_API_BASE'
      | 'CHAPA_SECRET_KEY'
      | 'CHAPA_WEBHOOK_SECRET'
      | 'MPESA_API_BASE'
      | 'MPESA_SHORTCODE'
      | 'MPESA_CONSUMER_KEY'
      | 'MPESA_CONSUMER_SECRET'
      | 'MPESA_PASSKEY'
      | 'MPESA_CALLBACK_SECRET'
      | 'MPESA_INITIATOR_NAME'
      | 'MPESA_SECURITY_CREDENTIAL'
      | 'KASPI_PAY_API_BASE'
      | 'KASPI_PAY_API_KEY'
      | 'KASPI_PAY_ORGANIZATION_BIN'
      | 'KASPI_PAY_WEBHOOK_SECRET'
    >
  >

/** The order facts a provider needs to charge for it. */
export interface PayableOrder {
  id: string
  user_id: string
  /** Minor units, exactly the order total. */
  amount: number
  /** ISO 4217, upper case. */
  currency: string
  email: string | null
  /** The payer's phone in E.164 (M-Pesa pushes the payment prompt to it). */
  phone?: string | null
}

/** Our provider-neutral view of a payment's state at the provider. */
export type ProviderPaymentStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled'

export interface ProviderPayment {
  /** The provider's id for the payment (Stripe `pi_…`), null when there is none (manual). */
  ref: string | null
  status: ProviderPaymentStatus
  amount: number
  /** What the provider actually captured (0 until it succeeded). */
  amount_received: number
  currency: string
  /** The order id the provider carries in its metadata, to cross-check. */
  order_id: string | null
  failure_reason: string | null
  /** What the client needs to complete the payment, e.g. `{ client_secret }` or instructions. */
  client: Record<string, unknown>
}

export interface ProviderRefund {
  ref: string | null
  status: 'pending' | 'succeeded' | 'failed'
  amount: number
  currency: string
  /** Ours carry metadata.refund_id, which ties a provider refund back to its D1 row. */
  metadata: Record<string, string>
}

export interface PaymentProvider {
  /** Registry key, stored on payments.provider. */
  readonly name: string
  /**
   * Who confirms the money arrived: 'webhook' (the provider tells us, signed), or 'staff' (a human
   * confirms through POST /admin/orders/:id/confirm-payment).
   */
  readonly confirmedBy: 'webhook' | 'staff'
  /** Currencies the provider can charge in (ISO 4217); null when any currency is accepted. */
  readonly currencies?: readonly string[] | null
  /**
   * False when the provider has no refund API: Kaspi Pay's refund() refuses and staff give the money
   * back in its cabinet; manual refunds are only recorded. Shown on GET /payment-methods; default true.
   */
  readonly refundsByApi?: boolean
  /** Whether its credentials are configured; a provider that is not enabled is not offered. */
  enabled?(env: ProviderEnv): boolean
  /**
   * Finish a payment the payer has approved but the provider does not settle by itself (PayPal:
   * capture an APPROVED order). Called only while the order is still unpaid; idempotent.
   */
  complete?(env: ProviderEnv, ref: string, order: PayableOrder): Promise<ProviderPayment>
  /**
   * Start paying `order`. Must be idempotent on `idempotencyKey`: calling twice with the same key
   * returns the same provider object (never a second charge).
   */
  initiate(env: ProviderEnv, order: PayableOrder, idempotencyKey: string): Promise<ProviderPayment>
  /** The payment's true state at the provider (reconciliation, double clicks). */
  retrieve(env: ProviderEnv, ref: string | null, order: PayableOrder): Promise<ProviderPayment>
  /** Stop an unpaid payment so it can no longer be paid (order failed or cancelled). */
  cancel(env: ProviderEnv, ref: string | null, idempotencyKey: string): Promise<void>
  /** Every refund the provider holds for the payment (webhooks and reconciliation copy them to D1). */
  listRefunds(env: ProviderEnv, ref: string | null): Promise<ProviderRefund[]>
  /** Give `amount` back; idempotent on `idempotencyKey`. Throws ProviderError on refusal. */
  refund(
    env: ProviderEnv,
    payment: { ref: string | null; currency: string },
    input: { amount: number; reason?: string; idempotencyKey: string; metadata: Record<string, string> },
  ): Promise<ProviderRefund>
}

/**
 * A provider call that failed. `retryable` distinguishes "the provider said no" (4xx: bad amount,
 * already refunded) from "we could not reach it / it broke" (network, 5xx), where the same call
 * with the same idempotency key may be retried safely.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly providerCode?: string,
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}
