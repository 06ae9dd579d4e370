import { env, SELF } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { payments, refunds } from '../../src/modules/payments/tables'
import { returnLines, returns } from '../../src/modules/orders/return-tables'
import { shipments } from '../../src/modules/shipping/tables'
import { api, BASE, createUser } from '../helpers'
import { installCarriers } from '../shipping/harness'
import { askReturn, deliveredDaysAgo, deliveredOrder, receive, stockOf } from './harness'

afterEach(() => vi.restoreAllMocks())

describe('returns: the whole flow', () => {
  it('request → approve (instructions) → receive with restock → refunded exactly once under duplicated and concurrent requests', async () => {
    const { customer, staff, order, lineOf, variants } = await deliveredOrder({ quantities: [3] })
    const line = lineOf(0)
    const stockBefore = await stockOf(variants[0]!)

    const eligible = await api('GET', `/api/v1/orders/${order.id}/returns`, { headers: customer.auth })
    expect(eligible.status).toBe(200)
    expect(eligible.body).toMatchObject({
      data: [],
      window_days: 30,
      returnable: [{ line_id: line.id, quantity: 3, returnable_quantity: 3 }],
    })
    expect(Date.parse(eligible.body.deadline)).toBeGreaterThan(Date.now() + 29 * 86_400_000)

    const key = crypto.randomUUID()
    const asked = await askReturn(customer, order.id, { lines: [{ line_id: line.id, quantity: 2 }], reason: 'Too small' }, key)
    expect(asked.status).toBe(201)
    const ret = asked.body.return
    // 2 of 3 units of a 6000 line: 4000, no shipping.
    expect(ret).toMatchObject({
      status: 'requested',
      order_id: order.id,
      reason: 'Too small',
      refund: { amount: 4000, currency: 'USD' },
      lines: [{ line_id: line.id, quantity: 2, amount: { amount: 4000 } }],
    })
    // The same Idempotency-Key answers the same return.
    const again = await askReturn(customer, order.id, { lines: [{ line_id: line.id, quantity: 2 }], reason: 'Too small' }, key)
    expect(again.status).toBe(200)
    expect(again.body.return.id).toBe(ret.id)

    const approved = await api('POST', `/api/v1/admin/returns/${ret.id}/approve`, { headers: staff.auth, body: { note: 'ok' } })
    expect(approved.status).toBe(200)
    expect(approved.body.return).toMatchObject({ status: 'approved', method: 'instructions', label: null })
    expect(approved.body.return.instructions).toContain(ret.id)
    expect(approved.body.return.instructions).toContain('Louisville')

    // Three receives (different keys, racing) and two refund retries: one refund, one restock.
    const results = await Promise.all([
      receive(staff, ret.id, { lines: [{ line_id: line.id, restock: true }] }),
      receive(staff, ret.id, { lines: [{ line_id: line.id, restock: true }] }),
      receive(staff, ret.id, { lines: [{ line_id: line.id, restock: true }] }, 'same'),
      receive(staff, ret.id, { lines: [{ line_id: line.id, restock: true }] }, 'same'),
    ])
    for (const r of results) expect(r.status).toBe(200)
    expect(results.filter((r) => r.body.changed).length).toBe(1)
    const retries = await Promise.all([
      api('POST', `/api/v1/admin/returns/${ret.id}/refund`, { headers: { ...staff.auth, 'Idempotency-Key': 'r1' } }),
      api('POST', `/api/v1/admin/returns/${ret.id}/refund`, { headers: { ...staff.auth, 'Idempotency-Key': 'r2' } }),
    ])
    for (const r of retries) expect(r.status).toBe(200)

    const db = getDb(env)
    const rows = await db.select().from(refunds).where(eq(refunds.orderId, order.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ amount: 4000, status: 'succeeded', idempotencyKey: `return:${ret.id}` })
    const [payment] = await db.select().from(payments).where(eq(payments.orderId, order.id))
    expect(payment!.amountRefunded).toBe(4000)
    expect(await stockOf(variants[0]!)).toBe(stockBefore + 2)

    const final = await api('GET', `/api/v1/returns/${ret.id}`, { headers: customer.auth })
    expect(final.body).toMatchObject({ status: 'refunded', refund_id: rows[0]!.id, lines: [{ restock: true }] })
    expect(final.body.history.map((h: { status: string }) => h.status)).toEqual(['requested', 'approved', 'received', 'refunded'])
    const [row] = await db.select().from(returns).where(eq(returns.id, ret.id))
    expect(row).toMatchObject({ status: 'refunded', refundId: rows[0]!.id })
    expect(row!.restockedAt).not.toBeNull()

    const detail = await api('GET', `/api/v1/orders/${order.id}`, { headers: customer.auth })
    expect(detail.body).toMatchObject({ status: 'partially_refunded', refunded: { amount: 4000 } })
    const returnEntries = detail.body.timeline.filter((t: { meta: { return_id?: string } | null }) => t.meta?.return_id === ret.id)
    expect(returnEntries.map((t: { reason: string }) => t.reason)).toEqual([
      'return requested',
      'return approved',
      'return received',
      'return refunded',
    ])

    // The last unit can still be returned (partially refunded orders keep the right); its amount completes the line.
    const rest = await askReturn(customer, order.id, { lines: [{ line_id: line.id, quantity: 1 }], reason: 'Also too small' })
    expect(rest.status).toBe(201)
    expect(rest.body.return.refund.amount).toBe(2000)
  })

  it('restock off: the units do not go back on sale, the refund still goes out', async () => {
    const { customer, staff, order, lineOf, variants } = await deliveredOrder({ quantities: [1] })
    const before = await stockOf(variants[0]!)
    const asked = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'Broken' })
    await api('POST', `/api/v1/admin/returns/${asked.body.return.id}/approve`, { headers: staff.auth })
    const got = await receive(staff, asked.body.return.id, { lines: [{ line_id: lineOf(0).id, restock: false }] })
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({
      return: { status: 'refunded', lines: [{ restock: false }] },
      refund: { amount: { amount: 2000 }, status: 'succeeded' },
    })
    expect(await stockOf(variants[0]!)).toBe(before)
    const [line] = await getDb(env).select().from(returnLines).where(eq(returnLines.returnId, asked.body.return.id))
    expect(line!.restock).toBe(false)
  })
})

describe('returns: what is refused', () => {
  it('over-quantity, unknown or duplicate lines and bad input are 4xx envelopes; units held by a return are not returnable twice', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [2] })
    const id = lineOf(0).id
    const tooMany = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 3 }], reason: 'x' })
    expect(tooMany.status).toBe(422)
    expect(tooMany.body.error).toMatchObject({ code: 'unprocessable', details: [{ path: 'lines.0.quantity', returnable: 2 }] })
    const zero = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 0 }], reason: 'x' })
    expect(zero.status).toBe(400)
    expect(zero.body.error.code).toBe('validation_error')
    const noReason = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 1 }] })
    expect(noReason.status).toBe(400)
    const twice = await askReturn(customer, order.id, {
      lines: [
        { line_id: id, quantity: 1 },
        { line_id: id, quantity: 1 },
      ],
      reason: 'x',
    })
    expect(twice.status).toBe(422)
    const unknown = await askReturn(customer, order.id, { lines: [{ line_id: 'oli_nope', quantity: 1 }], reason: 'x' })
    expect(unknown.status).toBe(422)

    expect((await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 2 }], reason: 'x' })).status).toBe(201)
    // Concurrent asks for the last units: the OrderDO serializes, so none succeeds past the delivered quantity.
    const more = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 1 }], reason: 'x' })
    expect(more.status).toBe(422)
    expect(more.body.error.details[0].returnable).toBe(0)
  })

  it('concurrent requests for the same units: exactly one gets them', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [2] })
    const id = lineOf(0).id
    const all = await Promise.all(
      [1, 2, 3].map(() => askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 2 }], reason: 'x' })),
    )
    expect(all.map((r) => r.status).sort()).toEqual([201, 422, 422])
  })

  it('after the window closes, a return is refused (422) and nothing is returnable', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [1] })
    await deliveredDaysAgo(order.id, 31)
    const late = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    expect(late.status).toBe(422)
    expect(late.body.error.message).toMatch(/return window closed/)
    const eligible = await api('GET', `/api/v1/orders/${order.id}/returns`, { headers: customer.auth })
    expect(eligible.body.returnable[0].returnable_quantity).toBe(0)
    // 29 days is still inside.
    await deliveredDaysAgo(order.id, 29)
    expect((await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })).status).toBe(201)
  })

  it('orders not delivered cannot be returned (409)', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [1], stopAt: 'shipped' })
    const res = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('invalid_transition')
    expect((await api('GET', `/api/v1/orders/${order.id}/returns`, { headers: customer.auth })).body).toMatchObject({
      deadline: null,
      returnable: [{ returnable_quantity: 0 }],
    })
  })

  it('staff refuse with a note (required); the units are free again; the customer can cancel only before approval', async () => {
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1] })
    const id = lineOf(0).id
    const a = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 1 }], reason: 'Changed my mind' })
    expect((await api('POST', `/api/v1/admin/returns/${a.body.return.id}/refuse`, { headers: staff.auth, body: {} })).status).toBe(400)
    const refused = await api('POST', `/api/v1/admin/returns/${a.body.return.id}/refuse`, {
      headers: staff.auth,
      body: { note: 'Opened software cannot be returned' },
    })
    expect(refused.status).toBe(200)
    expect(refused.body.return).toMatchObject({ status: 'refused', note: 'Opened software cannot be returned' })
    // Refused returns cannot be approved or received.
    expect((await api('POST', `/api/v1/admin/returns/${a.body.return.id}/approve`, { headers: staff.auth })).status).toBe(409)
    expect((await receive(staff, a.body.return.id, { lines: [] })).status).toBe(409)

    const b = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 1 }], reason: 'Again' })
    expect(b.status).toBe(201)
    const cancelled = await api('POST', `/api/v1/returns/${b.body.return.id}/cancel`, { headers: customer.auth })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.return.status).toBe('cancelled')

    const c = await askReturn(customer, order.id, { lines: [{ line_id: id, quantity: 1 }], reason: 'Third time' })
    await api('POST', `/api/v1/admin/returns/${c.body.return.id}/approve`, { headers: staff.auth })
    expect((await api('POST', `/api/v1/returns/${c.body.return.id}/cancel`, { headers: customer.auth })).status).toBe(409)
    const refunds = await api('POST', `/api/v1/admin/returns/${c.body.return.id}/refund`, {
      headers: { ...staff.auth, 'Idempotency-Key': 'k' },
    })
    expect(refunds.status).toBe(409) // not received yet
  })
})

describe('returns: who sees and touches what', () => {
  it('a customer cannot read, ask for or cancel returns of another customer; customers cannot act as staff', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [1] })
    const stranger = await createUser('customer')
    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    const id = a.body.return.id
    expect((await api('GET', `/api/v1/returns/${id}`, { headers: stranger.auth })).status).toBe(404)
    expect((await api('POST', `/api/v1/returns/${id}/cancel`, { headers: stranger.auth })).status).toBe(404)
    expect((await api('GET', `/api/v1/orders/${order.id}/returns`, { headers: stranger.auth })).status).toBe(404)
    expect((await askReturn(stranger, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })).status).toBe(404)
    expect((await api('GET', '/api/v1/returns', { headers: stranger.auth })).body.data).toEqual([])
    expect((await api('POST', `/api/v1/admin/returns/${id}/approve`, { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/returns', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', `/api/v1/returns/${id}`)).status).toBe(401)
    const mine = await api('GET', '/api/v1/returns', { headers: customer.auth })
    expect(mine.body.data.map((r: { id: string }) => r.id)).toEqual([id])
  })

  it('a seller sees only returns of their own lines, and only those lines', async () => {
    const { customer, staff, order, sellers, lineOf } = await deliveredOrder({ quantities: [1, 2] })
    const a = await askReturn(customer, order.id, {
      lines: [
        { line_id: lineOf(0).id, quantity: 1 },
        { line_id: lineOf(1).id, quantity: 2 },
      ],
      reason: 'x',
    })
    expect(a.status).toBe(201)
    const outsider = await createUser('seller')
    const s0 = await api('GET', '/api/v1/seller/returns', { headers: sellers[0]!.auth })
    expect(s0.status).toBe(200)
    expect(s0.body.data).toHaveLength(1)
    expect(s0.body.data[0].lines.map((l: { line_id: string }) => l.line_id)).toEqual([lineOf(0).id])
    const s1 = await api('GET', '/api/v1/seller/returns', { headers: sellers[1]!.auth })
    expect(s1.body.data[0].lines).toMatchObject([{ line_id: lineOf(1).id, quantity: 2 }])
    expect((await api('GET', '/api/v1/seller/returns', { headers: outsider.auth })).body.data).toEqual([])
    expect((await api('GET', '/api/v1/admin/returns', { headers: sellers[0]!.auth })).status).toBe(403)
    // Staff list with filters.
    const byOrder = await api('GET', `/api/v1/admin/returns?order_id=${order.id}&status=requested`, { headers: staff.auth })
    expect(byOrder.body.data.map((r: { id: string }) => r.id)).toEqual([a.body.return.id])
    expect((await api('GET', `/api/v1/admin/returns?order_id=${order.id}&status=approved`, { headers: staff.auth })).body.data).toEqual([])
    expect((await api('GET', '/api/v1/admin/returns?from=yesterday', { headers: staff.auth })).status).toBe(400)
  })

  it('a guest asks for a return through the signed order link; a wrong signature is 404', async () => {
    const { customer, order, lineOf } = await deliveredOrder({ quantities: [1] })
    void customer
    const { signOrderId } = await import('../../src/lib/order-link')
    const sig = await signOrderId(env, order.id)
    expect((await api('GET', `/api/v1/guest-orders/${order.id}/returns?sig=bad`)).status).toBe(404)
    const list = await api('GET', `/api/v1/guest-orders/${order.id}/returns?sig=${sig}`)
    expect(list.status).toBe(200)
    const made = await api('POST', `/api/v1/guest-orders/${order.id}/returns?sig=${sig}`, {
      body: { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' },
    })
    expect(made.status).toBe(201)
    expect(made.body.return.history[0].actor.type).toBe('customer')
    const cancelled = await api('POST', `/api/v1/guest-orders/${order.id}/returns/${made.body.return.id}/cancel?sig=${sig}`)
    expect(cancelled.status).toBe(200)
  })
})

describe('returns: carrier return labels', () => {
  it('an order shipped with UPS gets a UPS return label on approval (shipper and recipient swapped), bought once, stored in R2', async () => {
    const { ups } = installCarriers()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1], carrier: 'ups' })
    const shipsBefore = ups.state.calls.ship
    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    const id = a.body.return.id
    const [x, y] = await Promise.all([
      api('POST', `/api/v1/admin/returns/${id}/approve`, { headers: staff.auth }),
      api('POST', `/api/v1/admin/returns/${id}/approve`, { headers: staff.auth }),
    ])
    expect([x.status, y.status]).toEqual([200, 200])
    expect(ups.state.calls.ship).toBe(shipsBefore + 1)
    const ret = x.body.return
    expect(ret).toMatchObject({ status: 'approved', method: 'label', label: { carrier: 'UPS', label_url: `/api/v1/returns/${id}/label` } })
    expect(y.body.return.label.tracking_number).toBe(ret.label.tracking_number)
    const bought = ups.state.shipments.get(ret.label.tracking_number)!
    expect(bought).toMatchObject({ isReturn: true, fromCountry: 'GB', toCountry: 'US', reference: id })

    const [row] = await getDb(env).select().from(shipments).where(eq(shipments.id, ret.label.shipment_id))
    expect(row).toMatchObject({ kind: 'return', returnId: id, status: 'label_created', carrier: 'ups' })
    expect(await env.SHIPPING_DOCS.head(row!.labelKey!)).not.toBeNull()

    const file = await SELF.fetch(`${BASE}${ret.label.label_url}`, { headers: customer.auth })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/gif')
    await file.arrayBuffer()
    const stranger = await createUser('customer')
    const denied = await SELF.fetch(`${BASE}${ret.label.label_url}`, { headers: stranger.auth })
    expect(denied.status).toBe(404)
    await denied.arrayBuffer()
  })

  it('a carrier outage on approval changes nothing (502); approving again buys the label', async () => {
    const { fedex } = installCarriers()
    const { customer, staff, order, lineOf } = await deliveredOrder({ quantities: [1], carrier: 'fedex' })
    const a = await askReturn(customer, order.id, { lines: [{ line_id: lineOf(0).id, quantity: 1 }], reason: 'x' })
    fedex.state.failures.failNext(503)
    const down = await api('POST', `/api/v1/admin/returns/${a.body.return.id}/approve`, { headers: staff.auth })
    expect(down.status).toBe(502)
    expect((await api('GET', `/api/v1/returns/${a.body.return.id}`, { headers: customer.auth })).body.status).toBe('requested')
    const up = await api('POST', `/api/v1/admin/returns/${a.body.return.id}/approve`, { headers: staff.auth })
    expect(up.status).toBe(200)
    expect(up.body.return).toMatchObject({ status: 'approved', label: { carrier: 'FedEx' } })
    expect(fedex.state.shipments.get(up.body.return.label.tracking_number)?.isReturn).toBe(true)
  })
})
