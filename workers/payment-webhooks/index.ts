import { recordEvent } from '../../src/lib/metrics'
import type { OrderDO } from '../../src/modules/orders/order-do'
import { withConfigCheck } from '../../src/lib/config-check'
import { withOptionalSentry } from '../../src/lib/observability'
import { handleStripeWebhook } from '../../src/workflows/payment-webhooks/stripe'
import { handleChapaWebhook } from '../../src/workflows/payment-webhooks/chapa'
import { handleKaspiWebhook } from '../../src/workflows/payment-webhooks/kaspi'
import { handleMpesaCallback } from '../../src/workflows/payment-webhooks/mpesa'
import { handlePaypalWebhook } from '../../src/workflows/payment-webhooks/paypal'
import { handlePaystackWebhook } from '../../src/workflows/payment-webhooks/paystack'

import { readLimited, stripeTimestampInFuture, WEBHOOK_BODY_LIMIT } from './limits'

/**
 * This Worker's Env (workers/payment-webhooks/worker-configuration.d.ts, `npm run cf-typegen`). wrangler
 * cannot see the class behind a Durable Object bound by script_name, so ORDER gets OrderDO's RPC type here.
 */
type Env = Omit<PaymentWebhooksWorkerEnv, 'ORDER'> & { ORDER: DurableObjectNamespace<OrderDO> }

const envelope = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status })

type Handler = (env: Env, request: Request, param: string | undefined, suffix: string | undefined) => Promise<Response>

/** One route per provider; POST only. `:param` is the last path segment where a route takes one. */
const ROUTES: { pattern: RegExp; handle: Handler }[] = [
  { pattern: /^\/webhooks\/stripe$/, handle: (env, req) => handleStripeWebhook(env, req) },
  { pattern: /^\/webhooks\/paypal$/, handle: (env, req) => handlePaypalWebhook(env, req) },
  { pattern: /^\/webhooks\/paystack$/, handle: (env, req) => handlePaystackWebhook(env, req) },
  { pattern: /^\/webhooks\/chapa$/, handle: (env, req) => handleChapaWebhook(env, req) },
  { pattern: /^\/webhooks\/kaspi$/, handle: (env, req) => handleKaspiWebhook(env, req) },
  // M-Pesa callbacks are unsigned: the per-order secret in the path is what authenticates them.
  {
    pattern: /^\/webhooks\/mpesa\/([A-Za-z0-9_.-]{1,200})(\/reversal)?$/,
    handle: (env, req, token, reversal) => handleMpesaCallback(env, req, token ?? '', reversal ? 'reversal' : 'stk'),
  },
]

async function handleRoute(
  env: Env,
  request: Request,
  url: URL,
  route: (typeof ROUTES)[number],
  match: RegExpExecArray,
): Promise<Response> {
  const body = await readLimited(request)
  if (!body) return envelope(413, 'payload_too_large', `Webhook bodies are limited to ${WEBHOOK_BODY_LIMIT} bytes`)
  if (url.pathname === '/webhooks/stripe' && stripeTimestampInFuture(request.headers.get('Stripe-Signature'))) {
    return envelope(400, 'invalid_signature', 'Missing, invalid or expired Stripe-Signature')
  }
  return route.handle(env, new Request(request, { body }), match[1], match[2])
}

/**
 * The payment webhooks Worker: one route per provider (/webhooks/stripe, /webhooks/paypal, …).
 * Everything but routing lives in src/workflows/payment-webhooks/, which the vitest
 * suite also runs against the API Worker's bindings.
 */
export default withOptionalSentry(
  withConfigCheck({
    async fetch(request, env) {
      const url = new URL(request.url)
      for (const route of ROUTES) {
        const match = route.pattern.exec(url.pathname)
        if (!match) continue
        if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } })
        const res = await handleRoute(env, request, url, route, match)
        // Refused (signature, size, payload) or failed (5xx, the provider retries): webhook.failed per provider.
        if (res.status >= 400) recordEvent(env, { name: 'webhook.failed', label: String(res.status), detail: url.pathname.split('/')[2] })
        return res
      }
      if (url.pathname === '/health') return Response.json({ status: 'ok', worker: 'payment-webhooks' })
      return envelope(404, 'not_found', 'No such route')
    },
  } satisfies ExportedHandler<Env>),
)
