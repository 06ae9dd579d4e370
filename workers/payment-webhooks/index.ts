import * as Sentry from '@sentry/cloudflare'
import { sentryOptions } from '../../src/lib/observability'
import { handleStripeWebhook, type WebhookEnv } from '../../src/modules/payments/webhook'

type Env = WebhookEnv & { SENTRY_DSN?: string; ENVIRONMENT?: string }

/**
 * The payment webhooks Worker: one route per provider (/webhooks/stripe, …). Everything but routing
 * lives in src/modules/payments (webhook.ts and webhooks/), which the vitest suite also runs against
 * the API Worker's bindings.
 */
export default Sentry.withSentry(sentryOptions, {
  async fetch(request, env) {
    const url = new URL(request.url)
    if (url.pathname === '/webhooks/stripe') {
      if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } })
      return handleStripeWebhook(env, request)
    }
    if (url.pathname === '/health') return Response.json({ status: 'ok', worker: 'payment-webhooks' })
    return Response.json({ error: { code: 'not_found', message: 'No such route' } }, { status: 404 })
  },
} satisfies ExportedHandler<Env>)
