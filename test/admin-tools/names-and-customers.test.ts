// Staff see names instead of ids (order customer, line sellers, timeline actors, stock-history
// authors, product sellers), user search matches text inside the email or name, and the customer
// page's profile sums orders per currency.
import { beforeAll, describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

const tag = crypto.randomUUID().slice(0, 8)

describe('names instead of ids', () => {
  let ship: string
  let staff: Awaited<ReturnType<typeof createUser>>
  let seller: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    ship = await flatShipping(500)
    staff = await createUser('staff', { name: `Stella Staff ${tag}` })
    seller = await createUser('seller', { name: `Sam Seller ${tag}` })
  })

  it('the admin order detail and list carry the customer, seller and actor names', async () => {
    const p = await createProduct({ sellerId: seller.id, variants: [{ price: 2000, stock: 5 }] })
    const customer = await createUser('customer', { name: `Cora Customer ${tag}` })
    const { order } = await placeOrder(p.variants[0]!.id, ship, 1, customer)
    const cancelled = await api('POST', `/api/v1/admin/orders/${order.id}/transition`, {
      headers: staff.auth,
      body: { to: 'cancelled', reason: 'test' },
    })
    expect(cancelled.status).toBe(200)

    const detail = await api('GET', `/api/v1/admin/orders/${order.id}`, { headers: staff.auth })
    expect(detail.status).toBe(200)
    expect(detail.body.customer_name).toBe(`Cora Customer ${tag}`)
    expect(detail.body.lines[0]).toMatchObject({ seller_id: seller.id, seller_name: `Sam Seller ${tag}` })
    const last = detail.body.timeline.at(-1)
    expect(last).toMatchObject({ to: 'cancelled', actor: { type: 'staff', id: staff.id, name: `Stella Staff ${tag}` } })
    // The customer's own view names no staff.
    const own = await api('GET', `/api/v1/orders/${order.id}`, { headers: customer.auth })
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.body)).not.toContain('Stella Staff')

    const list = await api('GET', `/api/v1/admin/orders?user_id=${customer.id}`, { headers: staff.auth })
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0]).toMatchObject({ id: order.id, customer_name: `Cora Customer ${tag}` })
  })

  it('stock history names who changed the stock, and a product names its seller', async () => {
    const p = await createProduct({ sellerId: seller.id, variants: [{ price: 900, stock: 3 }] })
    const v = p.variants[0]!.id
    const change = await api('POST', `/api/v1/admin/products/${p.id}/variants/${v}/stock`, { headers: staff.auth, body: { delta: 2 } })
    expect(change.status).toBe(200)
    const history = await api('GET', `/api/v1/admin/products/${p.id}/variants/${v}/stock`, { headers: staff.auth })
    expect(history.status).toBe(200)
    expect(history.body.data[0]).toMatchObject({ user_id: staff.id, user_name: `Stella Staff ${tag}`, kind: 'delta', quantity: 2 })
    const product = await api('GET', `/api/v1/admin/products/${p.id}`, { headers: staff.auth })
    expect(product.body).toMatchObject({ seller_id: seller.id, seller_name: `Sam Seller ${tag}` })
  })
})

describe('user search', () => {
  it('finds text inside the email or the name, case-insensitively, with % and _ taken literally', async () => {
    const tag = crypto.randomUUID().slice(0, 8)
    const staff = await createUser('staff')
    const a = await createUser('customer', { email: `first.${tag}.last@example.test`, name: 'Plain Name' })
    const b = await createUser('customer', {
      email: `other-${crypto.randomUUID().slice(0, 6)}@example.test`,
      name: `Mira ${tag.toUpperCase()} Volkova`,
    })
    const ids = async (q: string) =>
      (
        (await api('GET', `/api/v1/admin/users?q=${encodeURIComponent(q)}&limit=100`, { headers: staff.auth })).body.data as {
          id: string
        }[]
      )
        .map((u) => u.id)
        .sort()
    expect(await ids(tag)).toEqual([a.id, b.id].sort())
    expect(await ids(`.${tag}.LAST`)).toEqual([a.id])
    expect(await ids(`${tag} volkova`)).toEqual([b.id])
    // A wildcard typed by the user is a literal character, not "anything".
    expect(await ids(`first%${tag}`)).toEqual([])
    expect(await ids(`first_${tag}`)).toEqual([])
  })
})

describe('customer profile', () => {
  it('sums paid orders per currency net of refunds and lists the addresses', async () => {
    const ship = await flatShipping(500)
    const staff = await createUser('staff')
    const admin = await createUser('admin')
    const customer = await createUser('customer', { name: `Lifetime ${tag}` })
    const added = await api('POST', '/api/v1/me/addresses', {
      headers: customer.auth,
      body: { name: 'Lifetime', line1: '2 Long Rd', city: 'Leeds', country: 'GB', label: 'Home' },
    })
    expect(added.status).toBe(201)
    const p = await createProduct({ variants: [{ price: 2000, stock: 10 }] })
    const one = (await placeOrder(p.variants[0]!.id, ship, 1, customer)).order
    const two = (await placeOrder(p.variants[0]!.id, ship, 2, customer)).order
    await placeOrder(p.variants[0]!.id, ship, 1, customer) // left awaiting payment
    for (const o of [one, two]) {
      expect((await api('POST', `/api/v1/admin/orders/${o.id}/confirm-payment`, { headers: admin.auth, body: {} })).status).toBe(200)
    }
    const refund = await api('POST', `/api/v1/admin/orders/${one.id}/refunds`, {
      headers: { ...admin.auth, 'Idempotency-Key': crypto.randomUUID() },
      body: { amount: 700 },
    })
    expect(refund.status).toBeLessThan(300)

    const res = await api('GET', `/api/v1/admin/customers/${customer.id}`, { headers: staff.auth })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ id: customer.id, name: `Lifetime ${tag}` })
    expect(res.body.addresses).toEqual([expect.objectContaining({ label: 'Home', city: 'Leeds' })])
    const spent = one.total.amount + two.total.amount
    expect(res.body.totals).toEqual([
      expect.objectContaining({
        currency: 'USD',
        orders: 3,
        paid_orders: 2,
        open_orders: 1,
        spent: { amount: spent, currency: 'USD' },
        refunded: { amount: 700, currency: 'USD' },
        lifetime_value: { amount: spent - 700, currency: 'USD' },
        average_order: { amount: Math.round(spent / 2), currency: 'USD' },
      }),
    ])
  })

  it('answers 404 for an unknown account and 403 to a customer', async () => {
    const staff = await createUser('staff')
    const customer = await createUser('customer')
    expect((await api('GET', '/api/v1/admin/customers/usr_nobody', { headers: staff.auth })).status).toBe(404)
    expect((await api('GET', `/api/v1/admin/customers/${customer.id}`, { headers: customer.auth })).status).toBe(403)
  })
})
