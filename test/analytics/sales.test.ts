import { describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

async function markPaid(orderId: string, auth: Record<string, string>) {
  for (const to of ['processing', 'paid']) {
    const res = await api('POST', `/api/v1/admin/orders/${orderId}/transition`, { headers: auth, body: { to } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
}

describe('sales analytics', () => {
  it('reports revenue per day, orders per status, top products and sellers from paid orders only', async () => {
    const staff = await createUser('staff')
    const sellerA = await createUser('seller', { name: 'Seller A' })
    const sellerB = await createUser('seller', { name: 'Seller B' })
    const shipping = await flatShipping(0)
    const a = await createProduct({ sellerId: sellerA.id, name: 'Anvil', variants: [{ price: 2500, stock: 50 }] })
    const b = await createProduct({ sellerId: sellerB.id, name: 'Bucket', variants: [{ price: 700, stock: 50 }] })

    const paid1 = await placeOrder(a.variants[0]!.id, shipping, 2) // 5000
    const paid2 = await placeOrder(b.variants[0]!.id, shipping, 3) // 2100
    await placeOrder(a.variants[0]!.id, shipping, 1) // stays pending: not revenue
    await markPaid(paid1.order.id, staff.auth)
    await markPaid(paid2.order.id, staff.auth)

    const today = new Date().toISOString().slice(0, 10)
    const res = await api('GET', `/api/v1/admin/analytics/sales?from=${today}&to=${today}`, { headers: staff.auth })
    expect(res.status).toBe(200)
    const report = res.body
    const revenue = paid1.order.total.amount + paid2.order.total.amount
    expect(report.revenue_by_day).toEqual([{ day: today, currency: 'USD', revenue, orders: 2 }])
    expect(report.totals).toEqual([{ currency: 'USD', amount: revenue, orders: 2, refunded: 0 }])
    expect(report.orders_by_status).toEqual([
      { status: 'paid', count: 2 },
      { status: 'pending', count: 1 },
    ])
    expect(report.top_products.map((p: { product_name: string }) => p.product_name)).toEqual(['Anvil', 'Bucket'])
    expect(report.top_products[0]).toMatchObject({ quantity: 2, revenue: paid1.order.total.amount })
    expect(report.top_sellers.map((s: { seller_name: string }) => s.seller_name)).toEqual(['Seller A', 'Seller B'])

    // A seller sees only their own lines.
    const own = await api('GET', `/api/v1/seller/sales?from=${today}&to=${today}`, { headers: sellerB.auth })
    expect(own.status).toBe(200)
    expect(own.body.top_products).toEqual([expect.objectContaining({ product_name: 'Bucket', quantity: 3 })])
    expect(own.body.totals).toEqual([{ currency: 'USD', amount: paid2.order.total.amount, orders: 1, refunded: 0 }])

    // A range before today is empty.
    const empty = await api('GET', '/api/v1/admin/analytics/sales?from=2020-01-01&to=2020-01-31', { headers: staff.auth })
    expect(empty.body.revenue_by_day).toEqual([])
  })

  it('validates the range and guards the endpoints by role', async () => {
    const staff = await createUser('staff')
    const customer = await createUser('customer')
    const bad = await api('GET', '/api/v1/admin/analytics/sales?from=2026-02-30', { headers: staff.auth })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('validation_error')
    const reversed = await api('GET', '/api/v1/admin/analytics/sales?from=2026-03-02&to=2026-03-01', { headers: staff.auth })
    expect(reversed.status).toBe(400)
    expect((await api('GET', '/api/v1/admin/analytics/sales', { headers: customer.auth })).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/analytics/sales')).status).toBe(401)
    expect((await api('GET', '/api/v1/seller/sales', { headers: staff.auth })).status).toBe(403)
  })
})
