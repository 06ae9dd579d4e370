import { env, SELF } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { trackShipments, UPS_TRACK_ALERT_PATH } from '../../src/modules/shipping/tracking'
import { api, createUser } from '../helpers'
import { buyLabel, carrierMethod, installCarriers, paidOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const CREDENTIAL = (env as unknown as { UPS_TRACK_ALERT_CREDENTIAL: string }).UPS_TRACK_ALERT_CREDENTIAL
const orderAs = (who: { auth: Record<string, string> }, id: string) => api('GET', `/api/v1/orders/${id}`, { headers: who.auth })
/** The push goes to the Worker's real fetch handler, wherever the subscription pointed. */
const toWorker = (req: Request) => SELF.fetch(new Request(`http://store.test${new URL(req.url).pathname}`, req))

function publishedFor(send: { mock: { calls: unknown[][] } }, orderId: string, type: string) {
  return send.mock.calls
    .map((c) => c[0] as DomainEvent)
    .filter((e) => e.type === type && (e.data as { order_id?: string }).order_id === orderId)
}

/** A paid UPS order with its label bought and its first tracking poll done (which subscribes it to Track Alert). */
async function shippedUpsOrder() {
  const carriers = installCarriers()
  const method = await carrierMethod('ups', '03')
  const { customer, order, lineOf } = await paidOrder(method.id, { sellers: 2 })
  const staff = await createUser('staff')
  const label = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0), lineOf(1)] })
  expect(label.status).toBe(201)
  const tracking = label.body.tracking_number as string
  return { ...carriers, customer, order, tracking }
}

const upsNotes = async (customer: { auth: Record<string, string> }, orderId: string) =>
  (await orderAs(customer, orderId)).body.timeline
    .filter((t: { reason?: string }) => t.reason?.startsWith('UPS: '))
    .map((t: { reason: string }) => t.reason)

describe('UPS Track Alert pushes', () => {
  it('the first poll subscribes the number; a pushed delivery scan delivers the order once, and the cron adds nothing after it', async () => {
    const { ups, customer, order, tracking } = await shippedUpsOrder()
    const first = await trackShipments(env)
    expect(first.subscribed).toBe(1)
    expect(ups.subscriptions.get(tracking)).toEqual({
      url: `${env.APP_BASE_URL}${UPS_TRACK_ALERT_PATH}`,
      credentialType: 'Bearer',
      credential: CREDENTIAL,
    })
    // Polled before: not subscribed again.
    expect((await trackShipments(env)).subscribed).toBe(0)
    const notesBefore = await upsNotes(customer, order.id)

    const send = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
    ups.deliver(tracking, new Date(Date.now() + 60_000))
    const answers = await ups.push(tracking, toWorker)
    expect(answers.every((r) => r.status === 200)).toBe(true)
    const results = await Promise.all(
      answers.map((r) => r.json() as Promise<{ matched: boolean; events: number; delivered_order: boolean }>),
    )
    expect(results.every((r) => r.matched)).toBe(true)
    expect(results.filter((r) => r.delivered_order)).toHaveLength(1)
    const after = await orderAs(customer, order.id)
    expect(after.body.status).toBe('delivered')
    expect(after.body.timeline.at(-1)).toMatchObject({ from: 'shipped', to: 'delivered', reason: 'delivered (carrier tracking)' })
    const notes = await upsNotes(customer, order.id)
    expect(notes).toEqual(expect.arrayContaining(['UPS: Out for delivery', 'UPS: Delivered']))
    // The scans the poll had already recorded were not noted a second time.
    for (const n of notesBefore) expect(notes.filter((x: string) => x === n)).toHaveLength(1)
    expect(publishedFor(send, order.id, 'order.delivered')).toHaveLength(1)

    // The same pushes again (UPS retrying), then the cron: nothing new.
    const again = await ups.push(tracking, toWorker)
    expect(await Promise.all(again.map(async (r) => ((await r.json()) as { events: number }).events))).toEqual(again.map(() => 0))
    const run = await trackShipments(env)
    expect(run).toMatchObject({ events: 0, delivered_orders: 0 })
    expect(await upsNotes(customer, order.id)).toEqual(notes)
    expect(publishedFor(send, order.id, 'order.delivered')).toHaveLength(1)
    const shipment = (await api('GET', `/api/v1/admin/orders/${order.id}/shipments`, { headers: (await createUser('staff')).auth })).body
      .data[0]
    expect(shipment).toMatchObject({ status: 'delivered', delivered_at: expect.any(String) })
  })

  it('a push racing the cron and a duplicate of itself records each scan once and delivers once', async () => {
    const { ups, customer, order, tracking } = await shippedUpsOrder()
    await trackShipments(env)
    const send = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
    ups.deliver(tracking, new Date(Date.now() + 60_000))
    await Promise.all([ups.push(tracking, toWorker), ups.push(tracking, toWorker), trackShipments(env)])
    expect((await orderAs(customer, order.id)).body.status).toBe('delivered')
    const notes = await upsNotes(customer, order.id)
    expect(new Set(notes).size).toBe(notes.length)
    expect(notes).toContain('UPS: Delivered')
    expect(publishedFor(send, order.id, 'order.delivered')).toHaveLength(1)
  })

  it('a late in-transit scan does not move a delivered parcel back', async () => {
    const { ups, customer, order, tracking } = await shippedUpsOrder()
    await trackShipments(env)
    const at = Date.now() + 60_000
    ups.deliver(tracking, new Date(at))
    await ups.push(tracking, toWorker)
    await ups.push(tracking, toWorker, [
      {
        status: 'in_transit',
        description: 'Arrived at facility',
        city: 'Leeds',
        country: 'GB',
        at: new Date(at - 30 * 60_000).toISOString(),
      },
    ])
    const shipment = (await api('GET', `/api/v1/admin/orders/${order.id}/shipments`, { headers: (await createUser('staff')).auth })).body
      .data[0]
    expect(shipment.status).toBe('delivered')
    expect((await orderAs(customer, order.id)).body.status).toBe('delivered')
    expect(await upsNotes(customer, order.id)).toContain('UPS: Arrived at facility')
  })

  it('refuses a push without the subscription credential (401) or with a malformed body (400); ignores unknown numbers', async () => {
    const push = (headers: Record<string, string>, body: unknown) => api('POST', UPS_TRACK_ALERT_PATH, { headers, body })
    const scan = {
      trackingNumber: '1ZUNKNOWN00000000',
      localActivityDate: '20261201',
      localActivityTime: '101500',
      activityStatus: { type: 'I', code: 'DP', description: 'Departed from Facility' },
    }
    expect((await push({}, scan)).status).toBe(401)
    expect((await push({ credential: 'guess' }, scan)).status).toBe(401)
    expect((await push({ credential: `${CREDENTIAL}x` }, scan)).status).toBe(401)
    const bad = await push({ credential: CREDENTIAL }, { ...scan, localActivityDate: '2026-12-01' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('validation_error')
    expect((await push({ credential: CREDENTIAL }, { trackingNumber: 'x' })).status).toBe(400)
    const unknown = await push({ credential: CREDENTIAL }, scan)
    expect(unknown.status).toBe(200)
    expect(unknown.body).toEqual({ matched: false, events: 0, delivered_order: false })
  })

  it('the fake refuses subscriptions the way UPS does', async () => {
    const { ups } = installCarriers()
    const token = (await (
      await ups.fetch(
        new Request(`${env.UPS_API_BASE}/security/v1/oauth/token`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${btoa('ups-fake-client:ups-fake-secret')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        }),
      )
    ).json()) as { access_token: string }
    const subscribe = (body: unknown) =>
      ups.fetch(
        new Request(`${env.UPS_API_BASE}/api/track/v1/subscription/standard/package`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token.access_token}`,
            transId: 't1',
            transactionSrc: 'test',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
        }),
      )
    const destination = { url: 'https://shop.example.com/hook', credentialType: 'Bearer', credential: 'c' }
    const noList = await subscribe({ locale: 'en_US', countryCode: 'US', destination })
    expect(noList.status).toBe(400)
    expect(((await noList.json()) as { response: { errors: { code: string }[] } }).response.errors[0]!.code).toBe('VSS200')
    const noCredential = await subscribe({
      locale: 'en_US',
      countryCode: 'US',
      trackingNumberList: ['1Z1'],
      destination: { ...destination, credential: '' },
    })
    expect(((await noCredential.json()) as { response: { errors: { code: string }[] } }).response.errors[0]!.code).toBe('VSS700')
    const unknown = await subscribe({ locale: 'en_US', countryCode: 'US', trackingNumberList: ['1Z1'], destination })
    expect(unknown.status).toBe(400)
  })
})
