/**
 * POST /webhooks/mpesa/<token> (STK push result) and /webhooks/mpesa/<token>/reversal (reversal
 * result). Daraja does not sign its callbacks, so:
 *   - the URL carries a per-order secret, `<order id>.<HMAC(order id)>` (providers/mpesa.ts); a
 *     wrong or missing one is a 404 and nothing is stored;
 *   - an STK callback is never believed: the STK push query is asked for the CheckoutRequestID's
 *     result and that is applied (a callback saying "paid" for a push the query does not confirm
 *     pays nothing); the callback's Amount, when present, must still equal the order total;
 *   - the CheckoutRequestID must be the one recorded for the order in the URL.
 * Answers are in Daraja's format, `{ "ResultCode": 0, "ResultDesc": "Accepted" }`.
 *
 * Docs: https://developer.safaricom.co.ke/APIs/MpesaExpressSimulate (callback body),
 *       https://developer.safaricom.co.ke/APIs/Reversal (result body)
 */
import { and, eq } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { log } from '../../lib/observability'
import { getOrder } from '../../modules/orders/service'
import { applyProviderState } from '../payment-outcomes'
import { timingSafeEqual } from '../../modules/payments/providers/http'
import { mpesaCallbackToken, mpesaProvider } from '../../modules/payments/providers/mpesa'
import { findPaymentByRef, raiseAlert, type PaymentsEnv } from '../../modules/payments/store'
import { payments, refunds } from '../../modules/payments/tables'
import { applyRefunds, parseJson, payableOf, processEvent, readBody, refuse, type EventResult } from './events'

interface StkCallback {
  Body?: {
    stkCallback?: {
      MerchantRequestID?: string
      CheckoutRequestID?: string
      ResultCode?: number | string
      ResultDesc?: string
      CallbackMetadata?: { Item?: { Name: string; Value?: unknown }[] }
    }
  }
}
interface ReversalResult {
  Result?: { ResultType?: number; ResultCode?: number | string; ResultDesc?: string; ConversationID?: string; TransactionID?: string }
}

const daraja = (result: EventResult) => {
  const status = result.kind === 'applied' || result.kind === 'duplicate' ? 200 : result.kind === 'busy' ? 409 : 500
  const body =
    status === 200
      ? { ResultCode: 0, ResultDesc: 'Accepted', ...(result.kind === 'applied' ? { outcome: result.outcome } : { duplicate: true }) }
      : { ResultCode: 1, ResultDesc: 'Retry later' }
  return Response.json(body, { status })
}

/** The order id of a genuine token, or null. */
async function orderOfToken(env: PaymentsEnv, token: string): Promise<string | null> {
  const orderId = token.split('.')[0]
  if (!orderId || !env.MPESA_CALLBACK_SECRET) return null
  return timingSafeEqual(await mpesaCallbackToken(env, orderId), token) ? orderId : null
}

export async function handleMpesaCallback(env: PaymentsEnv, request: Request, token: string, kind: 'stk' | 'reversal'): Promise<Response> {
  const orderId = await orderOfToken(env, token)
  if (!orderId) {
    log('warn', 'mpesa callback: unknown token')
    return refuse(404, 'not_found', 'No such route')
  }
  const body = await readBody(request)
  if (!body) return refuse(400, 'invalid_payload', 'Not an M-Pesa callback')
  return kind === 'stk' ? stkResult(env, orderId, body) : reversalResult(env, orderId, body)
}

async function stkResult(env: PaymentsEnv, orderId: string, body: string) {
  const cb = parseJson<StkCallback>(body)?.Body?.stkCallback
  const checkoutId = cb?.CheckoutRequestID
  if (!cb || !checkoutId || cb.ResultCode === undefined) return refuse(400, 'invalid_payload', 'Not an STK push callback')
  const id = `stk:${checkoutId}:${cb.ResultCode}`
  const actor = { type: 'provider' as const, id: 'mpesa' }
  const result = await processEvent(
    env,
    { provider: 'mpesa', id, type: 'stk_callback', objectId: checkoutId, orderId, payload: body },
    async () => {
      const payment = await findPaymentByRef(env, 'mpesa', checkoutId)
      if (!payment || payment.orderId !== orderId) {
        await raiseAlert(env, 'unknown_order', {
          orderId,
          eventId: `mpesa:${id}`,
          details: {
            reason: 'STK callback for a push not recorded for this order',
            checkout_request_id: checkoutId,
            result_code: cb.ResultCode,
          },
        })
        return 'unknown_order'
      }
      const order = await getOrder(env, orderId)
      const truth = await mpesaProvider.retrieve(env, checkoutId, payableOf(order))
      if (truth.status === 'succeeded') {
        const amount = Number(cb.CallbackMetadata?.Item?.find((i) => i.Name === 'Amount')?.Value)
        if (Number.isFinite(amount) && amount > 0) truth.amount_received = Math.round(amount * 100)
      }
      return applyProviderState(env, payment, truth, { actor, eventId: `mpesa:${id}` })
    },
  )
  return daraja(result)
}

async function reversalResult(env: PaymentsEnv, orderId: string, body: string) {
  const r = parseJson<ReversalResult>(body)?.Result
  if (!r?.ConversationID) return refuse(400, 'invalid_payload', 'Not a reversal result')
  const [refund] = await getDb(env)
    .select()
    .from(refunds)
    .where(and(eq(refunds.provider, 'mpesa'), eq(refunds.providerRef, r.ConversationID)))
    .limit(1)
  // Not recorded yet (the result raced our own write of the reversal): Daraja will retry.
  if (!refund || refund.orderId !== orderId)
    return Response.json({ ResultCode: 1, ResultDesc: 'Unknown reversal; retry later' }, { status: 500 })
  const payment = await findPaymentByRef(env, 'mpesa', (await paymentRef(env, refund.paymentId)) ?? '')
  if (!payment) return Response.json({ ResultCode: 1, ResultDesc: 'Unknown payment' }, { status: 500 })
  const id = `reversal:${r.ConversationID}:${r.ResultCode}`
  const result = await processEvent(
    env,
    { provider: 'mpesa', id, type: 'reversal_result', objectId: payment.providerRef, orderId, payload: body },
    () => applyRefunds(env, payment, { type: 'provider', id: 'mpesa' }, `mpesa:${id}`),
  )
  return daraja(result)
}

async function paymentRef(env: PaymentsEnv, paymentId: string) {
  const [row] = await getDb(env).select({ ref: payments.providerRef }).from(payments).where(eq(payments.id, paymentId)).limit(1)
  return row?.ref ?? null
}
