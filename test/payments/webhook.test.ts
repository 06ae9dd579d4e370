import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signStripePayload, stripeEvent } from '../../fakes/stripe'
import { getDb } from '../../src/lib/db'
import { paymentAlerts, paymentEvents } from '../../src/modules/payments/tables'
import { handleStripeWebhook } from '../../src/workflows/payment-webhooks/stripe'
import { variantStock } from '../fixtures/catalog'
import { routeFetch } from '../fakes'
import { api, createUser } from '../helpers'
import { confirmIntent, deliver, eventRow, getOrderAs, installStripe, lastEvent, paymentRow, placeOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

describe('Stripe webhook: signatures', () => {
  it('applies a correctly signed payment_intent.succeeded: order paid, payment recorded, event stored once', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const payment = await paymentRow(order.id)
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    await confirmIntent(stripe, payment!.providerRef!)
    const event = lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!)
    const res = await deliver(event)
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: 'order_paid' } })
    const paid = await getOrderAs(user, order.id)
    expect(paid.status).toBe('paid')
    expect(paid.timeline.at(-1)).toMatchObject({ from: 'processing', to: 'paid', actor: { type: 'provider', id: 'stripe' } })
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountReceived: order.total.amount })
    expect(await eventRow(event.id as string)).toMatchObject({ type: 'payment_intent.succeeded', outcome: 'order_paid', attempts: 1 })
  })

  it('rejects a missing, wrong or too old signature with 400 and changes nothing', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const payment = await paymentRow(order.id)
    await confirmIntent(stripe, payment!.providerRef!)
    const event = lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!)
    const body = JSON.stringify(event)

    const missing = await deliver(event, { signature: null })
    const wrongSecret = await deliver(event, { secret: 'whsec_someone_else' })
    const tampered = await deliver(event, {
      body: body.replace(`"amount_received":${order.total.amount}`, '"amount_received":1'),
      signature: await signStripePayload(body, env.STRIPE_WEBHOOK_SECRET),
    })
    const garbage = await deliver(event, { signature: 't=123,v1=deadbeef' })
    // Stripe's default tolerance is 300 s: a correctly signed but 10-minute-old delivery is a replay.
    const expired = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 })
    for (const res of [missing, wrongSecret, tampered, garbage, expired]) {
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ error: { code: 'invalid_signature' } })
    }
    expect(await eventRow(event.id as string)).toBeUndefined()
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    expect((await paymentRow(order.id))!.status).toBe('pending')

    // The same event, properly signed, still works afterwards.
    expect((await deliver(event)).body).toMatchObject({ outcome: 'order_paid' })
  })
})

describe('Stripe webhook: exactly once', () => {
  it('answers a duplicate event 200 without applying it again', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const payment = await paymentRow(order.id)
    await confirmIntent(stripe, payment!.providerRef!)
    const event = lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!)
    expect((await deliver(event)).status).toBe(200)
    const again = await deliver(event)
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true, outcome: 'order_paid' } })
    const paidTransitions = (await getOrderAs(user, order.id)).timeline.filter((t: { to: string }) => t.to === 'paid')
    expect(paidTransitions).toHaveLength(1)
    expect((await eventRow(event.id as string))!.attempts).toBe(1)
  })

  it('answers 500 when processing fails, and applies the event when Stripe retries it', async () => {
    const { stripe } = installStripe()
    const { user, order, product } = await placeOrder({ stock: 5, quantity: 2 })
    expect(await variantStock(product.variants[0]!.id)).toBe(3)
    const payment = await paymentRow(order.id)
    await confirmIntent(stripe, payment!.providerRef!, 'pm_card_chargeDeclined')
    const event = lastEvent(stripe, 'payment_intent.payment_failed', payment!.providerRef!)

    // Stripe is unreachable while we re-check the intent: a transient failure.
    vi.restoreAllMocks()
    const outage = routeFetch({
      'https://api.stripe.com': () => new Response('{"error":{"type":"api_error","message":"down"}}', { status: 503 }),
    })
    const first = await deliver(event)
    expect(first.status).toBe(500)
    const stored = await eventRow(event.id as string)
    expect(stored).toMatchObject({ processedAt: null, attempts: 1 })
    expect(stored!.lastError).toMatch(/Stripe/)
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    outage.mockRestore()

    // Stripe's retry: reprocessed. A declined card leaves the intent open, so the order stays payable
    // (stock still reserved) and the shopper pays with another card on the same intent.
    routeFetch({ 'https://api.stripe.com': stripe.fetch })
    const retry = await deliver(event)
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'payment_declined' } })
    expect(await eventRow(event.id as string)).toMatchObject({ attempts: 2, outcome: 'payment_declined', lastError: null })
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    expect(await variantStock(product.variants[0]!.id)).toBe(3)
    expect((await paymentRow(order.id))!.status).toBe('pending')
    expect(stripe.state.paymentIntents.get(payment!.providerRef!)!.status).toBe('requires_payment_method')
    await confirmIntent(stripe, payment!.providerRef!, 'pm_card_visa')
    expect((await deliver(lastEvent(stripe, 'payment_intent.succeeded', payment!.providerRef!))).body).toMatchObject({
      outcome: 'order_paid',
    })
    expect((await getOrderAs(user, order.id)).status).toBe('paid')
    expect(await variantStock(product.variants[0]!.id)).toBe(3)
  })

  it('a payment_failed for an intent that is no longer retryable (cancelled) fails the order and releases the stock', async () => {
    const { stripe } = installStripe()
    const { user, order, product } = await placeOrder({ stock: 5, quantity: 2 })
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId, 'pm_card_chargeDeclined')
    const failed = lastEvent(stripe, 'payment_intent.payment_failed', piId)
    // The intent was cancelled meanwhile (e.g. in the Stripe dashboard): the failure is final.
    const cancel = await stripe.app.request(`/v1/payment_intents/${piId}/cancel`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_vitest' },
    })
    expect(cancel.status).toBe(200)
    expect((await deliver(failed)).body).toMatchObject({ outcome: 'order_failed' })
    expect((await getOrderAs(user, order.id)).status).toBe('failed')
    expect(await variantStock(product.variants[0]!.id)).toBe(5)
  })
})

describe('Stripe webhook: the API Worker is down', () => {
  it('answers 500 while the OrderDO cannot be reached; Stripe’s retry ends with the order paid', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const event = lastEvent(stripe, 'payment_intent.succeeded', piId)

    const outage = vi.spyOn(env.ORDER, 'get').mockImplementation(() => {
      throw new Error('Durable Object edge-commerce-api/OrderDO is unavailable')
    })
    const first = await deliver(event)
    expect(first.status).toBe(500)
    expect(await eventRow(event.id as string)).toMatchObject({ processedAt: null, attempts: 1 })
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    outage.mockRestore()

    const retry = await deliver(event)
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect((await getOrderAs(user, order.id)).status).toBe('paid')
    expect(await eventRow(event.id as string)).toMatchObject({ attempts: 2, outcome: 'order_paid' })
  })
})

describe('Stripe webhook: ordering', () => {
  it('ignores (and records) a late payment_failed after the order was paid', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const payment = await paymentRow(order.id)
    const piId = payment!.providerRef!
    // The customer's first card was declined, the second one worked...
    await confirmIntent(stripe, piId, 'pm_card_chargeDeclined')
    const failed = lastEvent(stripe, 'payment_intent.payment_failed', piId)
    await confirmIntent(stripe, piId, 'pm_card_visa')
    const succeeded = lastEvent(stripe, 'payment_intent.succeeded', piId)
    // ...but Stripe delivers the success first and the failure afterwards.
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'order_paid' })
    const late = await deliver(failed)
    expect(late).toMatchObject({ status: 200, body: { outcome: 'ignored_out_of_order' } })
    expect((await getOrderAs(user, order.id)).status).toBe('paid')
    expect(await eventRow(failed.id as string)).toMatchObject({ outcome: 'ignored_out_of_order' })
    expect((await paymentRow(order.id))!.status).toBe('succeeded')
  })

  it('a stale failure delivered before the success still ends paid (Stripe is asked for the current state)', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId, 'pm_card_chargeDeclined')
    const failed = lastEvent(stripe, 'payment_intent.payment_failed', piId)
    await confirmIntent(stripe, piId, 'pm_card_visa')
    expect((await deliver(failed)).body).toMatchObject({ outcome: 'order_paid' })
    expect((await getOrderAs(user, order.id)).status).toBe('paid')
    const succeeded = lastEvent(stripe, 'payment_intent.succeeded', piId)
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'already_paid' })
  })
})

describe('Stripe webhook: money checks', () => {
  it('does not pay an order when the amount differs, and raises an alert', async () => {
    const { stripe } = installStripe()
    const errors = vi.spyOn(console, 'error')
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const real = lastEvent(stripe, 'payment_intent.succeeded', piId)
    const pi = (real.data as { object: Record<string, unknown> }).object
    const short = stripeEvent('payment_intent.succeeded', { ...pi, amount: 100, amount_received: 100 })
    const res = await deliver(short)
    expect(res).toMatchObject({ status: 200, body: { outcome: 'amount_mismatch' } })
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    expect((await paymentRow(order.id))!.status).toBe('requires_review')
    const alerts = await getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, order.id))
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ kind: 'amount_mismatch', eventId: short.id })
    expect(JSON.parse(alerts[0]!.details)).toMatchObject({ expected: order.total.amount, received: 100 })
    const logged = errors.mock.calls.map((c) => String(c[0])).find((l) => l.includes('"payment alert"'))
    expect(JSON.parse(logged!)).toMatchObject({ level: 'error', alert: 'amount_mismatch', order_id: order.id })
    const staff = await createUser('staff')
    const listed = await api('GET', `/api/v1/admin/payment-alerts?order_id=${order.id}`, { headers: staff.auth })
    expect(listed.status).toBe(200)
    expect(listed.body.data).toEqual([
      expect.objectContaining({ kind: 'amount_mismatch', order_id: order.id, details: expect.objectContaining({ received: 100 }) }),
    ])
  })

  it('does not pay an order when the currency differs', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const pi = (lastEvent(stripe, 'payment_intent.succeeded', piId).data as { object: Record<string, unknown> }).object
    const res = await deliver(stripeEvent('payment_intent.succeeded', { ...pi, currency: 'eur' }))
    expect(res.body).toMatchObject({ outcome: 'currency_mismatch' })
    expect((await getOrderAs(user, order.id)).status).toBe('processing')
    const [alert] = await getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, order.id))
    expect(alert).toMatchObject({ kind: 'currency_mismatch' })
  })

  it('refunds a success that arrives for an order cancelled meanwhile, records it, raises no alert', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId) // the shopper paid a moment before cancelling
    const succeeded = lastEvent(stripe, 'payment_intent.succeeded', piId)
    const cancelled = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth, body: {} })
    expect(cancelled.status).toBe(200)
    // Shuffled duplicate deliveries of the success: one refund, one history entry.
    for (let i = 0; i < 3; i++) expect((await deliver(succeeded)).status).toBe(200)
    expect(await eventRow(succeeded.id as string)).toMatchObject({ outcome: 'late_payment_refunded' })
    const detail = await getOrderAs(user, order.id)
    expect(detail.status).toBe('cancelled')
    const notes = detail.timeline.filter((t: { reason: string }) => t.reason === 'late payment refunded automatically')
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatchObject({ from: 'cancelled', to: 'cancelled', actor: { type: 'provider', id: 'stripe' } })
    const refunds = [...stripe.state.refunds.values()].filter((r) => r.payment_intent === piId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: order.total.amount, status: 'succeeded' })
    expect(await paymentRow(order.id)).toMatchObject({ status: 'succeeded', amountRefunded: order.total.amount })
    const staff = await createUser('staff')
    const money = await api('GET', `/api/v1/admin/orders/${order.id}/payments`, { headers: staff.auth })
    expect(money.body.refunds).toEqual([
      expect.objectContaining({ status: 'succeeded', amount: { amount: order.total.amount, currency: 'USD' } }),
    ])
    // Stripe's own refund webhooks for it change nothing more.
    expect((await deliver(lastEvent(stripe, 'charge.refunded'))).status).toBe(200)
    expect((await getOrderAs(user, order.id)).status).toBe('cancelled')
    expect(await getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, order.id))).toEqual([])
  })

  it('alerts staff only when the automatic refund of a late payment is refused', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const succeeded = lastEvent(stripe, 'payment_intent.succeeded', piId)
    expect((await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: user.auth, body: {} })).status).toBe(200)
    // Someone refunded it by hand in the dashboard already, but our row does not know yet.
    await stripe.app.request('/v1/refunds', {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_vitest', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: piId }).toString(),
    })
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'paid_after_terminal' })
    const [alert] = await getDb(env).select().from(paymentAlerts).where(eq(paymentAlerts.orderId, order.id))
    expect(alert).toMatchObject({ kind: 'paid_after_terminal' })
    expect((await paymentRow(order.id))!.amountRefunded).toBe(0)
  })

  it('ignores event types it does not handle, but stores them once', async () => {
    installStripe()
    const event = stripeEvent('customer.created', { id: 'cus_123', object: 'customer' })
    expect((await deliver(event)).body).toMatchObject({ outcome: 'ignored_type' })
    const rows = await getDb(env)
      .select()
      .from(paymentEvents)
      .where(eq(paymentEvents.id, event.id as string))
    expect(rows).toHaveLength(1)
  })
})

describe('Stripe webhook: the failure path itself fails', () => {
  // Defect (issue 10): when the failure path itself failed, the 60 s lease stayed set and redeliveries got 409.
  it('still releases the processing lease, so the redelivery is processed instead of answering 409', async () => {
    const { stripe } = installStripe()
    const { user, order } = await placeOrder()
    const piId = (await paymentRow(order.id))!.providerRef!
    await confirmIntent(stripe, piId)
    const event = lastEvent(stripe, 'payment_intent.succeeded', piId)
    const body = JSON.stringify(event)
    // Processing fails (the OrderDO is unreachable) and so does recording the error in D1.
    const outage = vi.spyOn(env.ORDER, 'get').mockImplementation(() => {
      throw new Error('Durable Object edge-commerce-api/OrderDO is unavailable')
    })
    const flakyDb = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare') {
          return (query: string) => {
            if (query.startsWith('update') && query.includes('"last_error"')) throw new Error('D1_ERROR: SQLITE_BUSY')
            return target.prepare(query)
          }
        }
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const request = async () =>
      new Request('http://webhooks.test/webhooks/stripe', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': await signStripePayload(body, env.STRIPE_WEBHOOK_SECRET) },
        body,
      })
    const first = await handleStripeWebhook({ ...env, DB: flakyDb }, await request())
    expect(first.status).toBe(500)
    const stored = await eventRow(event.id as string)
    expect(stored).toMatchObject({ processedAt: null, lockedUntil: null, lastError: null })
    outage.mockRestore()

    const retry = await deliver(event)
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'order_paid' } })
    expect((await getOrderAs(user, order.id)).status).toBe('paid')
  })
})
