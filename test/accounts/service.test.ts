import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'
import { getDefaultAddress } from '../../src/modules/accounts/addresses'
import { getActiveUserById, getUserByEmail, getUserById, setPassword } from '../../src/modules/accounts/service'
import { api } from '../helpers'
import { bearer, login, refresh, register, uniqueEmail } from './util'

describe('service functions other modules call', () => {
  it('getUserById returns exactly the public shape, or null', async () => {
    const t = await register()
    const user = await getUserById(getDb(env), t.user.id)
    expect(Object.keys(user!).sort()).toEqual(
      ['email', 'email_verified_at', 'id', 'locale', 'name', 'notification_channels', 'phone', 'role', 'telegram_chat_id'].sort(),
    )
    expect(user).toMatchObject({ id: t.user.id, role: 'customer', notification_channels: ['email'] })
    expect(await getUserById(getDb(env), 'usr_missing')).toBeNull()
  })

  it('getActiveUserById hides disabled users; getUserByEmail finds any casing', async () => {
    const email = uniqueEmail('svc')
    const t = await register({ email })
    expect((await getUserByEmail(getDb(env), ` ${email.toUpperCase()}`))?.id).toBe(t.user.id)
    await env.DB.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').bind(new Date().toISOString(), t.user.id).run()
    expect(await getActiveUserById(getDb(env), t.user.id)).toBeNull()
    expect((await getUserByEmail(getDb(env), email))?.disabled).toBe(true)
  })

  it('setPassword replaces the password and revokes every session', async () => {
    const email = uniqueEmail('reset')
    const t = await register({ email })
    await setPassword(env, getDb(env), t.user.id, 'the reset password')
    expect((await refresh(t.refresh_token)).status).toBe(401)
    expect((await login(email, 'the reset password')).status).toBe(200)
  })

  it('getDefaultAddress follows the default', async () => {
    const t = await register()
    expect(await getDefaultAddress(getDb(env), t.user.id)).toBeNull()
    const body = { name: 'A', line1: 'L', city: 'C', country: 'US' }
    const first = await api('POST', '/api/v1/me/addresses', { headers: bearer(t.access_token), body })
    const second = await api('POST', '/api/v1/me/addresses', { headers: bearer(t.access_token), body: { ...body, is_default: true } })
    expect((await getDefaultAddress(getDb(env), t.user.id))?.id).toBe(second.body.id)
    expect(first.body.id).not.toBe(second.body.id)
  })
})
