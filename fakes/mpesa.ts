import { Hono, type Context } from 'hono'

/**
 * A local fake of the Safaricom Daraja APIs Edge Commerce uses, at Daraja's paths and shapes:
 *
 *   GET  /oauth/v1/generate?grant_type=client_credentials   Basic consumer key:secret
 *   POST /mpesa/stkpush/v1/processrequest                    checks Password = base64(shortcode+passkey+timestamp)
 *   POST /mpesa/stkpushquery/v1/query                        500.001.1001 "being processed" until the phone answers
 *   POST /mpesa/reversal/v1/request                          queues a reversal; its Result goes to ResultURL
 *
 * The shopper's phone is `POST /fake/phone/:CheckoutRequestID` with `{"outcome":"pay"}`, `"cancel"`
 * (ResultCode 1032) or `"timeout"` (1037); it records the result callback Daraja would POST to the
 * push's CallBackURL (`state.callbacks`, `{ url, body }`), and POSTs it when `deliver` is set.
 * `POST /fake/busy/:phone` (254…) makes the next push to that phone fail as Daraja's does while
 * another push is still open on it (500, 500.001.1001 "Unable to lock subscriber…"): the push was
 * never sent, and a later one to the phone goes through.
 * Reversal results are recorded the same way.
 */

interface Push {
  checkoutRequestId: string
  merchantRequestId: string
  amount: number
  phone: string
  callbackUrl: string
  resultCode: number | null
  receipt: string | null
}

const rand = (n: number) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[b % 34]).join('')

export function createMpesaFake(
  options: { consumerKey?: string; consumerSecret?: string; passkey?: string; shortcode?: string; deliver?: boolean } = {},
) {
  const consumerKey = options.consumerKey ?? 'mpesa-vitest-key'
  const consumerSecret = options.consumerSecret ?? 'mpesa-vitest-secret'
  const passkey = options.passkey ?? 'mpesa-vitest-passkey'
  const shortcode = options.shortcode ?? '174379'
  const state = {
    pushes: new Map<string, Push>(),
    reversals: [] as { conversationId: string; transactionId: string; amount: number; resultUrl: string }[],
    callbacks: [] as { url: string; body: string }[],
    tokens: new Set<string>(),
    /** Phones whose next push is refused (`/fake/busy/:phone`). */
    busy: new Set<string>(),
    requests: [] as { method: string; path: string }[],
  }
  const app = new Hono()
  const error = (c: Context, status: 400 | 401 | 404 | 500, code: string, message: string) =>
    c.json({ requestId: `${rand(4)}-${rand(8)}-1`, errorCode: code, errorMessage: message }, status)

  async function record(c: Context, url: string, payload: unknown) {
    const body = JSON.stringify(payload)
    state.callbacks.push({ url, body })
    if (options.deliver) {
      const delivery = fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).catch(() => undefined)
      try {
        c.executionCtx.waitUntil(delivery)
      } catch {
        await delivery
      }
    }
  }

  app.use('*', async (c, next) => {
    state.requests.push({ method: c.req.method, path: c.req.path })
    if (c.req.path.includes('/fake/') || c.req.path.endsWith('/oauth/v1/generate')) return next()
    const token = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
    if (!token || !state.tokens.has(token)) return error(c, 401, '404.001.03', 'Invalid Access Token')
    return next()
  })

  app.get('/oauth/v1/generate', (c) => {
    if (c.req.query('grant_type') !== 'client_credentials') return error(c, 400, '400.008.02', 'Invalid grant type passed')
    if (c.req.header('Authorization') !== `Basic ${btoa(`${consumerKey}:${consumerSecret}`)}`)
      return error(c, 400, '400.008.01', 'Invalid Authentication passed')
    const token = rand(28)
    state.tokens.add(token)
    return c.json({ access_token: token, expires_in: '3599' })
  })

  app.post('/mpesa/stkpush/v1/processrequest', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>
    if (String(b.BusinessShortCode) !== shortcode) return error(c, 400, '400.002.02', 'Bad Request - Invalid BusinessShortCode')
    if (b.Password !== btoa(`${shortcode}${passkey}${b.Timestamp}`)) return error(c, 500, '500.001.1001', 'Wrong credentials')
    const amount = Number(b.Amount)
    if (!Number.isInteger(amount) || amount < 1) return error(c, 400, '400.002.02', 'Bad Request - Invalid Amount')
    if (!/^254[17]\d{8}$/.test(String(b.PhoneNumber))) return error(c, 400, '400.002.02', 'Bad Request - Invalid PhoneNumber')
    if (!/^https?:\/\//.test(String(b.CallBackURL))) return error(c, 400, '400.002.02', 'Bad Request - Invalid CallBackURL')
    if (state.busy.delete(String(b.PhoneNumber)))
      return error(c, 500, '500.001.1001', 'Unable to lock subscriber, a transaction is already in process for the current subscriber')
    const push: Push = {
      checkoutRequestId: `ws_CO_${Date.now()}${rand(6)}`,
      merchantRequestId: `${rand(5)}-${rand(8)}-1`,
      amount,
      phone: String(b.PhoneNumber),
      callbackUrl: String(b.CallBackURL),
      resultCode: null,
      receipt: null,
    }
    state.pushes.set(push.checkoutRequestId, push)
    return c.json({
      MerchantRequestID: push.merchantRequestId,
      CheckoutRequestID: push.checkoutRequestId,
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    })
  })

  app.post('/mpesa/stkpushquery/v1/query', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>
    if (b.Password !== btoa(`${shortcode}${passkey}${b.Timestamp}`)) return error(c, 500, '500.001.1001', 'Wrong credentials')
    const push = state.pushes.get(String(b.CheckoutRequestID))
    if (!push) return error(c, 400, '400.002.02', 'Bad Request - Invalid CheckoutRequestID')
    if (push.resultCode === null) return error(c, 500, '500.001.1001', 'The transaction is being processed')
    const desc: Record<number, string> = {
      0: 'The service request is processed successfully.',
      1032: 'Request cancelled by user',
      1037: 'DS timeout user cannot be reached',
    }
    return c.json({
      ResponseCode: '0',
      ResponseDescription: 'The service request has been accepted successsfully',
      MerchantRequestID: push.merchantRequestId,
      CheckoutRequestID: push.checkoutRequestId,
      ResultCode: String(push.resultCode),
      ResultDesc: desc[push.resultCode] ?? 'Failed',
    })
  })

  app.post('/mpesa/reversal/v1/request', async (c) => {
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>
    if (b.CommandID !== 'TransactionReversal' || !b.Initiator || !b.SecurityCredential)
      return error(c, 400, '400.002.02', 'Bad Request - Invalid CommandID')
    const push = [...state.pushes.values()].find((p) => p.receipt === b.TransactionID)
    if (!push) return error(c, 400, '400.002.02', 'Bad Request - Invalid TransactionID')
    if (state.reversals.some((r) => r.transactionId === push.receipt))
      return error(c, 400, '400.002.02', 'The transaction has already been reversed')
    const conversationId = `AG_${Date.now()}_${rand(12)}`
    state.reversals.push({ conversationId, transactionId: push.receipt!, amount: Number(b.Amount), resultUrl: String(b.ResultURL) })
    await record(c, String(b.ResultURL), {
      Result: {
        ResultType: 0,
        ResultCode: Number(b.Amount) === push.amount ? 0 : 'R000002',
        ResultDesc: Number(b.Amount) === push.amount ? 'The service request is processed successfully.' : 'The amount is invalid.',
        OriginatorConversationID: `${rand(5)}-${rand(8)}-1`,
        ConversationID: conversationId,
        TransactionID: rand(10),
        ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: String(b.QueueTimeOutURL) } },
      },
    })
    return c.json({
      OriginatorConversationID: `${rand(5)}-${rand(8)}-1`,
      ConversationID: conversationId,
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    })
  })

  // Another push is still open on this phone: Daraja refuses the next one.
  app.post('/fake/busy/:phone', (c) => {
    state.busy.add(c.req.param('phone').replace(/^\+/, ''))
    return c.json({ ok: true })
  })

  // The shopper's phone: enter the PIN, cancel, or never answer.
  app.post('/fake/phone/:id', async (c) => {
    const push = state.pushes.get(c.req.param('id'))
    if (!push) return c.json({ error: 'no such push' }, 404)
    if (push.resultCode !== null) return c.json({ error: 'already answered' }, 409)
    const b = ((await c.req.json().catch(() => ({}))) ?? {}) as { outcome?: string }
    push.resultCode = b.outcome === 'cancel' ? 1032 : b.outcome === 'timeout' ? 1037 : 0
    const stkCallback: Record<string, unknown> = {
      MerchantRequestID: push.merchantRequestId,
      CheckoutRequestID: push.checkoutRequestId,
      ResultCode: push.resultCode,
      ResultDesc:
        push.resultCode === 0
          ? 'The service request is processed successfully.'
          : push.resultCode === 1032
            ? 'Request cancelled by user'
            : 'DS timeout user cannot be reached',
    }
    if (push.resultCode === 0) {
      push.receipt = `NLJ${rand(7)}`
      stkCallback.CallbackMetadata = {
        Item: [
          { Name: 'Amount', Value: push.amount },
          { Name: 'MpesaReceiptNumber', Value: push.receipt },
          { Name: 'TransactionDate', Value: Number(new Date(Date.now() + 3 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14)) },
          { Name: 'PhoneNumber', Value: Number(push.phone) },
        ],
      }
    }
    await record(c, push.callbackUrl, { Body: { stkCallback } })
    return c.json({ ok: true })
  })

  return { app, state, fetch: (request: Request) => app.fetch(request) }
}

/** The fake the fakes Worker mounts at /mpesa (credentials from .dev.vars.example; delivers callbacks). */
export const mpesaFake = createMpesaFake({
  consumerKey: 'fake-mpesa-key',
  consumerSecret: 'fake-mpesa-secret',
  passkey: 'fake-mpesa-passkey',
  deliver: true,
})
export default mpesaFake.app
