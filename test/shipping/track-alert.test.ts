// UPS Track Alert subscriptions last 14 days (UPSTrackAlert.yaml FAQ): the tracking cron renews
// them for parcels still on their way before they lapse, once however many runs overlap, never for
// a delivered parcel, and tries again after UPS refused or was down.
import { env, SELF } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { shipments } from '../../src/modules/shipping/tables'
import { renewTrackAlerts, TRACK_ALERT_DAYS, trackShipments } from '../../src/modules/shipping/tracking'
import { createUser } from '../helpers'
import { buyLabel, carrierMethod, installCarriers, paidOrder } from './harness'

afterEach(() => vi.restoreAllMocks())

const DAY = 86_400_000
const toWorker = (req: Request) => SELF.fetch(new Request(`http://store.test${new URL(req.url).pathname}`, req))

async function shippedUpsParcel() {
  const carriers = installCarriers()
  const method = await carrierMethod('ups', '03')
  const { order, lineOf } = await paidOrder(method.id)
  const staff = await createUser('staff')
  const label = await buyLabel(staff, `/api/v1/admin/orders/${order.id}/shipments`, { line_ids: [lineOf(0)] })
  expect(label.status).toBe(201)
  return { ...carriers, order, tracking: label.body.tracking_number as string }
}

const shipmentOf = async (tracking: string) => (await getDb(env).select().from(shipments).where(eq(shipments.trackingNumber, tracking)))[0]!
const requestsFor = (ups: { subscriptionRequests: string[][] }, tracking: string) =>
  ups.subscriptionRequests.filter((list) => list.includes(tracking)).length
const daysFrom = (from: number, iso: string | null) => (Date.parse(iso ?? '') - from) / DAY

describe('UPS Track Alert renewal', () => {
  it('subscribes a new parcel for 14 days, renews it within 2 days of lapsing (once under concurrent runs), and pushes go on', async () => {
    const { ups, tracking } = await shippedUpsParcel()
    const start = Date.now()
    expect((await trackShipments(env)).subscribed).toBe(1)
    const until = (await shipmentOf(tracking)).trackAlertUntil
    expect(daysFrom(start, until)).toBeGreaterThan(TRACK_ALERT_DAYS - 0.01)
    expect(daysFrom(start, until)).toBeLessThan(TRACK_ALERT_DAYS + 0.01)
    expect(requestsFor(ups, tracking)).toBe(1)

    // Runs while the subscription is far from lapsing change nothing.
    expect((await trackShipments(env)).subscribed).toBe(0)
    expect(await renewTrackAlerts(env, { now: new Date(start + 11 * DAY) })).toBe(0)
    expect(requestsFor(ups, tracking)).toBe(1)

    // 12.5 days on, three overlapping cron runs: one renewal, 14 days from then.
    const later = new Date(start + 12.5 * DAY)
    const runs = await Promise.all([1, 2, 3].map(() => renewTrackAlerts(env, { now: later })))
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1)
    expect(requestsFor(ups, tracking)).toBe(2)
    expect(daysFrom(later.getTime(), (await shipmentOf(tracking)).trackAlertUntil)).toBeCloseTo(TRACK_ALERT_DAYS, 2)
    expect(await renewTrackAlerts(env, { now: later })).toBe(0)

    // Without renewal UPS stops pushing; the renewed subscription pushes again.
    ups.lapse(tracking)
    await expect(ups.push(tracking, toWorker)).rejects.toThrow(/lapsed/)
    await getDb(env)
      .update(shipments)
      .set({ trackAlertUntil: new Date(Date.now() - 1000).toISOString() })
      .where(eq(shipments.trackingNumber, tracking))
    expect((await trackShipments(env)).subscribed).toBe(1)
    const answers = await ups.push(tracking, toWorker)
    expect(answers.length).toBeGreaterThan(0)
    expect(answers.every((r) => r.status === 200)).toBe(true)
  })

  it('a delivered parcel is not renewed; an outage or a refused number is tried again on the next run', async () => {
    const { ups, tracking } = await shippedUpsParcel()
    ups.failNext(500)
    const failed = await trackShipments(env)
    expect(failed).toMatchObject({ subscribed: 0 })
    expect(failed.errors).toBeGreaterThan(0)
    expect((await shipmentOf(tracking)).trackAlertUntil).toBeNull()
    expect((await trackShipments(env)).subscribed).toBe(1)
    expect(requestsFor(ups, tracking)).toBe(1)

    // Delivered: the cron records it; a lapsing subscription of a delivered parcel is left to lapse.
    ups.deliver(tracking, new Date(Date.now() - 60_000))
    await trackShipments(env)
    expect((await shipmentOf(tracking)).status).toBe('delivered')
    const untilBefore = (await shipmentOf(tracking)).trackAlertUntil
    // (The first test's parcel, unknown to this fake, is refused: VSS210.)
    await renewTrackAlerts(env, { now: new Date(Date.now() + 13 * DAY) }).catch(() => 0)
    expect(requestsFor(ups, tracking)).toBe(1)
    expect((await shipmentOf(tracking)).trackAlertUntil).toBe(untilBefore)

    // A number UPS does not know (refused as invalid): its row is released for the next run.
    const other = await shippedUpsParcel()
    other.ups.state.shipments.delete(other.tracking)
    expect(await renewTrackAlerts(env).catch(() => 0)).toBe(0)
    expect((await shipmentOf(other.tracking)).trackAlertUntil).toBeNull()
  })
})
