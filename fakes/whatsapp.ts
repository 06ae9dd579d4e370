import { Hono } from 'hono'
import { failureScript, randomHex } from './failures'

/**
 * A local fake of the WhatsApp Cloud API (Meta Graph API):
 *
 *   POST /{version}/{phone-number-id}/messages   Authorization: Bearer <access token>, JSON
 *        {messaging_product: "whatsapp", recipient_type?, to, type: "text", text: {body, preview_url?}}
 *        → 200 {messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid.…"}]}
 *
 * Errors use the Graph envelope `{error: {message, type, code, error_subcode?, fbtrace_id}}`:
 * 401 code 190 without a token, 400 code 100 for bad parameters. `failNext(status)` scripts outages.
 */
export interface SentWhatsapp {
  id: string
  phoneNumberId: string
  to: string
  text: string
}

interface MessageBody {
  messaging_product?: string
  to?: string
  type?: string
  text?: { body?: string }
}

const graphError = (message: string, code: number, type = 'OAuthException') => ({
  error: { message, type, code, fbtrace_id: `A${randomHex(10)}` },
})

export function createWhatsappFake() {
  const sent: SentWhatsapp[] = []
  const failures = failureScript()
  const app = new Hono()

  app.post('/:version/:phoneNumberId/messages', async (c) => {
    if (!/^v\d+\.\d+$/.test(c.req.param('version'))) return c.json(graphError('Unknown path components', 2500), 400)
    if (!/^Bearer \S+$/.test(c.req.header('Authorization') ?? '')) {
      return c.json(graphError('Invalid OAuth access token - Cannot parse access token', 190), 401)
    }
    const failure = failures.take()
    if (failure) {
      for (const [k, v] of Object.entries(failure.headers ?? {})) c.header(k, v)
      const body =
        failure.status >= 500
          ? graphError('An unknown error has occurred.', 1, 'OAuthException')
          : graphError('(#131030) Recipient phone number not in allowed list', 131030)
      return c.json(body, failure.status as 400)
    }
    let body: MessageBody
    try {
      body = await c.req.json<MessageBody>()
    } catch {
      return c.json(graphError('(#100) Invalid parameter', 100), 400)
    }
    if (body.messaging_product !== 'whatsapp') {
      return c.json(graphError('(#100) The parameter messaging_product is required.', 100), 400)
    }
    if (!body.to || !/^[0-9]{7,15}$/.test(body.to)) return c.json(graphError('(#100) Invalid parameter', 100), 400)
    if (body.type !== 'text' || !body.text?.body) {
      return c.json(graphError("(#100) The parameter text['body'] is required.", 100), 400)
    }
    const id = `wamid.${btoa(randomHex(24)).replace(/=+$/, '')}`
    sent.push({ id, phoneNumberId: c.req.param('phoneNumberId'), to: body.to, text: body.text.body })
    return c.json({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] }, 200)
  })

  app.get('/_sent', (c) => c.json(sent))

  return { app, sent, failNext: failures.failNext, reset: () => ((sent.length = 0), failures.clear()) }
}

export default createWhatsappFake().app
