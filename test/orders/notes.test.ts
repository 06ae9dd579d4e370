// Staff-only order notes: timestamped timeline entries by a named staff member, written through the
// OrderDO, never shown to the customer, a guest link or a seller (issue 13).
import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from './fixtures'

describe('order notes', () => {
  let ship: string
  beforeAll(async () => {
    ship = await flatShipping(500)
  })

  it('staff add a note; the admin view shows it by name, the customer and the seller never see it', async () => {
    const staff = await createUser('staff', { name: 'Noor Notes' })
    const seller = await createUser('seller')
    const p = await createProduct({ sellerId: seller.id, variants: [{ price: 1500, stock: 5 }] })
    const { order, user: customer } = await placeOrder(p.variants[0]!.id, ship, 1)
    const secret = `Customer called, wants gift wrap ${crypto.randomUUID()}`

    const res = await api('POST', `/api/v1/admin/orders/${order.id}/notes`, { headers: staff.auth, body: { text: `  ${secret}  ` } })
    expect(res.status).toBe(201)
    const note = res.body.timeline.at(-1)
    expect(note).toMatchObject({
      kind: 'note',
      from: 'pending',
      to: 'pending',
      reason: secret,
      actor: { type: 'staff', id: staff.id, name: 'Noor Notes' },
    })
    expect(Date.parse(note.at)).not.toBeNaN()
    expect(res.body.status).toBe('pending')

    const admin = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: staff.auth })
    expect(admin.body.timeline.filter((t: { kind: string }) => t.kind === 'note')).toHaveLength(1)

    const own = await api('GET', `/api/v1/orders/${order.id}`, { headers: customer.auth })
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.body)).not.toContain(secret)
    expect(own.body.timeline.every((t: { kind: string }) => t.kind === 'status')).toBe(true)
    const mine = await api('GET', '/api/v1/orders', { headers: customer.auth })
    expect(JSON.stringify(mine.body)).not.toContain(secret)
    const lines = await api('GET', '/api/v1/seller/order-lines', { headers: seller.auth })
    expect(lines.status).toBe(200)
    expect(JSON.stringify(lines.body)).not.toContain(secret)
    // The customer cancelling gets the order back without the note either.
    const cancelled = await api('POST', `/api/v1/orders/${order.id}/cancel`, { headers: customer.auth, body: {} })
    expect(cancelled.status).toBe(200)
    expect(JSON.stringify(cancelled.body)).not.toContain(secret)
    // It is in D1 as a staff-only history row, written through from the DO.
    const row = await env.DB.prepare('SELECT visibility, actor_id FROM order_history WHERE order_id = ? AND reason = ?')
      .bind(order.id, secret)
      .first()
    expect(row).toEqual({ visibility: 'staff', actor_id: staff.id })
  })

  it('two staff noting at once both land, in order, without changing the status', async () => {
    const a = await createUser('staff')
    const b = await createUser('admin')
    const p = await createProduct({ variants: [{ price: 1500, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    const results = await Promise.all([
      api('POST', `/api/v1/admin/orders/${order.id}/notes`, { headers: a.auth, body: { text: 'first' } }),
      api('POST', `/api/v1/admin/orders/${order.id}/notes`, { headers: b.auth, body: { text: 'second' } }),
      api('POST', `/api/v1/admin/orders/${order.id}/transition`, { headers: a.auth, body: { to: 'cancelled' } }),
    ])
    expect(results.map((r) => r.status)).toEqual([201, 201, 200])
    const detail = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: a.auth })
    expect(detail.body.status).toBe('cancelled')
    const notes = detail.body.timeline.filter((t: { kind: string }) => t.kind === 'note').map((t: { reason: string }) => t.reason)
    expect(notes.sort()).toEqual(['first', 'second'])
  })

  it('refuses an empty or too long note, an unknown order, and a customer or seller', async () => {
    const staff = await createUser('staff')
    const p = await createProduct({ variants: [{ price: 1500, stock: 5 }] })
    const { order, user: customer } = await placeOrder(p.variants[0]!.id, ship, 1)
    const post = (body: unknown, auth = staff.auth, id = order.id) =>
      api('POST', `/api/v1/admin/orders/${id}/notes`, { headers: auth, body })
    const empty = await post({ text: '   ' })
    expect(empty.status).toBe(400)
    expect(empty.body.error.details[0].path).toBe('text')
    expect((await post({ text: 'x'.repeat(2001) })).status).toBe(400)
    expect((await post({ text: 'ok', extra: 1 })).status).toBe(400)
    expect((await post({ text: 'ok' }, staff.auth, 'ord_missing')).status).toBe(404)
    expect((await post({ text: 'ok' }, customer.auth)).status).toBe(403)
    expect((await post({ text: 'ok' }, (await createUser('seller')).auth)).status).toBe(403)
  })
})
