import { describe, expect, it } from 'vitest'
import fakes from '../../workers/fakes/index'

const post = (path: string, init: RequestInit) => fakes.request(path, { method: 'POST', ...init })
const json = { 'Content-Type': 'application/json' }

// The same Hono apps the tests route provider origins to, here as mounted in the fakes Worker.
describe('provider fakes behind the fakes Worker', () => {
  it('SendGrid: 202 with X-Message-Id; 401 without a key; 400 for a bad address', async () => {
    const mail = {
      personalizations: [{ to: [{ email: 'ann@example.test' }] }],
      from: { email: 'shop@example.test' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    }
    const ok = await post('/sendgrid/v3/mail/send', { headers: { ...json, Authorization: 'Bearer SG.x' }, body: JSON.stringify(mail) })
    expect(ok.status).toBe(202)
    expect(ok.headers.get('X-Message-Id')).toMatch(/^[0-9a-f]{22}$/)
    expect((await post('/sendgrid/v3/mail/send', { headers: json, body: JSON.stringify(mail) })).status).toBe(401)
    const bad = await post('/sendgrid/v3/mail/send', {
      headers: { ...json, Authorization: 'Bearer SG.x' },
      body: JSON.stringify({ ...mail, personalizations: [{ to: [{ email: 'nope' }] }] }),
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'personalizations.0.to.0.email' }] })
  })

  it('Twilio: 201 Message resource; 401 when the SID does not match; 400 code 21211 for a bad number', async () => {
    const auth = { Authorization: `Basic ${btoa('AC123:token')}` }
    const form = (to: string) => new URLSearchParams({ To: to, From: '+15005550006', Body: 'Hi' })
    const ok = await post('/twilio/2010-04-01/Accounts/AC123/Messages.json', { headers: auth, body: form('+77011234567') })
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued', to: '+77011234567' })
    expect((await post('/twilio/2010-04-01/Accounts/AC999/Messages.json', { headers: auth, body: form('+77011234567') })).status).toBe(401)
    const bad = await post('/twilio/2010-04-01/Accounts/AC123/Messages.json', { headers: auth, body: form('123') })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 21211, status: 400 })
  })

  it('WhatsApp Cloud API: wamid on success; Graph error envelope otherwise', async () => {
    const body = { messaging_product: 'whatsapp', to: '77011234567', type: 'text', text: { body: 'Hi' } }
    const ok = await post('/whatsapp/v21.0/1098/messages', {
      headers: { ...json, Authorization: 'Bearer EAA' },
      body: JSON.stringify(body),
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ messaging_product: 'whatsapp', messages: [{ id: expect.stringMatching(/^wamid\./) }] })
    const noAuth = await post('/whatsapp/v21.0/1098/messages', { headers: json, body: JSON.stringify(body) })
    expect(noAuth.status).toBe(401)
    expect(await noAuth.json()).toMatchObject({ error: { code: 190, type: 'OAuthException' } })
  })

  it('Telegram Bot API: {ok, result} on success; {ok: false, error_code, description} otherwise', async () => {
    const ok = await post('/telegram/bot123:abc/sendMessage', { headers: json, body: JSON.stringify({ chat_id: '42', text: 'Hi' }) })
    expect(await ok.json()).toMatchObject({ ok: true, result: { message_id: expect.any(Number), chat: { id: 42 }, text: 'Hi' } })
    const badToken = await post('/telegram/botnope/sendMessage', { headers: json, body: JSON.stringify({ chat_id: '42', text: 'Hi' }) })
    expect(badToken.status).toBe(401)
    const empty = await post('/telegram/bot123:abc/sendMessage', { headers: json, body: JSON.stringify({ chat_id: '42', text: '' }) })
    expect(await empty.json()).toEqual({ ok: false, error_code: 400, description: 'Bad Request: message text is empty' })
  })
})
