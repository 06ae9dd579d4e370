import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, createUser } from '../helpers'
import { deliver, deliveries, installProviderFakes, orderEvent, patchMe } from './harness'

afterEach(() => vi.restoreAllMocks())

describe('log provider and the admin notifications API', () => {
  it('in log mode nothing is sent anywhere, and staff can read the rendered message', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser('customer', { name: 'Boris' })
    await patchMe(user.auth, { locale: 'ru', phone: '+77017654321', notification_channels: ['email', 'sms'] })
    const event = orderEvent('order.shipped', user.id, { tracking: { carrier: 'Kazpost', tracking_number: 'RR123456789KZ' } })

    const result = await deliver([event], { env: { NOTIFICATIONS_PROVIDER_MODE: 'log' } })
    expect(result.explicitAcks).toHaveLength(1)
    expect(fakes.fetchSpy).not.toHaveBeenCalled()

    const { data } = await deliveries(staff.auth, `?event_id=${event.id}&provider=log`)
    expect(data.map((d) => d.channel).sort()).toEqual(['email', 'sms'])
    const sms = data.find((d) => d.channel === 'sms')!
    expect(sms).toMatchObject({ status: 'sent', provider: 'log', recipient: '+77017654321', locale: 'ru' })
    expect(sms.provider_message_id).toMatch(/^logmsg_/)

    const detail = await api('GET', `/api/v1/admin/notifications/${sms.id}`, { headers: staff.auth })
    expect(detail.status).toBe(200)
    expect(detail.body.subject).toBe('Заказ ord_01jtestorder000000000000001 отправлен')
    expect(detail.body.body).toContain('Служба доставки: Kazpost, трек-номер: RR123456789KZ.')
  })

  it('a channel without credentials falls back to the log provider; real sends keep no body', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    await patchMe(user.auth, { telegram_chat_id: '99', notification_channels: ['email', 'telegram'] })
    const event = orderEvent('order.cancelled', user.id)

    await deliver([event], { env: { TELEGRAM_BOT_TOKEN: '' } })

    expect(fakes.sendgrid.sent).toHaveLength(1)
    expect(fakes.telegram.sent).toHaveLength(0)
    const { data } = await deliveries(staff.auth, `?event_id=${event.id}`)
    const byChannel = Object.fromEntries(data.map((d) => [d.channel, d]))
    expect(byChannel.telegram).toMatchObject({ provider: 'log', status: 'sent' })
    expect(byChannel.email).toMatchObject({ provider: 'sendgrid', status: 'sent' })
    const email = await api('GET', `/api/v1/admin/notifications/${byChannel.email.id}`, { headers: staff.auth })
    expect(email.body).toMatchObject({ subject: null, body: null })
  })

  it('is for staff and admins only', async () => {
    const customer = await createUser('customer')
    const seller = await createUser('seller')
    const admin = await createUser('admin')
    expect((await api('GET', '/api/v1/admin/notifications')).status).toBe(401)
    expect((await api('GET', '/api/v1/admin/notifications', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/notifications', { headers: seller.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/notifications/ntf_x', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/notifications/dead-letters', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/notifications', { headers: admin.auth })).status).toBe(200)
    const missing = await api('GET', '/api/v1/admin/notifications/ntf_missing', { headers: admin.auth })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('not_found')
  })

  it('filters and paginates with a keyset cursor, newest first', async () => {
    installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    const events = [orderEvent('order.paid', user.id), orderEvent('order.shipped', user.id), orderEvent('order.delivered', user.id)]
    for (const e of events) await deliver([e])

    const seen: Record<string, any>[] = []
    let cursor: string | null = null
    do {
      const page: { data: Record<string, any>[]; next_cursor: string | null } = await deliveries(
        staff.auth,
        `?user_id=${user.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.data.length).toBeLessThanOrEqual(2)
      seen.push(...page.data)
      cursor = page.next_cursor
    } while (cursor)
    // Every delivery exactly once, in (created_at, id) descending order (several may share a millisecond).
    expect(seen.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort())
    const keys = seen.map((d) => `${d.created_at}|${d.id}`)
    expect(keys).toEqual([...keys].sort().reverse())

    const shipped = await deliveries(staff.auth, `?user_id=${user.id}&template=order_shipped&status=sent&channel=email`)
    expect(shipped.data.map((d) => d.event_id)).toEqual([events[1]!.id])

    expect((await api('GET', '/api/v1/admin/notifications?cursor=garbage', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/notifications?status=bogus', { headers: staff.auth })).status).toBe(400)
  })
})
