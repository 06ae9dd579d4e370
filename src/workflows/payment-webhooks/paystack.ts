/**
 * POST /webhooks/paystack. Paystack signs the raw body: `x-paystack-signature` is the hex
 * HMAC-SHA512 of it keyed by the secret key; anything else is refused with 401 and not stored.
 * Paystack's signature carries no timestamp, so a replayed genuine delivery cannot be told apart
 * by age: it is absorbed by the event store (same `<event>:<transaction id>` → duplicate, no
 * effect) and, being applied through GET /transaction/verify, can only ever apply Paystack's truth.
 *
 * Docs: https://paystack.com/docs/payments/webhooks/ (signature, retries, events charge.success,
 *       refund.processed / refund.failed / refund.pending).
 */
import { log } from '../../lib/observability'
import type { PaymentsEnv } from '../../modules/payments/store'
import { verifyHmacHex } from '../../modules/payments/providers/http'
import { applyFromProvider, applyRefunds, eventResponse, parseJson, paymentOfRef, processEvent, readBody, refuse } from './events'

interface PaystackEvent {
  event?: string
  data?: {
    id?: number | string
    reference?: string
    status?: string
    transaction_reference?: string
    refund_reference?: string
    metadata?: { order_id?: string } | string | null
  }
}

export async function handlePaystackWebhook(env: PaymentsEnv, request: Request): Promise<Response> {
  const body = await readBody(request)
  if (!body) return refuse(400, 'invalid_payload', 'Not a Paystack event')
  const genuine = await verifyHmacHex('SHA-512', env.PAYSTACK_SECRET_KEY ?? '', body, request.headers.get('x-paystack-signature'))
  if (!genuine) {
    log('warn', 'paystack webhook: signature rejected')
    return refuse(401, 'invalid_signature', 'Missing or invalid x-paystack-signature')
  }
  const event = parseJson<PaystackEvent>(body)
  const type = event?.event
  const data = event?.data
  if (!type || !data) return refuse(400, 'invalid_payload', 'Not a Paystack event')
  const isRefund = type.startsWith('refund.')
  const reference = isRefund ? data.transaction_reference : data.reference
  const id = isRefund ? `${type}:${reference}:${data.refund_reference ?? data.id ?? ''}` : `${type}:${data.id ?? ''}:${reference}`
  const actor = { type: 'provider' as const, id: 'paystack' }
  const result = await processEvent(
    env,
    {
      provider: 'paystack',
      id,
      type,
      objectId: reference ?? null,
      orderId: typeof data.metadata === 'object' && data.metadata ? (data.metadata.order_id ?? null) : null,
      payload: body,
    },
    async () => {
      if (!reference || !(type.startsWith('charge.') || isRefund)) return 'ignored_type'
      const payment = await paymentOfRef(env, 'paystack', reference, `paystack:${id}`, { event: type })
      if (!payment) return 'unknown_order'
      return isRefund ? applyRefunds(env, payment, actor, `paystack:${id}`) : applyFromProvider(env, payment, actor, `paystack:${id}`)
    },
  )
  return eventResponse(result)
}
