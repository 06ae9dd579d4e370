import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, BASE } from '../helpers'
import { PASSWORD, register, uniqueEmail } from './util'

const post = (path: string, body: unknown) => api('POST', `/api/v1${path}`, { body })

function expectEnvelope(res: { status: number; body: any }, code = 'validation_error') {
  expect(res.status).toBe(400)
  expect(res.body.error.code).toBe(code)
  expect(res.body.error.message).toEqual(expect.any(String))
  expect(res.body.error.request_id).toEqual(expect.any(String))
}

describe('validation errors use the envelope (400, never 500)', () => {
  it('register: missing fields, each named in details', async () => {
    const res = await post('/auth/register', {})
    expectEnvelope(res)
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort()
    expect(paths).toEqual(['email', 'name', 'password'])
  })

  it('register: bad email, short and long passwords, blank name, unknown locale', async () => {
    for (const body of [
      { email: 'not-an-email', password: PASSWORD, name: 'A' },
      { email: uniqueEmail(), password: 'short', name: 'A' },
      { email: uniqueEmail(), password: 'x'.repeat(129), name: 'A' },
      { email: uniqueEmail(), password: PASSWORD, name: '   ' },
      { email: uniqueEmail(), password: PASSWORD, name: 'A', locale: 'fr' },
      { email: 42, password: PASSWORD, name: 'A' },
    ]) {
      const res = await post('/auth/register', body)
      expectEnvelope(res)
      expect(res.body.error.details.length).toBeGreaterThan(0)
    }
  })

  it('register: a 128-character password is accepted, 10 is the minimum', async () => {
    expect((await post('/auth/register', { email: uniqueEmail(), password: 'xy'.repeat(64), name: 'A' })).status).toBe(202)
    expect((await post('/auth/register', { email: uniqueEmail(), password: 'kq7-vbn!2z', name: 'A' })).status).toBe(202)
    expect((await post('/auth/register', { email: uniqueEmail(), password: 'kq7-vbn!2', name: 'A' })).status).toBe(400)
  })

  it('register: common passwords, blank ones, repeats and the email itself are refused', async () => {
    const email = uniqueEmail('policy')
    for (const password of [
      'password',
      '12345678',
      '        ',
      '          ',
      'password123',
      'Password1!',
      '1234567890',
      'qwertyuiop',
      'aaaaaaaaaaaa',
      email,
      email.toUpperCase(),
    ]) {
      const res = await post('/auth/register', { email, password, name: 'A' })
      expect(res.status, password).toBe(400)
      expect(res.body.error.details[0].path, password).toBe('password')
    }
  })

  it('malformed JSON is a 400 invalid_json on every auth endpoint', async () => {
    for (const path of ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout']) {
      const res = await SELF.fetch(`${BASE}/api/v1${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"email": "a@b.c", ',
      })
      expect(res.status, path).toBe(400)
      const body = (await res.json()) as { error: { code: string } }
      expect(body.error.code).toBe('invalid_json')
    }
  })

  it('a body that is not JSON at all is a 415, JSON of the wrong type a 400', async () => {
    // A form body (fetch sends it as text/plain) is refused for its content type before parsing.
    const text = await SELF.fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', body: 'email=a@b.c&password=x' })
    expect(text.status).toBe(415)
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type')
    expectEnvelope(await post('/auth/login', [1, 2, 3]))
    expectEnvelope(await post('/auth/login', 'null'))
    expectEnvelope(await post('/auth/refresh', { refresh_token: 123 }))
  })

  it('login: missing password and bad email', async () => {
    expectEnvelope(await post('/auth/login', { email: uniqueEmail() }))
    expectEnvelope(await post('/auth/login', { email: 'nope', password: PASSWORD }))
  })

  it('PATCH /me with malformed JSON is a 400', async () => {
    const t = await register()
    const res = await SELF.fetch(`${BASE}/api/v1/me`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${t.access_token}` },
      body: '{',
    })
    expect(res.status).toBe(400)
  })
})
