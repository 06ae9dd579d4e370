import { env } from 'cloudflare:test'
import { eq, like } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { webhookDeliveries, webhookEvents } from '../../src/modules/integrations/tables'
import { api, createUser } from '../helpers'
import { captureEvents, deliver, installProviderFakes, patchMe } from '../notifications/harness'
import { askReturn, deliveredOrder, receive } from './harness'

afterEach(() => vi.restoreAllMocks())

const nbsp = (s: string | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ')

describe('returns: events, notifications and webhooks', () => {
  it('each step publishes return.<status> with the return, and subscribed webhook endpoints get return.* once each', async () => {
    const admin = await createUser('admin')
    const endpoint = await api('POST', '/api/v1/admin/webhooks/endpoints', {
      headers: admin.auth,
      body: {
        url: 'https://receiver.test/returns',
        events: ['return.requested', 'return.approved', 'return.refused', 'return.received', 'return.refunded'],
      },
    })
    expect(endpoint.status).toBe(201)
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1] })
    const events = captureEvents()

    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Wrong colour' })
    await api('POST', `/api/v1/admin/returns/${a.body.return.id}/approve`, { headers: staff.auth })
    await Promise.all([receive(staff, a.body.return.id, { lines: [] }), receive(staff, a.body.return.id, { lines: [] })])

    const returnEvents = events().filter((e) => e.type.startsWith('return.'))
    expect(returnEvents.map((e) => e.type)).toEqual(['return.requested', 'return.approved', 'return.received', 'return.refunded'])
    expect(returnEvents[0]!.data).toMatchObject({
      order_id: order.id,
      user_id: customer.id,
      return: { id: a.body.return.id, status: 'requested', reason: 'Wrong colour', refund: { amount: 2000, currency: 'USD' } },
    })
    expect(returnEvents[1]!.data.return).toMatchObject({ status: 'approved', method: 'instructions' })

    const stored = await getDb(env)
      .select()
      .from(webhookEvents)
      .where(like(webhookEvents.payload, `%${a.body.return.id}%`))
    expect(stored.map((e) => e.type).sort()).toEqual(['return.approved', 'return.received', 'return.refunded', 'return.requested'])
    const deliveries = await getDb(env).select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.body.id))
    expect(deliveries).toHaveLength(4)
    expect((await api('GET', '/api/v1/admin/webhooks/event-types', { headers: admin.auth })).body.data).toEqual(
      expect.arrayContaining(['return.requested', 'return.refunded']),
    )
  })

  it('the customer is told at each step (en/ru) and every staff member hears of a new request, once per redelivery', async () => {
    const fakes = installProviderFakes()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1] })
    await patchMe(customer.auth, { locale: 'ru' })
    const events = captureEvents()
    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Мал размер' })
    const refused = await api('POST', `/api/v1/admin/returns/${a.body.return.id}/refuse`, {
      headers: staff.auth,
      body: { note: 'Нет чека' },
    })
    expect(refused.status).toBe(200)
    const published = events().filter((e) => e.type.startsWith('return.'))

    await deliver([published[0]!])
    await deliver([published[0]!]) // a redelivery sends nothing again
    const toCustomer = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === customer.email)
    expect(toCustomer).toHaveLength(1)
    expect(toCustomer[0]!.subject).toBe(`Заявка на возврат по заказу ${order.id} получена`)
    const toStaff = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === staff.email)
    expect(toStaff).toHaveLength(1)
    expect(toStaff[0]!.subject).toBe(`New return request for order ${order.id}`)
    expect(nbsp(toStaff[0]!.text)).toContain('refund $20.00')
    expect(toStaff[0]!.text).toContain('Reason: Мал размер')

    await deliver([published[1]!])
    const refusal = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === customer.email).at(-1)!
    expect(refusal.subject).toBe(`Возврат по заказу ${order.id} отклонён`)
    expect(refusal.text).toContain('Причина: Нет чека')
  })

  it('the approval email carries the instructions; the refund email the amount (en)', async () => {
    const fakes = installProviderFakes()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [2] })
    const events = captureEvents()
    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    await api('POST', `/api/v1/admin/returns/${a.body.return.id}/approve`, { headers: staff.auth })
    await receive(staff, a.body.return.id, { lines: [] })
    const byType = new Map(events().map((e) => [e.type, e]))
    await deliver([byType.get('return.approved')!, byType.get('return.refunded')!])
    const mine = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === customer.email)
    expect(mine.map((m) => m.subject)).toEqual([`Return for order ${order.id} approved`, `Refund for return ${a.body.return.id}`])
    expect(mine[0]!.text).toContain(a.body.return.id)
    expect(mine[0]!.text).toContain('Louisville')
    expect(nbsp(mine[1]!.text)).toContain('refunded $20.00')
  })
})
