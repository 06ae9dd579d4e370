import { Hono } from 'hono'

/**
 * A local fake of Cloudflare Turnstile's server-side validation:
 *
 *   POST /turnstile/v0/siteverify   form-encoded or JSON {secret, response, remoteip?, idempotency_key?}
 *     → 200 {success, challenge_ts?, hostname?, error-codes[], action?, cdata?}
 *
 * It decides the way Cloudflare does for its published test secret keys:
 * - 1x0000000000000000000000000000000AA always passes,
 * - 2x0000000000000000000000000000000AA always fails (invalid-input-response),
 * - 3x0000000000000000000000000000000AA answers "token already spent" (timeout-or-duplicate).
 * Any other secret is invalid-input-secret (the fake knows no production keys). A missing secret
 * or response is missing-input-secret / missing-input-response, as the real service answers.
 */
export const TURNSTILE_TEST_SECRETS = {
  alwaysPass: '1x0000000000000000000000000000000AA',
  alwaysFail: '2x0000000000000000000000000000000AA',
  tokenSpent: '3x0000000000000000000000000000000AA',
} as const

/** The token Turnstile's test site keys produce in the browser. */
export const TURNSTILE_DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX'

const app = new Hono()

app.post('/turnstile/v0/siteverify', async (c) => {
  let secret: unknown
  let response: unknown
  const type = c.req.header('Content-Type') ?? ''
  if (type.includes('application/json')) {
    const body = await c.req.json<Record<string, unknown>>().catch(() => ({}) as Record<string, unknown>)
    secret = body.secret
    response = body.response
  } else {
    const form = await c.req.parseBody()
    secret = form.secret
    response = form.response
  }
  const fail = (...codes: string[]) => c.json({ success: false, 'error-codes': codes, messages: [] })
  if (typeof secret !== 'string' || !secret) return fail('missing-input-secret')
  if (typeof response !== 'string' || !response) return fail('missing-input-response')
  if (response.length > 2048) return fail('invalid-input-response')
  switch (secret) {
    case TURNSTILE_TEST_SECRETS.alwaysPass:
      return c.json({
        success: true,
        challenge_ts: new Date().toISOString(),
        hostname: 'example.com',
        'error-codes': [],
        action: '',
        cdata: '',
        metadata: { interactive: false },
      })
    case TURNSTILE_TEST_SECRETS.alwaysFail:
      return fail('invalid-input-response')
    case TURNSTILE_TEST_SECRETS.tokenSpent:
      return fail('timeout-or-duplicate')
    default:
      return fail('invalid-input-secret')
  }
})

export default app
