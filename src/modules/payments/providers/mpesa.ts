/**
 * M-Pesa through Safaricom Daraja, M-Pesa Express (STK push): the shopper's phone shows a prompt
 * to pay our Paybill/Till the order total; they enter their PIN.
 *   token:    GET /oauth/v1/generate?grant_type=client_credentials (Basic consumer key:secret);
 *   initiate: POST /mpesa/stkpush/v1/processrequest (Password = base64(shortcode + passkey +
 *             timestamp), Amount in whole shillings, CallBackURL) → CheckoutRequestID, our ref;
 *   retrieve: POST /mpesa/stkpushquery/v1/query → ResultCode (0 paid, 1032 cancelled, 1037 timed
 *             out, …); "The transaction is being processed" (500.001.1001) means still pending;
 *   refund:   POST /mpesa/reversal/v1/request (TransactionReversal of the M-Pesa receipt), whose
 *             result arrives later at our ResultURL (src/workflows/payment-webhooks/mpesa.ts).
 * The result callback is not signed, so the CallBackURL carries a per-order secret
 * (`<order id>.<HMAC of the order id keyed by MPESA_CALLBACK_SECRET>`), and a callback is only ever
 * applied after the STK push query confirms it.
 *
 * Limits of Daraja, handled here: no idempotency key (two racing initiations would push twice; only
 * the recorded CheckoutRequestID can pay the order, a second paid push is alerted as unknown), no
 * cancellation of a pending push (it times out on the phone), reversals are for the whole
 * transaction (partial refunds are refused), KES in whole shillings (a total with cents is refused).
 *
 * Docs used:
 *   https://developer.safaricom.co.ke/APIs/Authorization
 *   https://developer.safaricom.co.ke/APIs/MpesaExpressSimulate (STK push, callback shape)
 *   https://developer.safaricom.co.ke/APIs/MpesaExpressQuery
 *   https://developer.safaricom.co.ke/APIs/Reversal
 */
import { and, eq } from 'drizzle-orm'
import { getDb } from '../../../lib/db'
import { AppError } from '../../../lib/errors'
import { paymentEvents, payments } from '../tables'
import { fetchJson, hmacHex, joinUrl } from './http'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment, type ProviderRefund } from './types'
import { config } from '../../../lib/config'

const base = (env: ProviderEnv) => config(env).MPESA_API_BASE
const tokens = new Map<string, { token: string; expiresAt: number }>()

async function token(env: ProviderEnv, fresh = false): Promise<string> {
  if (!env.MPESA_CONSUMER_KEY || !env.MPESA_CONSUMER_SECRET) throw new ProviderError('M-Pesa is not configured', false, 'not_configured')
  const key = `${base(env)}\n${env.MPESA_CONSUMER_KEY}`
  const cached = tokens.get(key)
  if (cached && !fresh && cached.expiresAt > Date.now()) return cached.token
  const res = await fetchJson<{ access_token?: string; expires_in?: string }>(
    'M-Pesa',
    `${base(env)}/oauth/v1/generate?grant_type=client_credentials`,
    {
      headers: { Authorization: `Basic ${btoa(`${env.MPESA_CONSUMER_KEY}:${env.MPESA_CONSUMER_SECRET}`)}` },
    },
  )
  if (res.status !== 200 || !res.body.access_token) throw new ProviderError(`M-Pesa: token refused (${res.status})`, false, 'auth')
  tokens.set(key, { token: res.body.access_token, expiresAt: Date.now() + Math.max(0, Number(res.body.expires_in ?? 3599) - 60) * 1000 })
  return res.body.access_token
}

async function call<T>(env: ProviderEnv, path: string, body: unknown) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetchJson<T & { errorCode?: string; errorMessage?: string }>('M-Pesa', `${base(env)}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token(env, attempt > 0)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      pass5xx: true,
    })
    if (res.status === 401 && attempt === 0) continue
    return res
  }
}

/** YYYYMMDDHHmmss in East Africa Time (UTC+3), as Daraja expects. */
export function darajaTimestamp(now = Date.now()): string {
  return new Date(now + 3 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14)
}

const password = (env: ProviderEnv, timestamp: string) => btoa(`${env.MPESA_SHORTCODE ?? ''}${env.MPESA_PASSKEY ?? ''}${timestamp}`)

/** The per-order secret path segment of the callback URL. */
export async function mpesaCallbackToken(env: ProviderEnv, orderId: string): Promise<string> {
  if (!env.MPESA_CALLBACK_SECRET) throw new ProviderError('MPESA_CALLBACK_SECRET is not configured', false, 'not_configured')
  return `${orderId}.${(await hmacHex('SHA-256', env.MPESA_CALLBACK_SECRET, `mpesa-callback:${orderId}`)).slice(0, 40)}`
}

const callbackUrl = async (env: ProviderEnv, orderId: string, kind = '') =>
  joinUrl(config(env).PAYMENT_WEBHOOKS_BASE_URL, `/webhooks/mpesa/${await mpesaCallbackToken(env, orderId)}${kind}`)

const RESULT_TEXT: Record<string, string> = {
  '1': 'insufficient balance',
  '1032': 'cancelled by the payer',
  '1037': 'the phone did not answer',
  '2001': 'wrong PIN',
  '1019': 'expired',
}

function pending(ref: string, amount: number, currency: string, orderId: string | null): ProviderPayment {
  return {
    ref,
    status: 'pending',
    amount,
    amount_received: 0,
    currency,
    order_id: orderId,
    failure_reason: null,
    client: { checkout_request_id: ref },
  }
}

export const mpesaProvider: PaymentProvider = {
  name: 'mpesa',
  confirmedBy: 'webhook',
  currencies: ['KES'],

  enabled: (env) =>
    Boolean(env.MPESA_CONSUMER_KEY && env.MPESA_CONSUMER_SECRET && env.MPESA_PASSKEY && env.MPESA_SHORTCODE && env.MPESA_CALLBACK_SECRET),

  async initiate(env, order) {
    if (!order.phone || !/^\+254[17]\d{8}$/.test(order.phone)) {
      throw new AppError('validation_error', 'M-Pesa needs the Kenyan phone number that receives the payment prompt', [
        { path: 'phone', message: 'e.g. +254712345678' },
      ])
    }
    if (order.currency !== 'KES' || order.amount % 100 !== 0) {
      throw new AppError('validation_error', 'M-Pesa charges whole Kenyan shillings; this order total cannot be paid with it')
    }
    const timestamp = darajaTimestamp()
    const phone = order.phone.slice(1)
    const res = await call<{ CheckoutRequestID?: string; MerchantRequestID?: string; ResponseCode?: string; CustomerMessage?: string }>(
      env,
      '/mpesa/stkpush/v1/processrequest',
      {
        BusinessShortCode: env.MPESA_SHORTCODE,
        Password: password(env, timestamp),
        Timestamp: timestamp,
        TransactionType: 'CustomerPayBillOnline',
        Amount: order.amount / 100,
        PartyA: phone,
        PartyB: env.MPESA_SHORTCODE,
        PhoneNumber: phone,
        CallBackURL: await callbackUrl(env, order.id),
        AccountReference: order.id.slice(-12),
        TransactionDesc: 'Order payment',
      },
    )
    if (res.status >= 500) throw new ProviderError(`M-Pesa: ${res.status} ${res.body.errorMessage ?? ''}`, true, res.body.errorCode)
    if (res.status !== 200 || res.body.ResponseCode !== '0' || !res.body.CheckoutRequestID) {
      throw new ProviderError(`M-Pesa: ${res.status} ${res.body.errorMessage ?? res.body.CustomerMessage ?? ''}`, false, res.body.errorCode)
    }
    return {
      ...pending(res.body.CheckoutRequestID, order.amount, order.currency, order.id),
      client: {
        checkout_request_id: res.body.CheckoutRequestID,
        customer_message: res.body.CustomerMessage ?? 'Check your phone to approve the payment',
      },
    }
  },

  async retrieve(env, ref, order) {
    if (!ref) throw new ProviderError('An M-Pesa payment needs its CheckoutRequestID', false)
    const timestamp = darajaTimestamp()
    const res = await call<{ ResultCode?: string | number; ResultDesc?: string }>(env, '/mpesa/stkpushquery/v1/query', {
      BusinessShortCode: env.MPESA_SHORTCODE,
      Password: password(env, timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: ref,
    })
    if (res.body?.errorCode === '500.001.1001') return pending(ref, order.amount, order.currency, order.id)
    if (res.status >= 500) throw new ProviderError(`M-Pesa: ${res.status} ${res.body?.errorMessage ?? ''}`, true, res.body?.errorCode)
    if (res.status !== 200 || res.body.ResultCode === undefined)
      throw new ProviderError(`M-Pesa: ${res.status} ${res.body?.errorMessage ?? ''}`, false, res.body?.errorCode)
    const code = String(res.body.ResultCode)
    if (code === '0') {
      // Daraja charged exactly the Amount we pushed: the order total (the callback's Amount is checked too).
      return { ...pending(ref, order.amount, order.currency, order.id), status: 'succeeded', amount_received: order.amount }
    }
    return {
      ...pending(ref, order.amount, order.currency, order.id),
      status: 'failed',
      failure_reason: `M-Pesa ${code}: ${RESULT_TEXT[code] ?? res.body.ResultDesc ?? 'failed'}`,
    }
  },

  async cancel() {
    // Daraja cannot withdraw a push; it times out on the phone (ResultCode 1037).
  },

  async listRefunds(env, ref) {
    if (!ref) return []
    const db = getDb(env as ProviderEnv & Pick<Env, 'DB'>)
    const [payment] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.provider, 'mpesa'), eq(payments.providerRef, ref)))
      .limit(1)
    if (!payment) return []
    // Daraja has no refund listing: the reversal results it POSTed to us are the record.
    const rows = await db
      .select()
      .from(paymentEvents)
      .where(and(eq(paymentEvents.provider, 'mpesa'), eq(paymentEvents.type, 'reversal_result'), eq(paymentEvents.objectId, ref)))
    return rows.flatMap((row): ProviderRefund[] => {
      const result = (JSON.parse(row.payload) as { Result?: { ResultCode?: number | string; ConversationID?: string } }).Result
      if (!result?.ConversationID) return []
      return [
        {
          ref: result.ConversationID,
          status: String(result.ResultCode) === '0' ? 'succeeded' : 'failed',
          amount: payment.amountReceived,
          currency: payment.currency,
          metadata: {},
        },
      ]
    })
  },

  async refund(env, payment, input) {
    if (!payment.ref) throw new ProviderError('An M-Pesa reversal needs the CheckoutRequestID', false)
    if (!env.MPESA_INITIATOR_NAME || !env.MPESA_SECURITY_CREDENTIAL)
      throw new ProviderError('M-Pesa reversals are not configured', false, 'not_configured')
    const db = getDb(env as ProviderEnv & Pick<Env, 'DB'>)
    const [row] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.provider, 'mpesa'), eq(payments.providerRef, payment.ref)))
      .limit(1)
    if (!row) throw new ProviderError('M-Pesa: payment not found', false)
    if (input.amount !== row.amountReceived)
      throw new ProviderError('M-Pesa reverses whole transactions only: refund the full amount', false, 'partial_reversal')
    const receipt = await receiptOf(env as ProviderEnv & Pick<Env, 'DB'>, payment.ref)
    if (!receipt) throw new ProviderError('M-Pesa: no receipt number recorded for this payment yet', true, 'no_receipt')
    const res = await call<{
      ConversationID?: string
      OriginatorConversationID?: string
      ResponseCode?: string
      ResponseDescription?: string
    }>(env, '/mpesa/reversal/v1/request', {
      Initiator: env.MPESA_INITIATOR_NAME,
      SecurityCredential: env.MPESA_SECURITY_CREDENTIAL,
      CommandID: 'TransactionReversal',
      TransactionID: receipt,
      Amount: input.amount / 100,
      ReceiverParty: env.MPESA_SHORTCODE,
      RecieverIdentifierType: '11',
      ResultURL: await callbackUrl(env, row.orderId, '/reversal'),
      QueueTimeOutURL: await callbackUrl(env, row.orderId, '/reversal'),
      Remarks: (input.reason ?? 'Refund').slice(0, 100),
      Occasion: input.metadata.refund_id ?? '',
    })
    if (res.status >= 500) throw new ProviderError(`M-Pesa: ${res.status} ${res.body.errorMessage ?? ''}`, true, res.body.errorCode)
    if (res.status !== 200 || res.body.ResponseCode !== '0' || !res.body.ConversationID) {
      throw new ProviderError(
        `M-Pesa: ${res.status} ${res.body.errorMessage ?? res.body.ResponseDescription ?? ''}`,
        false,
        res.body.errorCode,
      )
    }
    return { ref: res.body.ConversationID, status: 'pending', amount: input.amount, currency: payment.currency, metadata: input.metadata }
  },
}

/** The MpesaReceiptNumber from the (query-confirmed) result callback we stored. */
async function receiptOf(env: Pick<Env, 'DB'>, checkoutRequestId: string): Promise<string | null> {
  const rows = await getDb(env)
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, 'mpesa'), eq(paymentEvents.type, 'stk_callback'), eq(paymentEvents.objectId, checkoutRequestId)))
  for (const row of rows) {
    const items = (
      JSON.parse(row.payload) as { Body?: { stkCallback?: { CallbackMetadata?: { Item?: { Name: string; Value?: unknown }[] } } } }
    ).Body?.stkCallback?.CallbackMetadata?.Item
    const receipt = items?.find((i) => i.Name === 'MpesaReceiptNumber')?.Value
    if (typeof receipt === 'string' && receipt) return receipt
  }
  return null
}
