import { afterEach, describe, expect, it, vi } from 'vitest'
import { createUser } from '../helpers'
import { deliver, deliveries, installProviderFakes, orderEvent, patchMe } from './harness'

afterEach(() => vi.restoreAllMocks())

const nbsp = (s: string | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ')

describe('notifications consumer: sending', () => {
  it('emails an order confirmation through SendGrid v3 and records the delivery', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser('customer', { name: 'Ann Lee' })
    const event = orderEvent('order.paid', user.id)

    const result = await deliver([event])

    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toEqual([])
    expect(fakes.sendgrid.sent).toHaveLength(1)
    const mail = fakes.sendgrid.sent[0]!
    expect(mail.apiKey).toBe('SG.vitest-key')
    expect(mail.to).toEqual([{ email: user.email, name: 'Ann Lee' }])
    expect(mail.from.email).toBe('no-reply@edge-commerce.example')
    expect(mail.subject).toBe('Order ord_01jtestorder000000000000001 confirmed')
    expect(mail.text).toContain('Hi Ann Lee,')
    expect(mail.text).toContain('$1,234.50')
    expect(mail.text).toContain('Wool scarf × 2, Tea mug × 1')
    expect(mail.html).toContain('<p>Hi Ann Lee,</p>')

    const { data } = await deliveries(staff.auth, `?event_id=${event.id}`)
    expect(data).toHaveLength(1)
    expect(data[0]).toMatchObject({
      event_type: 'order.paid',
      channel: 'email',
      recipient: user.email,
      template: 'order_confirmation',
      locale: 'en',
      provider: 'sendgrid',
      status: 'sent',
      attempts: 1,
      provider_message_id: mail.messageId,
      last_error: null,
    })
  })

  it('renders Russian for a ru customer, with money formatted from minor units', async () => {
    const fakes = installProviderFakes()
    const user = await createUser('customer', { name: 'Анна' })
    await patchMe(user.auth, { locale: 'ru' })

    await deliver([orderEvent('order.paid', user.id, { total: { amount: 123450, currency: 'RUB' } })])
    await deliver([orderEvent('order.refunded', user.id, { refund: { amount: 50000, currency: 'RUB' } })])

    const [paid, refunded] = fakes.sendgrid.sent
    expect(paid!.subject).toBe('Заказ ord_01jtestorder000000000000001 подтверждён')
    expect(paid!.text).toContain('Здравствуйте, Анна!')
    expect(nbsp(paid!.text)).toContain('1 234,50 ₽')
    expect(refunded!.subject).toBe('Возврат средств по заказу ord_01jtestorder000000000000001')
    expect(nbsp(refunded!.text)).toContain('Мы вернули 500,00 ₽')
  })

  it('formats zero- and three-decimal currencies correctly', async () => {
    const fakes = installProviderFakes()
    const user = await createUser()
    await deliver([orderEvent('order.failed', user.id, { total: { amount: 1500, currency: 'JPY' } })])
    await deliver([orderEvent('order.refunded', user.id, { refund: { amount: 12345, currency: 'KWD' } })])
    expect(fakes.sendgrid.sent[0]!.subject).toBe('Payment for order ord_01jtestorder000000000000001 failed')
    expect(fakes.sendgrid.sent[0]!.text).toContain('¥1,500')
    expect(fakes.sendgrid.sent[1]!.text).toContain('KWD')
    expect(fakes.sendgrid.sent[1]!.text).toContain('12.345')
  })

  it('follows channel preferences saved through PATCH /me, and picks up changes for the next event', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    await patchMe(user.auth, { phone: '+77011234567', telegram_chat_id: '424242', notification_channels: ['sms', 'telegram'] })

    const shipped = orderEvent('order.shipped', user.id, { tracking: { carrier: 'DHL', tracking_number: 'JD014600006281' } })
    await deliver([shipped])

    expect(fakes.sendgrid.sent).toHaveLength(0)
    expect(fakes.twilio.sent).toHaveLength(1)
    expect(fakes.twilio.sent[0]).toMatchObject({
      to: '+77011234567',
      from: '+15005550006',
      accountSid: 'ACvitest00000000000000000000000000',
    })
    expect(fakes.twilio.sent[0]!.body).toContain('Carrier: DHL, tracking number: JD014600006281.')
    expect(fakes.telegram.sent).toHaveLength(1)
    expect(fakes.telegram.sent[0]).toMatchObject({ chatId: '424242', token: '123456:vitest-bot-token' })
    expect(fakes.telegram.sent[0]!.text).toContain('JD014600006281')

    await patchMe(user.auth, { notification_channels: ['whatsapp'] })
    const delivered = orderEvent('order.delivered', user.id)
    await deliver([delivered])

    expect(fakes.twilio.sent).toHaveLength(1)
    expect(fakes.telegram.sent).toHaveLength(1)
    expect(fakes.whatsapp.sent).toHaveLength(1)
    expect(fakes.whatsapp.sent[0]).toMatchObject({ to: '77011234567', phoneNumberId: '109876543210' })
    expect(fakes.whatsapp.sent[0]!.text).toContain('has been delivered')

    const first = await deliveries(staff.auth, `?event_id=${shipped.id}`)
    expect(first.data.map((d) => [d.channel, d.provider, d.status]).sort()).toEqual([
      ['sms', 'twilio', 'sent'],
      ['telegram', 'telegram', 'sent'],
    ])
    const second = await deliveries(staff.auth, `?event_id=${delivered.id}`)
    expect(second.data.map((d) => [d.channel, d.status, d.provider_message_id])).toEqual([['whatsapp', 'sent', fakes.whatsapp.sent[0]!.id]])
  })

  it('acks events that send nothing (no template, unknown user, malformed) without recording deliveries', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    const created = orderEvent('order.created', user.id)
    const ghost = orderEvent('order.paid', 'usr_does_not_exist')
    const result = await deliver([created, ghost, { nope: true } as never])
    expect(result.explicitAcks).toHaveLength(3)
    expect(result.retryMessages).toEqual([])
    expect(fakes.fetchSpy).not.toHaveBeenCalled()
    expect((await deliveries(staff.auth, `?event_id=${created.id}`)).data).toEqual([])
    expect((await deliveries(staff.auth, `?event_id=${ghost.id}`)).data).toEqual([])
  })
})

describe('notifications consumer: exactly one send per event and channel', () => {
  it('a redelivered event is not sent twice', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    const event = orderEvent('order.paid', user.id)

    const first = await deliver([event])
    const again = await deliver([event], { attempts: 2 })
    const inSameBatch = await deliver([event, event])

    expect(first.explicitAcks).toHaveLength(1)
    expect(again.explicitAcks).toHaveLength(1)
    expect(inSameBatch.explicitAcks).toHaveLength(2)
    expect(fakes.sendgrid.sent).toHaveLength(1)
    const { data } = await deliveries(staff.auth, `?event_id=${event.id}`)
    expect(data).toHaveLength(1)
    expect(data[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('two consumers racing on the same event send once; the loser retries instead of dropping it', async () => {
    const fakes = installProviderFakes()
    const user = await createUser()
    const event = orderEvent('order.paid', user.id)

    const [a, b] = await Promise.all([deliver([event]), deliver([event])])

    expect(fakes.sendgrid.sent).toHaveLength(1)
    const outcomes = [a, b].map((r) => (r.explicitAcks.length ? 'ack' : `retry:${r.retryMessages[0]?.delaySeconds}`)).sort()
    expect(outcomes).toEqual(['ack', 'retry:120'])
    // The retried copy finds the delivery settled and is acked without sending.
    const later = await deliver([event], { attempts: 2 })
    expect(later.explicitAcks).toHaveLength(1)
    expect(fakes.sendgrid.sent).toHaveLength(1)
  })
})

describe('notifications consumer: provider failures', () => {
  it('a provider 5xx is retried with backoff, then sent (attempts = 2)', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    const event = orderEvent('order.paid', user.id)
    fakes.sendgrid.failNext(503)

    const first = await deliver([event], { ids: ['m-5xx'] })
    expect(first.explicitAcks).toEqual([])
    expect(first.retryMessages).toEqual([{ msgId: 'm-5xx', delaySeconds: 30 }])
    let row = (await deliveries(staff.auth, `?event_id=${event.id}`)).data[0]!
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, provider_message_id: null })
    expect(row.last_error).toContain('sendgrid 503')

    const second = await deliver([event], { ids: ['m-5xx'], attempts: 2 })
    expect(second.explicitAcks).toEqual(['m-5xx'])
    expect(fakes.sendgrid.sent).toHaveLength(1)
    row = (await deliveries(staff.auth, `?event_id=${event.id}`)).data[0]!
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null, provider_message_id: fakes.sendgrid.sent[0]!.messageId })
  })

  it('a timeout or network error is retried like a 5xx', async () => {
    const user = await createUser()
    const staff = await createUser('staff')
    const spy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Network connection lost.'))
    const event = orderEvent('order.paid', user.id)
    const result = await deliver([event], { attempts: 3 })
    expect(spy).toHaveBeenCalledTimes(1)
    expect(result.retryMessages).toEqual([{ msgId: expect.any(String), delaySeconds: 120 }])
    const row = (await deliveries(staff.auth, `?event_id=${event.id}`)).data[0]!
    expect(row.status).toBe('retrying')
    expect(row.last_error).toContain('network error')
  })

  it('honours a provider Retry-After on 429 when it is longer than the backoff', async () => {
    const fakes = installProviderFakes()
    const user = await createUser()
    await patchMe(user.auth, { telegram_chat_id: '777', notification_channels: ['telegram'] })
    fakes.telegram.failNext(429, 1, { 'Retry-After': '300' })
    const result = await deliver([orderEvent('order.delivered', user.id)])
    expect(result.retryMessages[0]?.delaySeconds).toBe(300)
  })

  it('a retried channel the customer has since switched off is skipped, not retried forever', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    await patchMe(user.auth, { phone: '+77011234567', notification_channels: ['sms'] })
    fakes.twilio.failNext(503)
    const event = orderEvent('order.paid', user.id)
    expect((await deliver([event])).retryMessages).toHaveLength(1)

    await patchMe(user.auth, { notification_channels: ['email'] })
    const again = await deliver([event], { attempts: 2 })

    expect(again.explicitAcks).toHaveLength(1)
    expect(fakes.twilio.sent).toHaveLength(0)
    expect(fakes.sendgrid.sent).toHaveLength(1)
    const rows = (await deliveries(staff.auth, `?event_id=${event.id}`)).data
    expect(Object.fromEntries(rows.map((r) => [r.channel, r.status]))).toEqual({ sms: 'skipped', email: 'sent' })
  })

  it('a provider 4xx is recorded as failed, acked and never retried', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    await patchMe(user.auth, { phone: '+77011234567', notification_channels: ['email', 'sms'] })
    fakes.twilio.failNext(400)
    const event = orderEvent('order.paid', user.id)

    const result = await deliver([event], { ids: ['m-4xx'] })
    expect(result.explicitAcks).toEqual(['m-4xx'])
    expect(result.retryMessages).toEqual([])
    const rows = (await deliveries(staff.auth, `?event_id=${event.id}`)).data
    const sms = rows.find((r) => r.channel === 'sms')!
    expect(sms).toMatchObject({ status: 'failed', attempts: 1, provider: 'twilio' })
    expect(sms.last_error).toContain('twilio 400')
    expect(rows.find((r) => r.channel === 'email')).toMatchObject({ status: 'sent' })

    // Even if the queue delivered it again, neither channel is attempted a second time.
    const calls = fakes.fetchSpy.mock.calls.length
    await deliver([event], { attempts: 2 })
    expect(fakes.fetchSpy.mock.calls.length).toBe(calls)
  })

  it('after the last attempt the event is dead-lettered, recorded, and visible to staff', async () => {
    const fakes = installProviderFakes()
    const staff = await createUser('staff')
    const user = await createUser()
    const event = orderEvent('order.paid', user.id)
    // workers/notifications/wrangler.toml: max_retries = 5, so six deliveries in all.
    fakes.sendgrid.failNext(500, 6)

    const delays: number[] = []
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = await deliver([event], { ids: ['m-dead'], attempts: attempt })
      expect(result.explicitAcks).toEqual([])
      delays.push(result.retryMessages[0]!.delaySeconds!)
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960])
    let row = (await deliveries(staff.auth, `?event_id=${event.id}`)).data[0]!
    expect(row).toMatchObject({ status: 'retrying', attempts: 6 })

    // The queue now moves the message to notifications-dlq, whose consumer is the same Worker.
    const dlq = await deliver([event], { queue: 'notifications-dlq', ids: ['m-dead'], attempts: 1 })
    expect(dlq.explicitAcks).toEqual(['m-dead'])
    row = (await deliveries(staff.auth, `?event_id=${event.id}`)).data[0]!
    expect(row).toMatchObject({ status: 'dead', attempts: 6 })
    expect((await deliveries(staff.auth, '?status=dead')).data.map((d) => d.event_id)).toContain(event.id)

    const { api } = await import('../helpers')
    const letters = await api('GET', '/api/v1/admin/notifications/dead-letters', { headers: staff.auth })
    expect(letters.status).toBe(200)
    expect(letters.body.data).toContainEqual(
      expect.objectContaining({ event_id: event.id, event_type: 'order.paid', user_id: user.id, attempts: 6 }),
    )
    // A dead event is never sent later, even if it somehow came round again.
    await deliver([event], { attempts: 1 })
    expect(fakes.sendgrid.sent).toHaveLength(0)
  })
})
