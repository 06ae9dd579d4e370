import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AppEnv } from '../../src/lib/context'
import type { CatalogChangeMessage } from '../../src/lib/events'
import { notifyCatalogChange } from '../../src/modules/catalog/notify'

function appWith(send: (msg: CatalogChangeMessage) => Promise<void>) {
  const app = new Hono<AppEnv>()
  app.post('/write', (c) => {
    notifyCatalogChange(c, ['prd_a', 'prd_a', 'prd_b'], 'variant.updated')
    return c.json({ ok: true })
  })
  const waits: Promise<unknown>[] = []
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void waits.push(p),
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext
  const env = { MARKETPLACE_QUEUE: { send } } as unknown as Env
  return { request: () => app.request('/write', { method: 'POST' }, env, ctx), waits }
}

describe('marketplace change notification', () => {
  it('sends one catalog.products_changed message with the distinct product ids, in waitUntil', async () => {
    const sent: CatalogChangeMessage[] = []
    const { request, waits } = appWith(async (msg) => void sent.push(msg))
    const res = await request()
    expect(res.status).toBe(200)
    await Promise.all(waits)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ type: 'catalog.products_changed', product_ids: ['prd_a', 'prd_b'], reason: 'variant.updated' })
  })

  afterEach(() => vi.restoreAllMocks())

  it('never fails the request when the queue send fails, and logs the lost message', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const send = vi.fn(async () => {
      throw new Error('queue unavailable')
    })
    const { request, waits } = appWith(send)
    const res = await request()
    expect(res.status).toBe(200)
    expect(waits).toHaveLength(1)
    await Promise.all(waits)
    expect(send).toHaveBeenCalledTimes(1)
    const logged = errors.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'catalog change publish failed',
        product_ids: ['prd_a', 'prd_a', 'prd_b'],
        reason: 'variant.updated',
        error: 'Error: queue unavailable',
      }),
    )
  })
})
