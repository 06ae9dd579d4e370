import { describe, expect, it } from 'vitest'
import { api } from '../helpers'
import { bearer, login, PASSWORD, refresh, register, uniqueEmail } from './util'

describe('GET/PATCH /me', () => {
  it('updates profile fields and returns them on the next GET', async () => {
    const t = await register()
    const res = await api('PATCH', '/api/v1/me', {
      headers: bearer(t.access_token),
      body: {
        name: 'Ann Smith',
        phone: '+7 (701) 123-45-67',
        locale: 'kk',
        notification_channels: ['email', 'sms', 'telegram'],
        telegram_chat_id: '123456789',
      },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      name: 'Ann Smith',
      phone: '+77011234567',
      locale: 'kk',
      notification_channels: ['email', 'sms', 'telegram'],
      telegram_chat_id: '123456789',
    })
    const me = await api('GET', '/api/v1/me', { headers: bearer(t.access_token) })
    expect(me.body).toEqual(res.body)
    expect(me.body).not.toHaveProperty('password_hash')
  })

  it('validates: locale, unknown channel, repeated channel, unknown field, empty body', async () => {
    const t = await register()
    const bad = [
      { locale: 'de' },
      { notification_channels: ['pigeon'] },
      { notification_channels: ['email', 'email'] },
      { role: 'admin' },
      {},
      { name: '   ' },
      { phone: 'call me' },
      { telegram_chat_id: '@ann' },
    ]
    for (const body of bad) {
      const res = await api('PATCH', '/api/v1/me', { headers: bearer(t.access_token), body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
      expect(res.body.error.details.length).toBeGreaterThan(0)
    }
    const me = await api('GET', '/api/v1/me', { headers: bearer(t.access_token) })
    expect(me.body.role).toBe('customer')
    expect(me.body.locale).toBe('en')
  })

  it('requires a phone for sms/whatsapp and a chat id for telegram', async () => {
    const t = await register()
    const sms = await api('PATCH', '/api/v1/me', { headers: bearer(t.access_token), body: { notification_channels: ['sms'] } })
    expect(sms.status).toBe(400)
    expect(sms.body.error.details[0].path).toBe('phone')
    const tg = await api('PATCH', '/api/v1/me', { headers: bearer(t.access_token), body: { notification_channels: ['telegram'] } })
    expect(tg.status).toBe(400)
    expect(tg.body.error.details[0].path).toBe('telegram_chat_id')
    // Clearing the phone while sms is on is refused too.
    await api('PATCH', '/api/v1/me', { headers: bearer(t.access_token), body: { phone: '+77011234567', notification_channels: ['sms'] } })
    const clear = await api('PATCH', '/api/v1/me', { headers: bearer(t.access_token), body: { phone: null } })
    expect(clear.status).toBe(400)
  })
})

describe('POST /me/password', () => {
  it('changes the password, signs out other sessions and keeps this one', async () => {
    const email = uniqueEmail('pw')
    const a = await register({ email })
    const b = (await login(email)).body
    const res = await api('POST', '/api/v1/me/password', {
      headers: bearer(a.access_token),
      body: { current_password: PASSWORD, new_password: 'a brand new password' },
    })
    expect(res.status).toBe(200)
    expect(res.body.refresh_token).toMatch(/^rt_/)
    expect((await refresh(a.refresh_token)).status).toBe(401)
    expect((await refresh(b.refresh_token)).status).toBe(401)
    expect((await refresh(res.body.refresh_token)).status).toBe(200)
    expect((await login(email, PASSWORD)).status).toBe(401)
    expect((await login(email, 'a brand new password')).status).toBe(200)
  })

  it('refuses a wrong current password and a too-short new one', async () => {
    const t = await register()
    const wrong = await api('POST', '/api/v1/me/password', {
      headers: bearer(t.access_token),
      body: { current_password: 'nope nope', new_password: 'a brand new password' },
    })
    expect(wrong.status).toBe(403)
    const short = await api('POST', '/api/v1/me/password', {
      headers: bearer(t.access_token),
      body: { current_password: PASSWORD, new_password: 'short' },
    })
    expect(short.status).toBe(400)
    expect(short.body.error.details[0].path).toBe('new_password')
  })
})
