import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LOGIN_THROTTLE } from '../../src/modules/accounts/throttle'
import { purgeExpiredAuthState } from '../../src/modules/accounts/service'
import { api } from '../helpers'
import { bearer, login, PASSWORD, register, uniqueEmail, uniqueIp } from './util'

const { maxFailuresPerEmail, maxFailuresPerIp, windowSeconds } = LOGIN_THROTTLE

async function failTimes(n: number, email: string, ip?: string) {
  for (let i = 0; i < n; i++) {
    const res = await login(email, 'wrong password', ip)
    expect(res.status).toBe(401)
  }
}

describe('login throttling', () => {
  it('matches the limits the README documents', () => {
    expect(maxFailuresPerEmail).toBe(5)
    expect(maxFailuresPerIp).toBe(20)
    expect(windowSeconds).toBe(900)
  })

  it('blocks an email after too many failures, from any IP, even with the right password', async () => {
    const email = uniqueEmail('victim')
    await register({ email })
    await failTimes(maxFailuresPerEmail, email)
    const blocked = await login(email, PASSWORD)
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('rate_limited')
    const retryAfter = Number(blocked.headers.get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
    // Casing does not get around it.
    expect((await login(email.toUpperCase(), PASSWORD)).status).toBe(429)
  })

  it('counts unknown emails too', async () => {
    const email = uniqueEmail('ghost')
    await failTimes(maxFailuresPerEmail, email)
    expect((await login(email, 'anything')).status).toBe(429)
  })

  it('blocks an IP after too many failures across different emails', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < maxFailuresPerIp; i++) {
      expect((await login(uniqueEmail('spray'), 'wrong password', ip)).status).toBe(401)
    }
    const email = uniqueEmail('fresh')
    await register({ email })
    const blocked = await login(email, PASSWORD, ip)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0)
    // The same account from another address is fine.
    expect((await login(email, PASSWORD, uniqueIp())).status).toBe(200)
  })

  it('a successful login clears the email counter', async () => {
    const email = uniqueEmail('clears')
    await register({ email })
    await failTimes(maxFailuresPerEmail - 1, email)
    expect((await login(email, PASSWORD)).status).toBe(200)
    // A full allowance again.
    await failTimes(maxFailuresPerEmail, email)
    expect((await login(email, PASSWORD)).status).toBe(429)
  })

  it('does not let a burst of concurrent guesses past the limit', async () => {
    const email = uniqueEmail('burst')
    await register({ email })
    const results = await Promise.all(
      Array.from({ length: maxFailuresPerEmail + 5 }, () => login(email, 'wrong password')),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(maxFailuresPerEmail)
    expect(statuses.filter((s) => s === 429)).toHaveLength(5)
  })

  it('a new window starts once the old one has passed', async () => {
    const email = uniqueEmail('window')
    await register({ email })
    await failTimes(maxFailuresPerEmail, email)
    expect((await login(email, PASSWORD)).status).toBe(429)
    const past = new Date(Date.now() - (windowSeconds + 1) * 1000).toISOString()
    await env.DB.prepare('UPDATE login_throttle SET window_start = ? WHERE key = ?').bind(past, `email:${email}`).run()
    expect((await login(email, PASSWORD)).status).toBe(200)
  })

  it('the cron purge drops throttle rows whose window has ended', async () => {
    const email = uniqueEmail('purge')
    await failTimes(1, email)
    const past = new Date(Date.now() - (windowSeconds + 1) * 1000).toISOString()
    await env.DB.prepare('UPDATE login_throttle SET window_start = ? WHERE key = ?').bind(past, `email:${email}`).run()
    const result = await purgeExpiredAuthState(env)
    expect(result.login_throttle).toBeGreaterThanOrEqual(1)
    const row = await env.DB.prepare('SELECT 1 FROM login_throttle WHERE key = ?').bind(`email:${email}`).first()
    expect(row).toBeNull()
  })

  it('throttles wrong current passwords on the password change endpoint', async () => {
    const email = uniqueEmail('pwchange')
    const t = await register({ email })
    for (let i = 0; i < maxFailuresPerEmail; i++) {
      const res = await api('POST', '/api/v1/me/password', {
        headers: bearer(t.access_token),
        body: { current_password: 'wrong password', new_password: 'another password' },
      })
      expect(res.status).toBe(403)
    }
    const blocked = await api('POST', '/api/v1/me/password', {
      headers: bearer(t.access_token),
      body: { current_password: PASSWORD, new_password: 'another password' },
    })
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('Retry-After')).toBeTruthy()
  })
})
