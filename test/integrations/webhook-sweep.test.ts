import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '../../src/lib/db'
import { runScheduled } from '../../src/scheduled'
import { attemptDelivery } from '../../src/modules/integrations/webhook-consumer'
import { emitWebhookEvent } from '../../src/modules/integrations/webhook-events'
import { requeueStuckDeliveries, STUCK_PENDING_MS } from '../../src/modules/integrations/webhooks'
import { webhookDeliveries, webhookEndpoints } from '../../src/modules/integrations/tables'
import { routeFetch } from '../fakes'
import { api, createUser } from '../helpers'

const db = () => getDb(env)

afterEach(async () => {
  vi.restoreAllMocks()
  await db().update(webhookEndpoints).set({ status: 'disabled' })
})

async function newEndpoint(events: string[] = ['order.paid']) {
  const staff = await createUser('staff')
  const res = await api('POST', '/api/v1/admin/webhooks/endpoints', {
    headers: staff.auth,
    body: { url: 'https://receiver.test/hook', events },
  })
  expect(res.status).toBe(201)
  return { ...res.body, staff }
}

/** Delivery ids queued from now on, in order. */
function captureQueued() {
  const spy = vi.spyOn(env.WEBHOOKS_QUEUE, 'sendBatch')
  return () => spy.mock.calls.flatMap((call) => (call[0] as { body: { delivery_id: string } }[]).map((m) => m.body.delivery_id))
}

/** An event whose queue send fails: its delivery rows exist, pending, with no message. */
async function emitWithLostMessage(type: 'order.paid' = 'order.paid') {
  const spy = vi.spyOn(env.WEBHOOKS_QUEUE, 'sendBatch').mockRejectedValueOnce(new Error('queue unavailable'))
  await expect(emitWebhookEvent(env, { type, dedupeKey: `t:${crypto.randomUUID()}`, data: {} })).rejects.toThrow('queue unavailable')
  spy.mockRestore()
}

const pendingOf = async (endpointId: string) =>
  (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))).filter((d) => d.status === 'pending')

describe('outgoing webhooks: the stuck-pending sweep', () => {
  it('re-queues a delivery whose queue send failed once per sweep, after five minutes, and not while it is fresh', async () => {
    const ep = await newEndpoint()
    await emitWithLostMessage()
    const [stuck] = await pendingOf(ep.id)
    expect(stuck).toBeDefined()
    const queued = captureQueued()

    // Fresh: a message may still be on its way.
    await requeueStuckDeliveries(env)
    expect(queued()).not.toContain(stuck!.id)

    const later = Date.now() + STUCK_PENDING_MS + 1000
    await requeueStuckDeliveries(env, later)
    expect(queued().filter((id) => id === stuck!.id)).toHaveLength(1)
    // The same sweep time again (a retried cron): already claimed, not queued twice.
    await requeueStuckDeliveries(env, later)
    expect(queued().filter((id) => id === stuck!.id)).toHaveLength(1)
    // Still pending five minutes after the re-queue: queued once more.
    await requeueStuckDeliveries(env, later + STUCK_PENDING_MS + 1000)
    expect(queued().filter((id) => id === stuck!.id)).toHaveLength(2)

    // Once delivered it is no longer pending and never re-queued.
    routeFetch({ 'https://receiver.test': () => new Response('ok') })
    expect(await attemptDelivery(db(), stuck!.id)).toBe('done')
    await requeueStuckDeliveries(env, later + 3 * STUCK_PENDING_MS)
    expect(queued().filter((id) => id === stuck!.id)).toHaveLength(2)
  })

  it('overlapping sweeps queue each stuck delivery once between them', async () => {
    const ep = await newEndpoint()
    for (let i = 0; i < 5; i++) await emitWithLostMessage()
    const stuck = (await pendingOf(ep.id)).map((d) => d.id).sort()
    expect(stuck).toHaveLength(5)
    const queued = captureQueued()
    const later = Date.now() + STUCK_PENDING_MS + 1000
    const runs = await Promise.all(Array.from({ length: 4 }, () => requeueStuckDeliveries(env, later)))
    const mine = queued().filter((id) => stuck.includes(id))
    expect(mine.sort()).toEqual(stuck)
    expect(runs.reduce((n, r) => n + r.requeued, 0)).toBeGreaterThanOrEqual(5)
  })

  it("leaves a disabled endpoint's pending deliveries alone", async () => {
    const ep = await newEndpoint()
    await emitWithLostMessage()
    const [stuck] = await pendingOf(ep.id)
    await api('PATCH', `/api/v1/admin/webhooks/endpoints/${ep.id}`, { headers: ep.staff.auth, body: { enabled: false } })
    const queued = captureQueued()
    await requeueStuckDeliveries(env, Date.now() + STUCK_PENDING_MS + 1000)
    expect(queued()).not.toContain(stuck!.id)
  })

  it('runs in the 5-minute cron', async () => {
    const ep = await newEndpoint()
    await emitWithLostMessage()
    const [stuck] = await pendingOf(ep.id)
    const old = new Date(Date.now() - STUCK_PENDING_MS - 60_000).toISOString()
    await db().update(webhookDeliveries).set({ createdAt: old, updatedAt: old }).where(eq(webhookDeliveries.id, stuck!.id))
    const queued = captureQueued()
    await runScheduled({ cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env)
    expect(queued()).toContain(stuck!.id)
    await runScheduled({ cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env)
    expect(queued().filter((id) => id === stuck!.id)).toHaveLength(1)
  })
})

describe('outgoing webhooks: list answers for the dashboard', () => {
  it("lists endpoints with their latest delivery, and an endpoint's deliveries with the last attempt and paging", async () => {
    const ep = await newEndpoint()
    const list0 = await api('GET', '/api/v1/admin/webhooks/endpoints', { headers: ep.staff.auth })
    expect(list0.body.data.find((e: { id: string }) => e.id === ep.id).last_delivery).toBeNull()

    const queued = captureQueued()
    for (let i = 0; i < 5; i++) await emitWebhookEvent(env, { type: 'order.paid', dedupeKey: `t:${crypto.randomUUID()}`, data: { i } })
    const ids = queued()
    routeFetch({ 'https://receiver.test': () => new Response('{"received":true}', { status: 202 }) })
    await attemptDelivery(db(), ids[4]!)
    // Same created_at on every row: paging must neither skip nor repeat rows in one millisecond.
    const same = new Date().toISOString()
    await db().update(webhookDeliveries).set({ createdAt: same }).where(eq(webhookDeliveries.endpointId, ep.id))

    const list = await api('GET', '/api/v1/admin/webhooks/endpoints', { headers: ep.staff.auth })
    const mine = list.body.data.find((e: { id: string }) => e.id === ep.id)
    expect(mine.last_delivery).toMatchObject({ event_type: 'order.paid', created_at: same })
    expect(ids).toContain(mine.last_delivery.id)

    const seen: string[] = []
    let query = 'limit=2'
    for (let page = 0; page < 5; page++) {
      const res = await api('GET', `/api/v1/admin/webhooks/endpoints/${ep.id}/deliveries?${query}`, { headers: ep.staff.auth })
      expect(res.status).toBe(200)
      seen.push(...res.body.data.map((d: { id: string }) => d.id))
      if (!res.body.next) break
      query = `limit=2&before=${encodeURIComponent(res.body.next.before)}&before_id=${res.body.next.before_id}`
    }
    expect(seen.sort()).toEqual([...ids].sort())
    const all = await api('GET', `/api/v1/admin/webhooks/endpoints/${ep.id}/deliveries?limit=10`, { headers: ep.staff.auth })
    expect(all.body.next).toBeNull()
    expect(all.body.data.find((d: { id: string }) => d.id === ids[4])).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      last_status_code: 202,
      last_latency_ms: expect.any(Number),
      last_response_excerpt: '{"received":true}',
      last_error: null,
    })
    expect(all.body.data.find((d: { id: string }) => d.id === ids[0])).toMatchObject({
      status: 'pending',
      last_latency_ms: null,
      last_response_excerpt: null,
    })
    expect(
      (await api('GET', `/api/v1/admin/webhooks/endpoints/${ep.id}/deliveries?before=yesterday`, { headers: ep.staff.auth })).status,
    ).toBe(400)
  })
})
