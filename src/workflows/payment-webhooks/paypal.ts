/**
 * POST /webhooks/paypal. PayPal signs each delivery with its private key (PAYPAL-TRANSMISSION-SIG
 * over "transmission_id|transmission_time|webhook_id|crc32(body)", certificate at PAYPAL-CERT-URL).
 * We verify it the way PayPal documents for servers that do not check certificates themselves:
 * POST /v1/notifications/verify-webhook-signature with the five headers, our PAYPAL_WEBHOOK_ID and the
 * event, and act only on verification_status SUCCESS. Deliveries older than 5 minutes are refused
 * before that (PayPal's retries are fresh transmissions, so a genuine retry is never refused).
 *
 * Docs: https://developer.paypal.com/api/rest/webhooks/rest/ (headers, retries),
 *       https://developer.paypal.com/api/webhooks/v1/#verify-webhook-signature_post,
 *       https://developer.paypal.com/api/rest/webhooks/event-names/ (CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.*)
 */
import { log } from '../../lib/observability'
import type { PaymentsEnv } from '../../modules/payments/store'
import { paypalCall, paypalOrderOfCapture } from '../../modules/payments/providers/paypal'
import { applyFromProvider, applyRefunds, eventResponse, parseJson, paymentOfRef, processEvent, readBody, refuse } from './events'

export type PaypalWebhookEnv = PaymentsEnv

const TOLERANCE_MS = 5 * 60_000

interface PaypalEvent {
  id?: string
  event_type?: string
  resource_type?: string
  resource?: {
    id?: string
    custom_id?: string
    supplementary_data?: { related_ids?: { order_id?: string } }
    links?: { href: string; rel: string }[]
  }
}

const HEADERS = [
  'paypal-transmission-id',
  'paypal-transmission-time',
  'paypal-transmission-sig',
  'paypal-cert-url',
  'paypal-auth-algo',
] as const

/** Ask PayPal whether this delivery is genuine. */
export async function verifyPaypalWebhook(env: PaymentsEnv, headers: Headers, event: unknown): Promise<boolean> {
  const [id, time, sig, certUrl, algo] = HEADERS.map((h) => headers.get(h))
  if (!id || !time || !sig || !certUrl || !algo || !env.PAYPAL_WEBHOOK_ID) return false
  const sent = Date.parse(time)
  if (!Number.isFinite(sent) || Math.abs(Date.now() - sent) > TOLERANCE_MS) return false
  const res = await paypalCall<{ verification_status?: string }>(env, 'POST', '/v1/notifications/verify-webhook-signature', {
    auth_algo: algo,
    cert_url: certUrl,
    transmission_id: id,
    transmission_sig: sig,
    transmission_time: time,
    webhook_id: env.PAYPAL_WEBHOOK_ID,
    webhook_event: event,
  })
  return res.status === 200 && res.body.verification_status === 'SUCCESS'
}

const ORDER_EVENTS = ['CHECKOUT.ORDER.APPROVED', 'CHECKOUT.ORDER.COMPLETED', 'CHECKOUT.ORDER.VOIDED']
const CAPTURE_EVENTS = ['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.DECLINED', 'PAYMENT.CAPTURE.PENDING']
const REFUND_EVENTS = [
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.CAPTURE.REVERSED',
  'PAYMENT.REFUND.COMPLETED',
  'PAYMENT.REFUND.FAILED',
  'PAYMENT.REFUND.PENDING',
]

export async function handlePaypalWebhook(env: PaypalWebhookEnv, request: Request): Promise<Response> {
  const body = await readBody(request)
  const event = body ? parseJson<PaypalEvent>(body) : null
  if (!body || !event?.id || !event.event_type) return refuse(400, 'invalid_payload', 'Not a PayPal webhook event')
  let genuine = false
  try {
    genuine = await verifyPaypalWebhook(env, request.headers, event)
  } catch (err) {
    // PayPal unreachable: we cannot tell, so PayPal must retry later.
    log('error', 'paypal webhook: verification call failed', { event_id: event.id, error: String(err) })
    return refuse(400, 'unverified', 'Could not verify the webhook signature; retry later')
  }
  if (!genuine) {
    log('warn', 'paypal webhook: signature rejected', { event_id: event.id, type: event.event_type })
    return refuse(400, 'invalid_signature', 'PayPal could not verify this webhook signature')
  }
  const type = event.event_type
  const resource = event.resource ?? {}
  const actor = { type: 'provider' as const, id: 'paypal' }
  const eventId = `paypal:${event.id}`
  const result = await processEvent(
    env,
    { provider: 'paypal', id: event.id, type, objectId: resource.id ?? null, orderId: resource.custom_id ?? null, payload: body },
    async () => {
      let paypalOrderId: string | null = null
      if (ORDER_EVENTS.includes(type)) paypalOrderId = resource.id ?? null
      else if (CAPTURE_EVENTS.includes(type)) paypalOrderId = resource.supplementary_data?.related_ids?.order_id ?? null
      else if (REFUND_EVENTS.includes(type)) {
        const up = resource.links?.find((l) => l.rel === 'up')?.href
        // The resource is the refund; its `up` link is the capture it refunds.
        const captureId = up?.split('/captures/')[1]?.split(/[/?]/)[0] ?? (event.resource_type === 'capture' ? resource.id : undefined)
        paypalOrderId = captureId ? await paypalOrderOfCapture(env, captureId) : null
      } else return 'ignored_type'
      if (!paypalOrderId) return 'ignored_type'
      const payment = await paymentOfRef(env, 'paypal', paypalOrderId, eventId, { event_type: type })
      if (!payment) return 'unknown_order'
      if (REFUND_EVENTS.includes(type)) return applyRefunds(env, payment, actor, eventId)
      return applyFromProvider(env, payment, actor, eventId)
    },
  )
  return eventResponse(result)
}
