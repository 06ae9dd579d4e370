// The low-stock threshold as a store setting (GET/PUT /admin/inventory/settings, used by
// GET /admin/inventory when no threshold is asked for) and the reason recorded with a manual stock change.
import { describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'

async function allRows(auth: Record<string, string>, query = '') {
  const rows: { variant_id: string; stock: number }[] = []
  let cursor: string | null = null
  let threshold: number | undefined
  do {
    const res: { status: number; body: any } = await api(
      'GET',
      `/api/v1/admin/inventory?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: auth },
    )
    expect(res.status).toBe(200)
    threshold = res.body.threshold
    rows.push(...res.body.data)
    cursor = res.body.next_cursor
  } while (cursor)
  return { rows, threshold }
}

describe('low-stock threshold setting', () => {
  it('defaults to 5, is saved by an admin (not staff), and decides the list when no threshold is asked for', async () => {
    const admin = await createUser('admin', { name: 'Adele Admin' })
    const staff = await createUser('staff')
    const first = await api('GET', '/api/v1/admin/inventory/settings', { headers: staff.auth })
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ low_stock_threshold: 5, updated_at: null, updated_by_name: null })

    const p = await createProduct({
      variants: [
        { price: 100, stock: 3 },
        { price: 100, stock: 5 },
        { price: 100, stock: 8 },
      ],
    })
    const [v3, v5, v8] = p.variants.map((v) => v.id)
    let view = await allRows(staff.auth)
    expect(view.threshold).toBe(5)
    expect(view.rows.filter((r) => [v3, v5, v8].includes(r.variant_id)).map((r) => r.stock)).toEqual([3, 5])

    expect((await api('PUT', '/api/v1/admin/inventory/settings', { headers: staff.auth, body: { low_stock_threshold: 8 } })).status).toBe(
      403,
    )
    const saved = await api('PUT', '/api/v1/admin/inventory/settings', { headers: admin.auth, body: { low_stock_threshold: 3 } })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ low_stock_threshold: 3, updated_by_name: 'Adele Admin', updated_at: expect.any(String) })
    expect((await api('GET', '/api/v1/admin/inventory/settings', { headers: staff.auth })).body.low_stock_threshold).toBe(3)

    view = await allRows(staff.auth)
    expect(view.threshold).toBe(3)
    expect(view.rows.every((r) => r.stock <= 3)).toBe(true)
    expect(view.rows.filter((r) => [v3, v5, v8].includes(r.variant_id)).map((r) => r.stock)).toEqual([3])
    // An explicit threshold still wins (a one-off view).
    const asked = await allRows(staff.auth, '&threshold=8')
    expect(asked.threshold).toBe(8)
    expect(asked.rows.filter((r) => [v3, v5, v8].includes(r.variant_id)).map((r) => r.stock)).toEqual([3, 5, 8])
    const counts = await api('GET', '/api/v1/admin/inventory?limit=1', { headers: staff.auth })
    expect(counts.body.low_count).toBe(view.rows.length)

    // Saving again overwrites (one row per key).
    await api('PUT', '/api/v1/admin/inventory/settings', { headers: admin.auth, body: { low_stock_threshold: 5 } })
    expect((await api('GET', '/api/v1/admin/inventory/settings', { headers: staff.auth })).body.low_stock_threshold).toBe(5)
  })

  it('refuses a bad threshold with a 400 at the field', async () => {
    const admin = await createUser('admin')
    for (const body of [
      { low_stock_threshold: -1 },
      { low_stock_threshold: 1.5 },
      { low_stock_threshold: '3' },
      { low_stock_threshold: 2_000_000 },
      {},
      { low_stock_threshold: 3, extra: 1 },
    ]) {
      const res = await api('PUT', '/api/v1/admin/inventory/settings', { headers: admin.auth, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
    }
    expect((await api('GET', '/api/v1/admin/inventory?threshold=-2', { headers: admin.auth })).status).toBe(400)
  })
})

describe('stock changes with a reason', () => {
  it('records the reason, the note and the actor in the stock history', async () => {
    const staff = await createUser('staff', { name: 'Stan Staff' })
    const p = await createProduct({ variants: [{ price: 100, stock: 2 }] })
    const v = p.variants[0]!.id
    const path = `/api/v1/admin/products/${p.id}/variants/${v}/stock`
    expect((await api('POST', path, { headers: staff.auth, body: { delta: 10, reason: 'received' } })).status).toBe(200)
    expect(
      (await api('POST', path, { headers: staff.auth, body: { delta: -1, reason: 'other', note: 'given to a photographer' } })).status,
    ).toBe(200)
    expect((await api('POST', path, { headers: staff.auth, body: { stock: 4 } })).status).toBe(200)
    const history = await api('GET', path, { headers: staff.auth })
    expect(history.body.data.map((h: any) => [h.kind, h.quantity, h.reason, h.note, h.user_name])).toEqual([
      ['set', 4, null, null, 'Stan Staff'],
      ['delta', -1, 'other', 'given to a photographer', 'Stan Staff'],
      ['delta', 10, 'received', null, 'Stan Staff'],
    ])
  })

  it('refuses "other" without a note and an unknown reason; a retry with another reason is a conflict', async () => {
    const staff = await createUser('staff')
    const p = await createProduct({ variants: [{ price: 100, stock: 2 }] })
    const path = `/api/v1/admin/products/${p.id}/variants/${p.variants[0]!.id}/stock`
    const noNote = await api('POST', path, { headers: staff.auth, body: { delta: 1, reason: 'other' } })
    expect(noNote.status).toBe(400)
    expect(noNote.body.error.details).toEqual([expect.objectContaining({ path: 'note' })])
    expect((await api('POST', path, { headers: staff.auth, body: { delta: 1, reason: 'stolen' } })).status).toBe(400)
    expect((await api('POST', path, { headers: staff.auth, body: { delta: 1, reason: 'received', note: '' } })).status).toBe(400)

    const key = { ...staff.auth, 'Idempotency-Key': crypto.randomUUID() }
    expect((await api('POST', path, { headers: key, body: { delta: 1, reason: 'received' } })).status).toBe(200)
    const replay = await api('POST', path, { headers: key, body: { delta: 1, reason: 'received' } })
    expect(replay.status).toBe(200)
    expect(replay.body.variants[0].stock).toBe(3)
    const other = await api('POST', path, { headers: key, body: { delta: 1, reason: 'returned' } })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('idempotency_conflict')
  })
})
