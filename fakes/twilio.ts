import { Hono } from 'hono'
import { failureScript, randomHex } from './failures'

/**
 * A local fake of Twilio's Programmable Messaging API:
 *
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json   HTTP basic auth (AccountSid:AuthToken),
 *        form-encoded To, From (or MessagingServiceSid), Body → 201 Message resource {sid: "SM…", status: "queued", …}
 *
 * Errors use Twilio's envelope `{code, message, more_info, status}`: 401 (20003) for bad auth,
 * 400 (21211) for an invalid To, 21602 for an empty Body. `failNext(status)` scripts outages.
 */
export interface SentSms {
  sid: string
  accountSid: string
  to: string
  from: string
  body: string
}

const E164 = /^\+[1-9][0-9]{6,14}$/
const error = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
})

export function createTwilioFake() {
  const sent: SentSms[] = []
  const failures = failureScript()
  const app = new Hono()

  app.post('/2010-04-01/Accounts/:accountSid/Messages.json', async (c) => {
    const accountSid = c.req.param('accountSid')
    const basic = /^Basic (\S+)$/.exec(c.req.header('Authorization') ?? '')
    const [user, token] = basic ? atob(basic[1]!).split(':') : []
    if (!user || !token || user !== accountSid) return c.json(error(401, 20003, 'Authenticate'), 401)
    const failure = failures.take()
    if (failure) {
      for (const [k, v] of Object.entries(failure.headers ?? {})) c.header(k, v)
      const code = failure.status >= 500 ? 20500 : failure.status === 429 ? 20429 : 21211
      return c.json(error(failure.status, code, failure.status >= 500 ? 'Internal Server Error' : 'Request failed'), failure.status as 400)
    }
    const form = await c.req.parseBody()
    const to = String(form.To ?? '')
    const from = String(form.From ?? form.MessagingServiceSid ?? '')
    const body = String(form.Body ?? '')
    if (!E164.test(to)) return c.json(error(400, 21211, `The 'To' number ${to} is not a valid phone number.`), 400)
    if (!from) return c.json(error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"), 400)
    if (!body) return c.json(error(400, 21602, 'Message body is required.'), 400)
    const sid = `SM${randomHex(16)}`
    sent.push({ sid, accountSid, to, from, body })
    const now = new Date().toUTCString().replace('GMT', '+0000')
    return c.json(
      {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
      201,
    )
  })

  app.get('/_sent', (c) => c.json(sent))

  return { app, sent, failNext: failures.failNext, reset: () => ((sent.length = 0), failures.clear()) }
}

export default createTwilioFake().app
