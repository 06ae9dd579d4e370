import { Hono } from 'hono'

/**
 * A local fake of Kaspi Pay's partner QR / payment-link API as summarised in docs/payments.md
 * (its exact contract is given to contracted partners only):
 *
 *   POST /r3/v01/qr/create-link          { OrganizationBin, Amount, ExternalId } (header Api-Key)
 *   GET  /r3/v01/payment/status/:id      Data.Status: QrTokenCreated → Wait → Processed | Error
 *
 * The shopper in the Kaspi.kz app is `POST /fake/app/:QrPaymentId` with `{"outcome":"pay"}` or
 * `{"outcome":"decline"}`; `signKaspiNotification` signs a notification for /webhooks/kaspi.
 */

export async function signKaspiNotification(body: string, secret: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function createKaspiPayFake(options: { apiKey?: string; organizationBin?: string } = {}) {
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
    if (c.req.path.startsWith('/fake/')) return next()
    if (c.req.header('Api-Key') !== apiKey) return c.json({ StatusCode: -14000002, Message: 'Invalid API key' }, 401)
    return next()
  })

  app.post('/r3/v01/qr/create-link', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>
    if (b.OrganizationBin !== bin) return c.json({ StatusCode: -1501, Message: 'Unknown organization' })
    if (!/^\d+(\.\d{1,2})?$/.test(String(b.Amount)) || Number(b.Amount) <= 0) return c.json({ StatusCode: -1502, Message: 'Invalid amount' })
    const existing = [...state.payments.values()].find((p) => p.externalId === b.ExternalId)
    const payment = existing ?? { id: String(next++), amount: String(b.Amount), externalId: String(b.ExternalId ?? ''), status: 'QrTokenCreated' }
    state.payments.set(payment.id, payment)
    return c.json({
      StatusCode: 0,
      Message: 'Ok',
      Data: {
        PaymentLink: `https://pay.kaspi.kz/pay/${payment.id}`,
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

  app.post('/fake/app/:id', async (c) => {
    const p = state.payments.get(c.req.param('id'))
    if (!p) return c.json({ error: 'no such payment' }, 404)
    const b = ((await c.req.json().catch(() => ({}))) ?? {}) as { outcome?: string }
    p.status = b.outcome === 'decline' ? 'Error' : 'Processed'
    return c.json({ status: p.status })
  })

  return { app, state, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /kaspi-pay (credentials from .dev.vars.example). */
export const kaspiPayFake = createKaspiPayFake({ apiKey: 'fake-kaspi-pay-key' })
export default kaspiPayFake.app
