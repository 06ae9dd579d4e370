import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LOGIN_THROTTLE } from '../../src/modules/accounts/throttle'
import { purgeExpiredAuthState } from '../../src/modules/accounts/service'
import { api } from '../helpers'
import { bearer, login, PASSWORD, register, uniqueEmail, uniqueIp } from './util'

const { maxFailuresPerAccountAndIp: maxPair, challengeAfterAccountFailures, challengeAfterIpFailures, windowSeconds } = LOGIN_THROTTLE

async function failTimes(n: number, email: string, ip?: string) {
  for (let i = 0; i < n; i++) {
    const res = await login(email, 'wrong password', ip)
    expect(res.status).toBe(401)
  }
}

describe('login throttling', () => {
  it('matches the limits docs/security.md documents', () => {
    expect(maxPair).toBe(5)
    expect(challengeAfterAccountFailures).toBe(10)
    expect(challengeAfterIpFailures).toBe(20)
    expect(windowSeconds).toBe(900)
  })

  it('locks an account only from the IP that failed, even for the right password', async () => {
    const email = uniqueEmail('victim')
    const ip = uniqueIp()
    await register({ email })
    await failTimes(maxPair, email, ip)
    const blocked = await login(email, PASSWORD, ip)
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('rate_limited')
    const retryAfter = Number(blocked.headers.get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
    // Casing does not get around it.
    expect((await login(email.toUpperCase(), PASSWORD, ip)).status).toBe(429)
    // The owner from another address is not locked out.
    expect((await login(email, PASSWORD, uniqueIp())).status).toBe(200)
  })

  it('failures from many IPs cannot lock the owner out (Turnstile off: no challenge either)', async () => {
    const email = uniqueEmail('many-ips')
    await register({ email })
    for (let i = 0; i < challengeAfterAccountFailures + 2; i++) await failTimes(1, email, uniqueIp())
    expect((await login(email, PASSWORD, uniqueIp())).status).toBe(200)
  })

  it('counts unknown emails too', async () => {
    const email = uniqueEmail('ghost')
    const ip = uniqueIp()
    await failTimes(maxPair, email, ip)
    expect((await login(email, 'anything', ip)).status).toBe(429)
  })

  it('failures across many accounts from one IP do not lock other accounts from that IP', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < challengeAfterIpFailures + 2; i++) {
      expect((await login(uniqueEmail('spray'), 'wrong password', ip)).status).toBe(401)
    }
    const email = uniqueEmail('fresh')
    await register({ email })
    expect((await login(email, PASSWORD, ip)).status).toBe(200)
  })

  it('a successful login clears the counter', async () => {
    const email = uniqueEmail('clears')
    const ip = uniqueIp()
    await register({ email })
    await failTimes(maxPair - 1, email, ip)
    expect((await login(email, PASSWORD, ip)).status).toBe(200)
    // A full allowance again.
    await failTimes(maxPair, email, ip)
    expect((await login(email, PASSWORD, ip)).status).toBe(429)
  })

  it('does not let a burst of concurrent guesses past the limit', async () => {
    const email = uniqueEmail('burst')
    const ip = uniqueIp()
    await register({ email })
    const results = await Promise.all(Array.from({ length: maxPair + 5 }, () => login(email, 'wrong password', ip)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(maxPair)
    expect(statuses.filter((s) => s === 429)).toHaveLength(5)
  })

  it('a new window starts once the old one has passed', async () => {
    const email = uniqueEmail('window')
    const ip = uniqueIp()
    await register({ email })
    await failTimes(maxPair, email, ip)
    expect((await login(email, PASSWORD, ip)).status).toBe(429)
    const past = new Date(Date.now() - (windowSeconds + 1) * 1000).toISOString()
    await env.DB.prepare('UPDATE login_throttle SET window_start = ? WHERE key = ?').bind(past, `email+ip:${email}|${ip}`).run()
    expect((await login(email, PASSWORD, ip)).status).toBe(200)
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
    for (let i = 0; i < LOGIN_THROTTLE.maxPasswordChangeFailures; i++) {
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
