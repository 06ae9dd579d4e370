import { afterEach, describe, expect, it, vi } from 'vitest'
import turnstileFake, { TURNSTILE_DUMMY_TOKEN, TURNSTILE_TEST_SECRETS } from '../../fakes/turnstile'
import { routeFetch } from '../fakes'
import { api } from '../helpers'
import { PASSWORD, uniqueEmail, uniqueIp } from '../accounts/util'
import { apiWith } from './util'

const on = (secret: string) => ({ TURNSTILE_SECRET_KEY: secret, TURNSTILE_BASE_URL: 'https://challenges.cloudflare.com' })
const fake = () => routeFetch({ 'https://challenges.cloudflare.com': (r) => turnstileFake.fetch(r) })
const token = { 'CF-Turnstile-Response': TURNSTILE_DUMMY_TOKEN }
const registration = () => ({ email: uniqueEmail('ts'), password: PASSWORD, name: 'Tia' })

afterEach(() => vi.restoreAllMocks())

describe('Turnstile', () => {
  it('is off by default: registration needs no token', async () => {
    expect((await api('POST', '/api/v1/auth/register', { body: registration() })).status).toBe(201)
  })

  it('refuses registration with the always-fail test secret (403 challenge_required)', async () => {
    const spy = fake()
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/auth/register', { body: registration(), headers: token })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('challenge_required')
    expect(res.body.error.details[0].error_codes).toEqual(['invalid-input-response'])
    expect(spy).toHaveBeenCalledTimes(1)
  })

  it('accepts registration with the always-pass test secret and a token, refuses it without one', async () => {
    fake()
    const env = on(TURNSTILE_TEST_SECRETS.alwaysPass)
    expect((await apiWith(env, 'POST', '/api/v1/auth/register', { body: registration(), headers: token })).status).toBe(201)
    const missing = await apiWith(env, 'POST', '/api/v1/auth/register', { body: registration() })
    expect(missing.status).toBe(403)
    expect(missing.body.error.code).toBe('challenge_required')
  })

  it('refuses a spent token (the token-already-spent test secret)', async () => {
    fake()
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.tokenSpent), 'POST', '/api/v1/auth/register', { body: registration(), headers: token })
    expect(res.status).toBe(403)
    expect(res.body.error.details[0].error_codes).toEqual(['timeout-or-duplicate'])
  })

  it('guards password reset requests', async () => {
    fake()
    const body = { email: uniqueEmail('reset') }
    expect((await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/auth/password-reset/request', { body, headers: token })).status).toBe(403)
    expect((await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/password-reset/request', { body, headers: token })).status).toBe(202)
  })

  it('fails closed when siteverify is unreachable', async () => {
    routeFetch({ 'https://challenges.cloudflare.com': () => Promise.reject(new Error('network down')) })
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/register', { body: registration(), headers: token })
    expect(res.status).toBe(403)
  })

  it('sign-in asks for a challenge only after many failures for the account, then a passed one lets the owner in', async () => {
    fake()
    const email = uniqueEmail('owner')
    expect((await api('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'O' } })).status).toBe(201)
    const fail = on(TURNSTILE_TEST_SECRETS.alwaysFail)
    // Without failures: no challenge is needed even with a failing key.
    expect((await apiWith(fail, 'POST', '/api/v1/auth/login', { body: { email, password: 'wrong one' }, headers: { 'CF-Connecting-IP': uniqueIp() } })).status).toBe(401)
    for (let i = 0; i < 10; i++) {
      await apiWith(fail, 'POST', '/api/v1/auth/login', { body: { email, password: 'wrong one' }, headers: { 'CF-Connecting-IP': uniqueIp() } })
    }
    const owner = { body: { email, password: PASSWORD }, headers: { 'CF-Connecting-IP': uniqueIp(), ...token } }
    const refused = await apiWith(fail, 'POST', '/api/v1/auth/login', owner)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('challenge_required')
    const passed = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/login', owner)
    expect(passed.status).toBe(200)
  })
})
