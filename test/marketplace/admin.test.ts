import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { failOzonNext } from '../../fakes/ozon'
import { requestSync } from '../../src/modules/marketplace/service'
import { importOrdersNow } from '../../src/workflows/order-import'
import { api, createUser } from '../helpers'
import { captureSyncMessages, changeMessage, deliver, installMarketplaceFakes, kztProduct, ozonState } from './harness'

type Admin = Awaited<ReturnType<typeof createUser>>
let staff: Admin

beforeEach(async () => {
  installMarketplaceFakes()
  staff = await createUser('staff')
})
afterEach(() => vi.restoreAllMocks())

describe('admin marketplace endpoints', () => {
  it('are for staff and admins only', async () => {
    const customer = await createUser('customer')
    for (const [method, path, body] of [
      ['GET', '/api/v1/admin/marketplace/status', undefined],
      ['GET', '/api/v1/admin/marketplace/products', undefined],
      ['POST', '/api/v1/admin/marketplace/sync', {}],
      ['POST', '/api/v1/admin/marketplace/import-orders', { marketplace: 'ozon' }],
    ] as const) {
      expect((await api(method, path, { body })).status).toBe(401)
      expect((await api(method, path, { body, headers: customer.auth })).status).toBe(403)
    }
  })

  it('status shows each marketplace: enabled, counts by state, last push', async () => {
    const ok = await kztProduct(staff)
    const bad = await kztProduct(staff)
    await deliver([changeMessage([ok.id])])
    failOzonNext('/v3/product/import', 422)
    await deliver([changeMessage([bad.id])])

    const res = await api('GET', '/api/v1/admin/marketplace/status', { headers: staff.auth })
    expect(res.status).toBe(200)
    const ozon = res.body.data.find((s: { marketplace: string }) => s.marketplace === 'ozon')
    const kaspi = res.body.data.find((s: { marketplace: string }) => s.marketplace === 'kaspi')
    expect(ozon).toMatchObject({ enabled: true, counts: { synced: 1, error: 1, pending: 0 } })
    expect(ozon.last_push).toMatchObject({ kind: 'push', trigger: 'queue', ok: false, summary: { pushed: 0, failed: 1 } })
    expect(ozon.last_push.error).toContain('422')
    expect(kaspi).toMatchObject({ enabled: true, counts: { synced: 2, error: 0, pending: 0 }, last_import: null })
  })

  it('lists sync rows with their last error, filtered by state and paginated', async () => {
    const products = [await kztProduct(staff), await kztProduct(staff), await kztProduct(staff)]
    failOzonNext('/v3/product/import', 400)
    await deliver([changeMessage([products[0]!.id])])
    await deliver([changeMessage([products[1]!.id, products[2]!.id])])

    // Storage is shared by the tests of a file: look only at this test's products.
    const mine = new Set(products.map((p) => p.id))
    const errors = await api('GET', '/api/v1/admin/marketplace/products?state=error&limit=100', { headers: staff.auth })
    expect(errors.status).toBe(200)
    const myErrors = errors.body.data.filter((r: { product_id: string }) => mine.has(r.product_id))
    expect(myErrors).toHaveLength(1)
    expect(myErrors[0]).toMatchObject({ marketplace: 'ozon', product_id: products[0]!.id, state: 'error', attempts: 1 })
    expect(myErrors[0].last_error).toContain('400')
    expect(errors.body.data.every((r: { state: string }) => r.state === 'error')).toBe(true)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { status: number; body: { data: { product_id: string; marketplace: string }[]; next_cursor: string | null } } = await api(
        'GET',
        `/api/v1/admin/marketplace/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: staff.auth },
      )
      expect(page.status).toBe(200)
      expect(page.body.data.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.data.filter((r) => mine.has(r.product_id)).map((r) => `${r.product_id}/${r.marketplace}`))
      cursor = page.body.next_cursor
    } while (cursor)
    // 3 products on Kaspi + 3 on Ozon, each exactly once.
    expect(seen).toHaveLength(6)
    expect(new Set(seen).size).toBe(6)
    expect((await api('GET', '/api/v1/admin/marketplace/products?state=bogus', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/marketplace/products?cursor=zzz', { headers: staff.auth })).status).toBe(400)
  })

  it('POST /sync queues a forced re-push (202) that the consumer runs', async () => {
    const p = await kztProduct(staff)
    await deliver([changeMessage([p.id])])
    ozonState.requests = []
    const sent = captureSyncMessages()
    const res = await api('POST', '/api/v1/admin/marketplace/sync', {
      headers: staff.auth,
      body: { marketplace: 'ozon', product_ids: [p.id] },
    })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ queued_messages: 1, product_count: 1, marketplaces: ['ozon'] })
    const [message] = sent()
    expect(message).toMatchObject({
      type: 'marketplace.sync_requested',
      product_ids: [p.id],
      marketplaces: ['ozon'],
      requested_by: staff.id,
    })

    const rows = await api('GET', '/api/v1/admin/marketplace/products?state=pending', { headers: staff.auth })
    expect(rows.body.data.map((r: { product_id: string }) => r.product_id)).toEqual([p.id])

    const result = await deliver([message])
    expect(result.explicitAcks).toHaveLength(1)
    // Nothing changed, but a re-run pushes content, prices and stock again.
    expect(ozonState.requests.map((r) => r.path)).toEqual(['/v3/product/import', '/v1/product/import/prices', '/v2/products/stocks'])
  })

  it('POST /sync without product ids re-queues every known product; validates input', async () => {
    const a = await kztProduct(staff)
    const b = await kztProduct(staff)
    await deliver([changeMessage([a.id, b.id])])
    const sent = captureSyncMessages()
    const res = await api('POST', '/api/v1/admin/marketplace/sync', { headers: staff.auth, body: {} })
    expect(res.status).toBe(202)
    expect(res.body.marketplaces).toEqual(['kaspi', 'ozon'])
    expect((sent()[0] as { product_ids: string[] }).product_ids).toEqual(expect.arrayContaining([a.id, b.id]))
    expect((await api('POST', '/api/v1/admin/marketplace/sync', { headers: staff.auth, body: { marketplace: 'ebay' } })).status).toBe(400)
    expect((await api('POST', '/api/v1/admin/marketplace/sync', { headers: staff.auth, body: { product_ids: [] } })).status).toBe(400)
  })

  it('a disabled marketplace cannot be synced or imported (409), and is not an error elsewhere', async () => {
    const noOzon = { ...env, OZON_CLIENT_ID: '' }
    await expect(requestSync(noOzon, { marketplace: 'ozon', product_ids: ['prd_x'] }, staff.id)).rejects.toMatchObject({ code: 'conflict' })
    await expect(importOrdersNow(noOzon, 'ozon')).rejects.toMatchObject({ code: 'conflict', status: 409 })
    const onlyKaspi = await requestSync(noOzon, { product_ids: ['prd_x'] }, staff.id)
    expect(onlyKaspi.marketplaces).toEqual(['kaspi'])
  })
})
