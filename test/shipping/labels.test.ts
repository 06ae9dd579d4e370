import { env, SELF } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { shipmentLines, shipments } from '../../src/modules/shipping/tables'
import { api, BASE, createUser } from '../helpers'
import { buyLabel, carrierMethod, installCarriers, paidOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const orderAs = (who: { auth: Record<string, string> }, id: string) => api('GET', `/api/v1/orders/${id}`, { headers: who.auth })

describe('carrier labels', () => {
  it("staff buy one FedEx label for the whole order (the order's carrier method): label stored, lines shipped through the order", async () => {
    const { fedex } = installCarriers()
    const method = await carrierMethod('fedex', 'FEDEX_GROUND')
    const { customer, order, lineOf } = await paidOrder(method.id, { sellers: 2 })
    const staff = await createUser('staff')

    const res = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0), lineOf(1)] })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      order_id: order.id,
      kind: 'outbound',
      carrier: 'fedex',
      carrier_name: 'FedEx',
      service_code: 'FEDEX_GROUND',
      status: 'label_created',
      weight_grams: 1600,
      label_content_type: 'application/pdf',
    })
    expect(res.body.line_ids.sort()).toEqual([lineOf(0), lineOf(1)].sort())
    const tracking = res.body.tracking_number as string
    expect(fedex.state.shipments.get(tracking)).toMatchObject({ service: 'FEDEX_GROUND', weightKg: 1.6, reference: res.body.id })
    expect(res.body.cost).toMatchObject({ currency: 'USD', amount: expect.any(Number) })

    const file = await SELF.fetch(`${BASE}${res.body.label_url}`, { headers: staff.auth })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect((await file.text()).startsWith('%PDF-')).toBe(true)

    const after = await orderAs(customer, order.id)
    expect(after.body.status).toBe('shipped')
    for (const l of after.body.lines) expect(l).toMatchObject({ fulfilment_status: 'shipped', carrier: 'FedEx', tracking_number: tracking })
    expect(after.body.timeline.at(-1)).toMatchObject({ to: 'shipped', meta: { carrier: 'FedEx', tracking_number: tracking } })

    const list = await api('GET', `/api/v1/admin/orders/${order.id}/shipments`, { headers: staff.auth })
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([res.body.id])
    // Lines that shipped cannot get a second label.
    const again = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0)] })
    expect(again.status).toBe(409)
  })

  it('two clicks with one Idempotency-Key buy one label; a racing purchase with another key for the same line gets 409', async () => {
    const { ups } = installCarriers()
    const method = await carrierMethod('ups', '03')
    const { order, lineOf } = await paidOrder(method.id, { sellers: 2 })
    const staff = await createUser('staff')
    const path = `/api/v1/admin/orders/${order.id}/shipments`

    const [a, b] = await Promise.all([
      buyLabel(staff, path, { line_ids: [lineOf(0)] }, 'click'),
      buyLabel(staff, path, { line_ids: [lineOf(0)] }, 'click'),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 201])
    expect(a.body.id).toBe(b.body.id)
    expect(a.body.tracking_number).toBe(b.body.tracking_number)
    expect(ups.state.calls.ship).toBe(1)
    expect((a.status === 200 ? a : b).headers.get('idempotent-replayed')).toBe('true')

    const [x, y] = await Promise.all([
      buyLabel(staff, path, { line_ids: [lineOf(1)] }, 'k1'),
      buyLabel(staff, path, { line_ids: [lineOf(1)] }, 'k2'),
    ])
    expect([x.status, y.status].sort()).toEqual([201, 409])
    expect(ups.state.calls.ship).toBe(2)
    expect(await getDb(env).select().from(shipments).where(eq(shipments.orderId, order.id))).toHaveLength(2)
  })

  it('a seller buys a UPS label for their own line only and can download it; others cannot', async () => {
    installCarriers()
    const flat = await carrierMethod('fedex', 'FEDEX_GROUND')
    const { order, sellers, lineOf, customer } = await paidOrder(flat.id, { sellers: 2 })
    const [s0, s1] = sellers as [Awaited<ReturnType<typeof createUser>>, Awaited<ReturnType<typeof createUser>>]

    const notMine = await buyLabel(s0, `/api/v1/seller/orders/${order.id}/shipments`, {
      line_ids: [lineOf(1)],
      carrier: 'ups',
      service_code: '03',
    })
    expect(notMine.status).toBe(404)
    const halfCarrier = await buyLabel(s0, `/api/v1/seller/orders/${order.id}/shipments`, { line_ids: [lineOf(0)], carrier: 'ups' })
    expect(halfCarrier.status).toBe(400)

    const mine = await buyLabel(s0, `/api/v1/seller/orders/${order.id}/shipments`, {
      line_ids: [lineOf(0)],
      carrier: 'ups',
      service_code: '03',
    })
    expect(mine.status).toBe(201)
    expect(mine.body).toMatchObject({
      carrier: 'ups',
      service_code: '03',
      created_by: { type: 'seller', id: s0.id },
      label_content_type: 'image/gif',
    })
    // One line of two shipped: the order waits for the other.
    expect((await orderAs(customer, order.id)).body.status).toBe('paid')

    const own = await SELF.fetch(`${BASE}${mine.body.label_url}`, { headers: s0.auth })
    expect(own.status).toBe(200)
    expect(own.headers.get('content-type')).toBe('image/gif')
    expect((await SELF.fetch(`${BASE}${mine.body.label_url}`, { headers: s1.auth })).status).toBe(404)
    expect((await SELF.fetch(`${BASE}${mine.body.label_url}`, { headers: customer.auth })).status).toBe(403)
    expect((await SELF.fetch(`${BASE}${mine.body.label_url}`)).status).toBe(401)

    const seen = await api('GET', `/api/v1/seller/orders/${order.id}/shipments`, { headers: s1.auth })
    expect(seen.body.data).toEqual([])
  })

  it('a carrier outage buys nothing and frees the lines (502); the same key then succeeds', async () => {
    const { fedex } = installCarriers()
    const method = await carrierMethod('fedex', 'FEDEX_GROUND')
    const { order, lineOf } = await paidOrder(method.id)
    const staff = await createUser('staff')
    const path = `/api/v1/admin/orders/${order.id}/shipments`
    fedex.failNext(503)

    const down = await buyLabel(staff, path, { line_ids: [lineOf(0)] }, 'retry-me')
    expect(down.status).toBe(502)
    expect(down.body.error.code).toBe('upstream_error')
    expect(await getDb(env).select().from(shipmentLines).where(eq(shipmentLines.orderId, order.id))).toHaveLength(0)

    const up = await buyLabel(staff, path, { line_ids: [lineOf(0)] }, 'retry-me')
    expect(up.status).toBe(201)
  })

  it('validates input: no lines, unknown line, no Idempotency-Key, an unpaid order', async () => {
    installCarriers()
    const method = await carrierMethod('ups', '03')
    const { order } = await paidOrder(method.id)
    const staff = await createUser('staff')
    const path = `/api/v1/admin/orders/${order.id}/shipments`
    expect((await buyLabel(staff, path, { line_ids: [] })).status).toBe(400)
    expect((await buyLabel(staff, path, { line_ids: ['oli_nope'] })).status).toBe(404)
    expect((await api('POST', path, { headers: staff.auth, body: { line_ids: ['x'] } })).status).toBe(400)
    expect((await buyLabel(staff, `/api/v1/admin/orders/ord_missing/shipments`, { line_ids: ['x'] })).status).toBe(404)
    const customer = await createUser('customer')
    expect((await buyLabel(customer, path, { line_ids: ['x'] })).status).toBe(403)
  })
})
