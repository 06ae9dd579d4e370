// A return's refund that the provider finishes later: Stripe answers `pending` (the test card
// pm_card_pendingRefund), the return stays `received` with the pending refund shown; the refund's
// webhook (charge.refund.updated) completes the return through the OrderDO exactly once. A refund
// that fails at the provider leaves the return received with the failure shown, and staff's retry
// makes one new refund.
import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { getDb } from '../../src/lib/db'
import { payments, refunds } from '../../src/modules/payments/tables'
import { api, createUser } from '../helpers'
import { captureEvents } from '../notifications/harness'
import { confirmIntent, deliver, installStripe, lastEvent, paymentRow, placeOrder } from '../payments/harness'
import { askReturn, receive } from './harness'

afterEach(() => vi.restoreAllMocks())

/** An order paid by card at the Stripe fake with pm_card_pendingRefund, then shipped and delivered by staff. */
async function deliveredStripeOrder() {
  const { stripe } = installStripe()
  const placed = await placeOrder({ quantity: 2 })
  const payment = await paymentRow(placed.order.id)
  await confirmIntent(stripe, payment!.providerRef!, 'pm_card_pendingRefund')
  expect((await deliver(lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!))).status).toBe(200)
  const staff = await createUser('staff')
  const ship = await api('POST', `/api/v1/admin/orders/${placed.order.id}/transition`, {
    headers: staff.auth,
    body: { to: 'shipped', carrier: 'DHL', tracking_number: 'JD0002' },
  })
  expect(ship.status).toBe(200)
  expect(
    (await api('POST', `/api/v1/admin/orders/${placed.order.id}/transition`, { headers: staff.auth, body: { to: 'delivered' } })).status,
  ).toBe(200)
  const lineId = (await api('GET', `/api/v1/orders/${placed.order.id}`, { headers: placed.user.auth })).body.lines[0].id as string
  return { stripe, staff, ...placed, lineId }
}

async function approvedReturn(o: Awaited<ReturnType<typeof deliveredStripeOrder>>) {
  const asked = await askReturn(o.user, o.order.id, { lines: [{ line_id: o.lineId, quantity: 1 }], reason: 'Too small' })
  expect(asked.status).toBe(201)
  const id = asked.body.return.id as string
  expect((await api('POST', `/api/v1/admin/returns/${id}/approve`, { headers: o.staff.auth, body: {} })).status).toBe(200)
  return id
}

const getReturn = async (staff: { auth: Record<string, string> }, id: string) =>
  (await api('GET', `/api/v1/admin/returns/${id}`, { headers: staff.auth })).body

const refundRows = (orderId: string) => getDb(env).select().from(refunds).where(eq(refunds.orderId, orderId))

describe('returns: a refund the provider finishes later', () => {
  it('pending at Stripe: the return stays received; the refund webhook makes it refunded once, however often it arrives', async () => {
    const o = await deliveredStripeOrder()
    const id = await approvedReturn(o)
    const events = captureEvents()

    const [first, second] = await Promise.all([receive(o.staff, id, { lines: [] }), receive(o.staff, id, { lines: [] })])
    // Both answer the received return; the one that reached Stripe first reports the pending refund
    // (the other may find Stripe still busy with the same idempotency key and say so).
    for (const res of [first, second]) {
      expect(res.status).toBe(200)
      expect(res.body.return.status).toBe('received')
      expect(res.body.refund_error).toBeTruthy()
    }
    expect([first, second].map((r) => r.body.refund).find(Boolean)).toMatchObject({
      status: 'pending',
      amount: { amount: 2000, currency: 'USD' },
      provider: 'stripe',
    })
    // One refund at Stripe and one row, pending; the return shows it to staff.
    expect([...o.stripe.state.refunds.values()]).toHaveLength(1)
    const [row] = await refundRows(o.order.id)
    expect(row).toMatchObject({ status: 'pending', amount: 2000, idempotencyKey: `return:${id}` })
    expect(await getReturn(o.staff, id)).toMatchObject({
      status: 'received',
      refund_id: null,
      refund_attempt: { id: row!.id, status: 'pending', provider: 'stripe', failure_reason: null },
    })

    // Stripe settles it; its events arrive twice each (at-least-once), and a concurrent staff retry races them.
    await o.stripe.settleRefund(row!.providerRef!, 'succeeded')
    const updated = lastEvent(o.stripe, 'charge.refund.updated', row!.providerRef!)
    const results = await Promise.all([
      deliver(updated),
      deliver(updated),
      deliver(lastEvent(o.stripe, 'refund.updated', row!.providerRef!)),
      api('POST', `/api/v1/admin/returns/${id}/refund`, { headers: { ...o.staff.auth, 'Idempotency-Key': crypto.randomUUID() } }),
    ])
    // A copy of an event still being processed is answered 409 (Stripe delivers it again later).
    for (const r of results) expect([200, 409]).toContain(r.status)
    expect((await deliver(updated)).status).toBe(200)

    const done = await getReturn(o.staff, id)
    expect(done).toMatchObject({ status: 'refunded', refund_id: row!.id, refund_attempt: { status: 'succeeded' } })
    expect(done.history.filter((h: { status: string }) => h.status === 'refunded')).toHaveLength(1)
    const published = events().filter((e: DomainEvent) => e.type === 'return.refunded')
    expect(published).toHaveLength(1)
    expect([...o.stripe.state.refunds.values()]).toHaveLength(1)
    expect(await refundRows(o.order.id)).toHaveLength(1)
    const [pay] = await getDb(env).select().from(payments).where(eq(payments.orderId, o.order.id))
    expect(pay).toMatchObject({ amountRefunded: 2000 })
    const order = await api('GET', `/api/v1/admin/orders/${o.order.id}`, { headers: o.staff.auth })
    expect(order.body).toMatchObject({ status: 'partially_refunded', refunded: { amount: 2000 } })
  })

  it('failed at Stripe: the return stays received with the failure shown; a retry makes one new refund, which completes it', async () => {
    const o = await deliveredStripeOrder()
    const id = await approvedReturn(o)
    const received = await receive(o.staff, id, { lines: [] })
    expect(received.body).toMatchObject({ return: { status: 'received' }, refund: { status: 'pending' } })
    const [row] = await refundRows(o.order.id)

    await o.stripe.settleRefund(row!.providerRef!, 'failed', 'expired_or_canceled_card')
    const failedEvent = lastEvent(o.stripe, 'charge.refund.updated', row!.providerRef!)
    expect((await deliver(failedEvent)).status).toBe(200)
    expect((await deliver(failedEvent)).status).toBe(200)

    const shown = await getReturn(o.staff, id)
    expect(shown).toMatchObject({ status: 'received', refund_id: null, refund_attempt: { id: row!.id, status: 'failed' } })
    expect(shown.refund_attempt.failure_reason).toBeTruthy()
    const list = await api('GET', `/api/v1/admin/returns?status=received&order_id=${o.order.id}`, { headers: o.staff.auth })
    expect(list.body.data).toMatchObject([{ id, refund_attempt: { status: 'failed' } }])
    // The failed refund gave its reservation back.
    expect((await paymentRow(o.order.id))!.amountRefunded).toBe(0)

    // Two retries at once: one new refund (the second attempt's key), pending again at Stripe.
    const retry = () =>
      api('POST', `/api/v1/admin/returns/${id}/refund`, { headers: { ...o.staff.auth, 'Idempotency-Key': crypto.randomUUID() } })
    const retried = await Promise.all([retry(), retry()])
    // One reaches Stripe; the other answers the same refund, or 502 if Stripe was still busy with its key.
    expect(retried.map((r) => r.status)).toContain(200)
    for (const r of retried) expect([200, 502]).toContain(r.status)
    const rows = await refundRows(o.order.id)
    expect(rows.map((r) => [r.idempotencyKey, r.status]).sort()).toEqual([
      [`return:${id}`, 'failed'],
      [`return:${id}:2`, 'pending'],
    ])
    expect([...o.stripe.state.refunds.values()]).toHaveLength(2)
    expect(await getReturn(o.staff, id)).toMatchObject({ status: 'received', refund_attempt: { status: 'pending' } })

    const second = rows.find((r) => r.status === 'pending')!
    await o.stripe.settleRefund(second.providerRef!, 'succeeded')
    expect((await deliver(lastEvent(o.stripe, 'charge.refund.updated', second.providerRef!))).status).toBe(200)
    expect(await getReturn(o.staff, id)).toMatchObject({ status: 'refunded', refund_id: second.id })
    expect((await paymentRow(o.order.id))!.amountRefunded).toBe(2000)
  })
})
