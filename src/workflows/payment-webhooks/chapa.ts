/**
 * POST /webhooks/chapa. Chapa sends two headers: `x-chapa-signature`, the hex HMAC-SHA256 of the
 * payload keyed by the webhook secret hash, and `Chapa-Signature`, the same HMAC of the secret hash
 * itself. Only the first binds the body, so it is the one required; the second, when present, must
 * match too. Anything else → 401, nothing stored. Chapa signs no timestamp: a replayed genuine
 * delivery is absorbed by the event store (`<event>:<reference>`) and, applied through
 * GET /v1/transaction/verify, can only apply Chapa's truth.
 *
 * Docs: https://developer.chapa.co/integrations/webhooks
 */
import { log } from '../../lib/observability'
import type { PaymentsEnv } from '../../modules/payments/store'
import { hmacHex, timingSafeEqual, verifyHmacHex } from '../../modules/payments/providers/http'
import { applyFromProvider, eventResponse, parseJson, paymentOfRef, processEvent, readBody, refuse } from './events'

interface ChapaEvent {
  event?: string
  type?: string
  tx_ref?: string
  reference?: string
  status?: string
  meta?: { order_id?: string } | null
}

export async function verifyChapaSignature(secret: string, body: string, headers: Headers): Promise<boolean> {
  if (!secret) return false
  if (!(await verifyHmacHex('SHA-256', secret, body, headers.get('x-chapa-signature')))) return false
  const keyed = headers.get('chapa-signature')
  return !keyed || timingSafeEqual(await hmacHex('SHA-256', secret, secret), keyed.trim().toLowerCase())
}

export async function handleChapaWebhook(env: PaymentsEnv, request: Request): Promise<Response> {
  const body = await readBody(request)
  if (!body) return refuse(400, 'invalid_payload', 'Not a Chapa event')
  if (!(await verifyChapaSignature(env.CHAPA_WEBHOOK_SECRET ?? '', body, request.headers))) {
    log('warn', 'chapa webhook: signature rejected')
    return refuse(401, 'invalid_signature', 'Missing or invalid x-chapa-signature')
  }
  const event = parseJson<ChapaEvent>(body)
  const type = event?.event ?? event?.type
  if (!event || !type || !event.tx_ref) return refuse(400, 'invalid_payload', 'Not a Chapa event')
  const id = `${type}:${event.reference ?? event.tx_ref}:${event.status ?? ''}`
  const actor = { type: 'provider' as const, id: 'chapa' }
  const result = await processEvent(
    env,
    { provider: 'chapa', id, type, objectId: event.tx_ref, orderId: event.meta?.order_id ?? null, payload: body },
    async () => {
      if (!type.startsWith('charge.')) return 'ignored_type'
      const payment = await paymentOfRef(env, 'chapa', event.tx_ref!, `chapa:${id}`, { event: type })
      if (!payment) return 'unknown_order'
      return applyFromProvider(env, payment, actor, `chapa:${id}`)
    },
  )
  return eventResponse(result)
}
