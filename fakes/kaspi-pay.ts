import { Hono, type Context } from 'hono'
import { hostedPage, hostedResult, mountOf, post, postedOutcome, webhookTarget } from './hosted-checkout'

/**
 * A local fake of Kaspi Pay's partner QR / payment-link API as summarised in docs/payments.md
 * (its exact contract is given to contracted partners only):
 *
 *   POST /r3/v01/qr/create-link          { OrganizationBin, Amount, ExternalId } (header Api-Key)
 *   GET  /r3/v01/payment/status/:id      Data.Status: QrTokenCreated → Wait → Processed | Error
 *
 * The shopper in the Kaspi.kz app is `POST /fake/app/:QrPaymentId` with `{"outcome":"pay"}` or
 * `{"outcome":"decline"}`; `signKaspiNotification` signs a notification for /webhooks/kaspi.
 * With `hosted` (the fakes Worker under npm start), PaymentLink is this fake's own page
 * (GET /fake/pay/:id) and the shopper's choice is followed by a signed notification
 * ({ QrPaymentId, Status }, X-Kaspi-Signature keyed by KASPI_PAY_WEBHOOK_SECRET) to
 * KASPI_FAKE_WEBHOOK_URL or FAKE_WEBHOOKS_BASE_URL + /webhooks/kaspi, which makes the shop poll.
 */

export async function signKaspiNotification(body: string, secret: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function createKaspiPayFake(
  options: { apiKey?: string; organizationBin?: string; hosted?: boolean; webhookSecret?: string; webhook?: { url: string } } = {},
) {
  const apiKey = options.apiKey ?? 'kaspi-pay-vitest-key'
  const bin = options.organizationBin ?? '123456789012'
  const state = {
    payments: new Map<string, { id: string; amount: string; externalId: string; status: string }>(),
    requests: [] as { method: string; path: string }[],
  }
  let next = 1_000_000 + Math.floor(Math.random() * 1_000_000_000)
  const app = new Hono()

  app.use('*', async (c, next) => {
    state.requests.push({ method: c.req.method, path: c.req.path })
    if (c.req.path.includes('/fake/')) return next()
    if (c.req.header('Api-Key') !== apiKey) return c.json({ StatusCode: -14000002, Message: 'Invalid API key' }, 401)
    return next()
  })

  app.post('/r3/v01/qr/create-link', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>
    if (b.OrganizationBin !== bin) return c.json({ StatusCode: -1501, Message: 'Unknown organization' })
    if (!/^\d+(\.\d{1,2})?$/.test(String(b.Amount)) || Number(b.Amount) <= 0)
      return c.json({ StatusCode: -1502, Message: 'Invalid amount' })
    const existing = [...state.payments.values()].find((p) => p.externalId === b.ExternalId)
    const payment = existing ?? {
      id: String(next++),
      amount: String(b.Amount),
      externalId: String(b.ExternalId ?? ''),
      status: 'QrTokenCreated',
    }
    state.payments.set(payment.id, payment)
    return c.json({
      StatusCode: 0,
      Message: 'Ok',
      Data: {
        PaymentLink: options.hosted
          ? `${mountOf(c, '/r3/v01/qr/create-link')}/fake/pay/${payment.id}`
          : `https://pay.kaspi.kz/pay/${payment.id}`,
        QrPaymentId: Number(payment.id),
        ExpireDate: new Date(Date.now() + 15 * 60_000).toISOString(),
        PaymentBehaviorOptions: { StatusPollingInterval: 5, LinkActivationWaitTimeout: 180, PaymentConfirmationTimeout: 65 },
      },
    })
  })

  app.get('/r3/v01/payment/status/:id', (c) => {
    const p = state.payments.get(c.req.param('id'))
    if (!p) return c.json({ StatusCode: -1601, Message: 'Payment not found' })
    return c.json({ StatusCode: 0, Message: 'Ok', Data: { Status: p.status } })
  })

  /** The shopper in the Kaspi.kz app; a notification follows when a target is configured. */
  async function pay(c: Context, id: string, outcome: string | undefined) {
    const p = state.payments.get(id)
    if (!p) return null
    p.status = outcome === 'decline' ? 'Error' : 'Processed'
    const url = webhookTarget(c, 'kaspi', options.webhook?.url)
    const secret = options.webhookSecret ?? (c.env as { KASPI_PAY_WEBHOOK_SECRET?: string } | undefined)?.KASPI_PAY_WEBHOOK_SECRET
    if (url && secret) {
      const body = JSON.stringify({ QrPaymentId: Number(p.id), Status: p.status })
      await post(c, url, body, { 'X-Kaspi-Signature': await signKaspiNotification(body, secret) })
    }
    return p
  }

  app.post('/fake/app/:id', async (c) => {
    const b = ((await c.req.json().catch(() => ({}))) ?? {}) as { outcome?: string }
    const p = await pay(c, c.req.param('id'), b.outcome)
    return p ? c.json({ status: p.status }) : c.json({ error: 'no such payment' }, 404)
  })

  // The page PaymentLink points at when `hosted` (npm start): the QR / the Kaspi.kz app.
  app.get('/fake/pay/:id', (c) => {
    const p = state.payments.get(c.req.param('id'))
    if (!p) return c.text('no such payment', 404)
    return hostedPage(c, {
      provider: 'Kaspi Pay',
      what: `Pay ${p.amount} KZT (payment ${p.id})`,
      outcomes: [
        ['pay', 'Pay in Kaspi.kz'],
        ['decline', 'Decline'],
      ],
    })
  })
  app.post('/fake/pay/:id', async (c) => {
    const p = await pay(c, c.req.param('id'), await postedOutcome(c))
    if (!p) return c.text('no such payment', 404)
    return hostedResult(c, { provider: 'Kaspi Pay', outcome: p.status === 'Processed' ? 'paid' : 'declined' })
  })

  return { app, state, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /kaspi-pay (credentials from .dev.vars.example). */
export const kaspiPayFake = createKaspiPayFake({ apiKey: 'fake-kaspi-pay-key', hosted: true })
export default kaspiPayFake.app
