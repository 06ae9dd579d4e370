// Notifications at every return step: the customer hears of each step once (requested, approved or
// refused, received, refunded, cancelled), staff hear of a new and of a withdrawn request, and a
// duplicated HTTP request or a redelivered queue message sends nothing twice.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { TEMPLATES } from '../../src/modules/notifications/schema'
import { render } from '../../src/modules/notifications/templates'
import { api } from '../helpers'
import { captureEvents, deliver, installProviderFakes, patchMe } from '../notifications/harness'
import { askReturn, deliveredOrder, receive } from './harness'

afterEach(() => vi.restoreAllMocks())

const returnEvents = (events: () => DomainEvent[]) => events().filter((e) => e.type.startsWith('return.'))

describe('returns: one notification per step', () => {
  it('requested → approved → received → refunded: one email each to the customer, one alert per staff member; duplicates send nothing', async () => {
    const fakes = installProviderFakes()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [2] })
    const events = captureEvents()

    const key = crypto.randomUUID()
    const asked = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Too small' }, key)
    expect(asked.status).toBe(201)
    expect(
      (await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Too small' }, key)).status,
    ).toBe(200)
    const id = asked.body.return.id as string
    const approve = () => api('POST', `/api/v1/admin/returns/${id}/approve`, { headers: staff.auth, body: {} })
    expect((await Promise.all([approve(), approve()])).map((r) => r.status)).toEqual([200, 200])
    const received = await Promise.all([receive(staff, id, { lines: [] }), receive(staff, id, { lines: [] })])
    expect(received.map((r) => r.body.return.status)).toEqual(['refunded', 'refunded'])

    // Each step published once, whatever the duplicated requests did.
    const published = returnEvents(events)
    expect(published.map((e) => e.type)).toEqual(['return.requested', 'return.approved', 'return.received', 'return.refunded'])
    // The queue delivers at least once: every event twice, in two batches.
    await deliver(published)
    await deliver(published)

    const toCustomer = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === customer.email).map((m) => m.subject)
    expect(toCustomer).toEqual([
      `Return request for order ${order.id} received`,
      `Return for order ${order.id} approved`,
      `Return ${id} received`,
      `Refund for return ${id}`,
    ])
    const receivedMail = fakes.sendgrid.sent.find((m) => m.subject === `Return ${id} received`)!
    expect(receivedMail.text).toContain(`We have received the items you returned from order ${order.id}`)
    expect((receivedMail.text ?? '').replace(/[\u00a0\u202f]/g, ' ')).toContain('refunding $20.00')
    const toStaff = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === staff.email).map((m) => m.subject)
    expect(toStaff).toEqual([`New return request for order ${order.id}`])
  })

  it('a return withdrawn by the customer: one confirmation (ru) to the customer, one notice to each staff member', async () => {
    const fakes = installProviderFakes()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1] })
    await patchMe(customer.auth, { locale: 'ru' })
    const events = captureEvents()
    const asked = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Передумал' })
    const id = asked.body.return.id as string
    const cancel = () => api('POST', `/api/v1/returns/${id}/cancel`, { headers: customer.auth })
    const cancelled = await Promise.all([cancel(), cancel()])
    expect(cancelled.map((r) => r.status)).toEqual([200, 200])
    expect(cancelled.map((r) => r.body.changed).sort()).toEqual([false, true])
    expect((await cancel()).body).toMatchObject({ changed: false, return: { status: 'cancelled' } })

    const published = returnEvents(events)
    expect(published.map((e) => e.type)).toEqual(['return.requested', 'return.cancelled'])
    await deliver(published)
    await deliver([published[1]!])

    const toCustomer = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === customer.email)
    expect(toCustomer.map((m) => m.subject)).toEqual([`Заявка на возврат по заказу ${order.id} получена`, `Возврат ${id} отменён`])
    expect(toCustomer[1]!.text).toContain(`Вы отменили заявку на возврат ${id} по заказу ${order.id}.`)
    const toStaff = fakes.sendgrid.sent.filter((m) => m.to[0]!.email === staff.email)
    expect(toStaff.map((m) => m.subject)).toEqual([
      `New return request for order ${order.id}`,
      `Return for order ${order.id} withdrawn by the customer`,
    ])
    expect(toStaff[1]!.text).toContain(`The customer withdrew return request ${id}`)
  })

  it('every return template has its English and Russian copy, naming the return', () => {
    const order = {
      order_id: 'ord_1',
      user_id: 'usr_1',
      return: {
        id: 'ret_1',
        status: 'received',
        reason: 'Too small',
        refund: { amount: 1500, currency: 'EUR' },
        lines: [{ product_name: 'Scarf', quantity: 1 }],
      },
    }
    const names = TEMPLATES.filter((t) => t.startsWith('return_'))
    expect(names).toEqual(
      expect.arrayContaining(['return_received', 'return_cancelled', 'return_staff_cancelled', 'return_requested', 'return_refunded']),
    )
    for (const name of names) {
      const en = render(name, 'en', 'email', { brand: 'Shop', name: 'Ann', order })
      const ru = render(name, 'ru', 'email', { brand: 'Shop', name: 'Анна', order })
      expect(`${en.subject}\n${en.text}`).toContain('ret_1')
      expect(`${ru.subject}\n${ru.text}`).toContain('ret_1')
      expect(ru.subject).toMatch(/[А-Яа-я]/)
      expect(ru.subject).not.toBe(en.subject)
    }
  })
})
