import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { runScheduled } from '../../src/scheduled'
import { trackShipments } from '../../src/modules/shipping/tracking'
import { api, createUser } from '../helpers'
import { buyLabel, carrierMethod, installCarriers, paidOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const orderAs = (who: { auth: Record<string, string> }, id: string) => api('GET', `/api/v1/orders/${id}`, { headers: who.auth })

/** Events the OrderDOs published for `orderId` (every publish goes through the notifications queue). */
function publishedFor(send: { mock: { calls: unknown[][] } }, orderId: string, type: string) {
  return send.mock.calls
    .map((c) => c[0] as DomainEvent)
    .filter((e: DomainEvent) => e.type === type && (e.data as { order_id?: string }).order_id === orderId)
}

describe('tracking cron', () => {
  it("records the carrier's scans in the order timeline and moves the order to delivered once, notifying the customer", async () => {
    const { ups } = installCarriers()
    const method = await carrierMethod('ups', '03')
    const { customer, order, lineOf } = await paidOrder(method.id, { sellers: 2 })
    const staff = await createUser('staff')
    const label = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0), lineOf(1)] })
    expect(label.status).toBe(201)
    const send = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')

    // In transit only: scans recorded, order stays shipped.
    await trackShipments(env)
    expect((await orderAs(customer, order.id)).body.status).toBe('shipped')

    // UPS reports scan times to the second and the label's own scan was taken moments ago: the
    // delivery is scripted a minute later so the last event is unambiguous (it flaked on a tie).
    ups.deliver(label.body.tracking_number, new Date(Date.now() + 60_000))
    const run = await trackShipments(env)
    expect(run).toMatchObject({ delivered_orders: 1, errors: 0 })
    expect(run.events).toBeGreaterThanOrEqual(3)
    const after = await orderAs(customer, order.id)
    expect(after.body.status).toBe('delivered')
    for (const l of after.body.lines) expect(l.fulfilment_status).toBe('delivered')
    const notes = after.body.timeline.filter((t: { reason: string }) => t.reason?.startsWith('UPS: '))
    expect(notes.map((n: { reason: string }) => n.reason)).toEqual(
      expect.arrayContaining(['UPS: Picked up', 'UPS: Out for delivery', 'UPS: Delivered']),
    )
    expect(notes.find((n: { reason: string }) => n.reason === 'UPS: Delivered').meta).toMatchObject({
      tracking_number: label.body.tracking_number,
      tracking_status: 'delivered',
      location: 'London, GB',
    })
    expect(after.body.timeline.at(-1)).toMatchObject({
      from: 'shipped',
      to: 'delivered',
      actor: { type: 'system' },
      reason: 'delivered (carrier tracking)',
    })
    expect(publishedFor(send, order.id, 'order.delivered')).toHaveLength(1)

    const shipment = (await api('GET', `/api/v1/admin/orders/${order.id}/shipments`, { headers: staff.auth })).body.data[0]
    expect(shipment).toMatchObject({ status: 'delivered', delivered_at: expect.any(String) })
    expect(shipment.events.at(-1)).toMatchObject({ status: 'delivered', description: 'Delivered' })

    // Delivered shipments are not polled again; a second run changes nothing.
    const before = ups.state.calls.track
    const again = await runScheduled({ cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env)
    void again
    expect(ups.state.calls.track).toBe(before)
    const same = await orderAs(customer, order.id)
    expect(same.body.timeline).toHaveLength(after.body.timeline.length)
    expect(publishedFor(send, order.id, 'order.delivered')).toHaveLength(1)
  })

  it('an order with two parcels is delivered when the second arrives; FedEx numbers go in one batched call', async () => {
    const { fedex } = installCarriers()
    const method = await carrierMethod('fedex', 'FEDEX_GROUND')
    const { customer, order, lineOf } = await paidOrder(method.id, { sellers: 2 })
    const staff = await createUser('staff')
    const path = `/api/v1/admin/orders/${order.id}/shipments`
    const first = await buyLabel(staff, path, { line_ids: [lineOf(0)] })
    const second = await buyLabel(staff, path, { line_ids: [lineOf(1)] })
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)

    fedex.deliver(first.body.tracking_number)
    const calls = fedex.state.calls.track
    await trackShipments(env)
    expect(fedex.state.calls.track - calls).toBe(1)
    expect((await orderAs(customer, order.id)).body.status).toBe('shipped')

    fedex.deliver(second.body.tracking_number)
    await trackShipments(env)
    expect((await orderAs(customer, order.id)).body.status).toBe('delivered')
  })

  it('a carrier outage changes nothing; the next run picks the shipments up', async () => {
    const { ups } = installCarriers()
    const method = await carrierMethod('ups', '03')
    const { customer, order, lineOf } = await paidOrder(method.id)
    const staff = await createUser('staff')
    const label = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0)] })
    ups.deliver(label.body.tracking_number)
    ups.failNext(500, 100)

    const down = await trackShipments(env)
    expect(down.errors).toBeGreaterThan(0)
    expect((await orderAs(customer, order.id)).body.status).toBe('shipped')

    ups.state.failures.clear()
    await trackShipments(env)
    expect((await orderAs(customer, order.id)).body.status).toBe('delivered')
  })
})
