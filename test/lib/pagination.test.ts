import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, olderThanCursor, paginate } from '../../src/lib/pagination'
import { orders } from '../../src/modules/orders/tables'
import { api, createUser } from '../helpers'

describe('keyset pagination helpers', () => {
  it('round-trips a cursor and refuses one of the wrong shape', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'ord_1']), 2)).toEqual(['2026-01-01T00:00:00.000Z', 'ord_1'])
    expect(() => decodeCursor(encodeCursor(['a']), 2)).toThrow(/cursor/)
    expect(() => decodeCursor('not base64 json', 2)).toThrow(/cursor/)
    expect(() => olderThanCursor(encodeCursor([1, 2]), orders.createdAt, orders.id)).toThrow(/cursor/)
  })

  it('splits off one page and points the cursor at its last row', () => {
    const rows = [{ k: 'c' }, { k: 'b' }, { k: 'a' }]
    const page = paginate(rows, 2, (r) => [r.k])
    expect(page.data).toEqual([{ k: 'c' }, { k: 'b' }])
    expect(decodeCursor(page.next_cursor!, 1)).toEqual(['b'])
    expect(paginate(rows, 3, (r) => [r.k]).next_cursor).toBeNull()
  })

  it('answers a forged cursor with 400 invalid_cursor, not 500', async () => {
    const staff = await createUser('staff')
    for (const path of ['/api/v1/admin/orders', '/api/v1/admin/users', '/api/v1/admin/payments', '/api/v1/admin/notifications']) {
      const res = await api('GET', `${path}?cursor=${encodeCursor([1, 2])}`, { headers: staff.auth })
      expect(res.status, path).toBe(400)
      expect(res.body.error.code, path).toBe('invalid_cursor')
    }
  })
})
