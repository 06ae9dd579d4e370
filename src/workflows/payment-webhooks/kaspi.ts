/**
 * POST /webhooks/kaspi. Kaspi's public material documents no server-to-server callback for its
 * partner QR/link scheme (the partner polls the status). For integrations where Kaspi (or a
 * partner gateway in front of it) notifies us, this route accepts `{ "QrPaymentId": "…" }` signed
 * with `X-Kaspi-Signature: <hex HMAC-SHA256 of the body keyed by KASPI_PAY_WEBHOOK_SECRET>` — our
 * convention, to adapt once Kaspi specifies one — and treats it purely as "poll this payment now":
 * the status API decides, so even a notification format we guessed wrong cannot pay an order.
 */
import { log } from '../../lib/observability'
import type { PaymentsEnv } from '../../modules/payments/store'
import { verifyHmacHex } from '../../modules/payments/providers/http'
import { applyFromProvider, eventResponse, parseJson, paymentOfRef, processEvent, readBody, refuse } from './events'

export async function handleKaspiWebhook(env: PaymentsEnv, request: Request): Promise<Response> {
  const body = await readBody(request)
  if (!body) return refuse(400, 'invalid_payload', 'Not a Kaspi Pay notification')
  if (!(await verifyHmacHex('SHA-256', env.KASPI_PAY_WEBHOOK_SECRET ?? '', body, request.headers.get('x-kaspi-signature')))) {
    log('warn', 'kaspi webhook: signature rejected')
    return refuse(401, 'invalid_signature', 'Missing or invalid X-Kaspi-Signature')
  }
  const note = parseJson<{ QrPaymentId?: string | number; Status?: string }>(body)
  const ref = note?.QrPaymentId === undefined ? null : String(note.QrPaymentId)
  if (!ref) return refuse(400, 'invalid_payload', 'QrPaymentId is required')
  const id = `${ref}:${note?.Status ?? ''}`
  const result = await processEvent(
    env,
    { provider: 'kaspi', id, type: `status.${note?.Status ?? 'unknown'}`, objectId: ref, orderId: null, payload: body },
    async () => {
      const payment = await paymentOfRef(env, 'kaspi', ref, `kaspi:${id}`)
      if (!payment) return 'unknown_order'
      return applyFromProvider(env, payment, { type: 'provider', id: 'kaspi' }, `kaspi:${id}`)
    },
  )
  return eventResponse(result)
}
