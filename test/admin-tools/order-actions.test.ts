// The admin order detail lists the actions the order's status allows, from the state machine.
import { beforeAll, describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

describe('allowed_actions on the admin order detail', () => {
  let ship: string
  let admin: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    ship = await flatShipping(500)
    admin = await createUser('admin')
  })
  const actionsOf = async (id: string) => {
    const res = await api('GET', `/api/v1/admin/orders/${id}`, { headers: admin.auth })
    expect(res.status).toBe(200)
    return res.body.allowed_actions as string[]
  }
  const move = async (id: string, body: Record<string, unknown>) =>
    expect((await api('POST', `/api/v1/admin/orders/${id}/transition`, { headers: admin.auth, body })).status).toBe(200)

  it('follows an order from pending to delivered and refunded', async () => {
    const p = await createProduct({ variants: [{ price: 2000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    expect(await actionsOf(order.id)).toEqual(['confirm_payment', 'cancel'])
    const paid = await api('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { headers: admin.auth, body: {} })
    expect(paid.status).toBe(200)
    expect(await actionsOf(order.id)).toEqual(['ship', 'refund'])
    await move(order.id, { to: 'shipped', carrier: 'DHL', tracking_number: 'T1' })
    expect(await actionsOf(order.id)).toEqual(['deliver', 'refund'])
    await move(order.id, { to: 'delivered' })
    expect(await actionsOf(order.id)).toEqual(['refund'])
    const refund = await api('POST', `/api/v1/admin/orders/${order.id}/refunds`, {
      headers: { ...admin.auth, 'Idempotency-Key': crypto.randomUUID() },
      body: {},
    })
    expect(refund.status).toBeLessThan(300)
    expect(await actionsOf(order.id)).toEqual([])
  })

  it('a cancelled order allows nothing', async () => {
    const p = await createProduct({ variants: [{ price: 1500, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1)
    await move(order.id, { to: 'cancelled', reason: 'test' })
    expect(await actionsOf(order.id)).toEqual([])
  })
})
