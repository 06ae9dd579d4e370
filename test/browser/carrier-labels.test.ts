// Carriers in real Chromium: staff buy a UPS label for a paid order on its dashboard page (the UPS
// fake in the fakes Worker answers with UPS's shapes); the order ships, the shipment shows its
// tracking number, and the label downloads as a file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, paidOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

describe('carrier labels', () => {
  it('staff buy a UPS label on the order page; the order ships with its tracking number and the label downloads', async () => {
    const [v] = await someVariants(1)
    const order = await paidOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
    const { page } = browser
    await signIn(page, DEMO.staff)
    await page.goto(`${baseUrl()}/admin/#/orders/${order.id}`)
    const panel = page.getByRole('region', { name: 'Carrier shipments' })
    await panel.getByText('Buy a label').waitFor()
    await panel.getByLabel('Carrier').selectOption('ups')
    await panel.getByLabel('Service level').fill('03')
    await panel.getByLabel('Weight (g)').fill('800')
    await panel.getByRole('button', { name: 'Buy label' }).click()
    const bought = page.getByRole('status').filter({ hasText: /Label bought: UPS 1Z\w+/ })
    await bought.waitFor()
    const tracking = /1Z\w+/.exec((await bought.textContent()) ?? '')![0]

    const shipments = await call('GET', `/api/v1/admin/orders/${order.id}/shipments`, { token: staff })
    expect(shipments.body.data).toHaveLength(1)
    expect(shipments.body.data[0]).toMatchObject({ carrier: 'ups', tracking_number: tracking })
    await panel.getByText(tracking).first().waitFor()
    const detail = await call('GET', `/api/v1/admin/orders/${order.id}`, { token: staff })
    expect(detail.body.status).toBe('shipped')

    const label = await fetch(`${baseUrl()}/api/v1/shipments/${shipments.body.data[0].id}/label`, {
      headers: { Authorization: `Bearer ${staff}` },
    })
    expect(label.status).toBe(200)
    expect((await label.arrayBuffer()).byteLength).toBeGreaterThan(0)
  })
})
