import { Hono } from 'hono'
import { failureScript, randomHex } from './failures'

/**
 * A local fake of SendGrid's v3 Mail Send API:
 *
 *   POST /v3/mail/send   Authorization: Bearer <api key>, JSON {personalizations[{to[{email,name?}]}],
 *                        from{email,name?}, subject, content[{type,value}]} → 202, empty body, X-Message-Id
 *
 * Errors use SendGrid's envelope `{errors: [{message, field, help}]}`: 401 without a Bearer key,
 * 400 for a missing field or an invalid address. `failNext(status)` scripts provider outages.
 */
export interface SentEmail {
  messageId: string
  to: { email: string; name?: string }[]
  from: { email: string; name?: string }
  subject: string
  text?: string
  html?: string
  apiKey: string
}

interface MailBody {
  personalizations?: { to?: { email?: string; name?: string }[] }[]
  from?: { email?: string; name?: string }
  subject?: string
  content?: { type?: string; value?: string }[]
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const error = (message: string, field: string | null = null) => ({
  errors: [{ message, field, help: field ? `http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.${field}` : null }],
})

export function createSendgridFake() {
  const sent: SentEmail[] = []
  const failures = failureScript()
  const app = new Hono()

  app.post('/v3/mail/send', async (c) => {
    const auth = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')
    if (!auth) return c.json(error('The provided authorization grant is invalid, expired, or revoked'), 401)
    const failure = failures.take()
    if (failure) {
      for (const [k, v] of Object.entries(failure.headers ?? {})) c.header(k, v)
      return c.json(error(failure.status >= 500 ? 'Service Unavailable' : 'Bad Request'), failure.status as 400)
    }
    let body: MailBody
    try {
      body = await c.req.json<MailBody>()
    } catch {
      return c.json(error('Bad Request', null), 400)
    }
    const to = body.personalizations?.[0]?.to ?? []
    if (!to.length)
      return c.json(error('The personalizations field is required and must have at least one personalization.', 'personalizations'), 400)
    const bad = to.findIndex((r) => !r.email || !EMAIL.test(r.email))
    if (bad >= 0) return c.json(error('Does not contain a valid address.', `personalizations.0.to.${bad}.email`), 400)
    if (!body.from?.email) return c.json(error('The from object must be provided for every email send.', 'from'), 400)
    if (!body.subject) return c.json(error('The subject is required.', 'subject'), 400)
    if (!body.content?.length || body.content.some((p) => !p.value)) {
      return c.json(error('Unless a valid template_id is provided, the content parameter is required.', 'content'), 400)
    }
    const messageId = randomHex(11)
    sent.push({
      messageId,
      to: to.map((r) => ({ email: r.email!, ...(r.name ? { name: r.name } : {}) })),
      from: { email: body.from.email, ...(body.from.name ? { name: body.from.name } : {}) },
      subject: body.subject,
      text: body.content.find((p) => p.type === 'text/plain')?.value,
      html: body.content.find((p) => p.type === 'text/html')?.value,
      apiKey: auth[1]!,
    })
    c.header('X-Message-Id', messageId)
    return c.body(null, 202)
  })

  /** Not a SendGrid endpoint: lets someone running the fakes Worker see what was "sent". */
  app.get('/_sent', (c) => c.json(sent))

  return { app, sent, failNext: failures.failNext, reset: () => ((sent.length = 0), failures.clear()) }
}

export default createSendgridFake().app
