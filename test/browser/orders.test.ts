// Staff ship a paid order with tracking and refund another, from the order page's actions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, paidOrder, screenshot, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string
let toShip: { id: string }
let toRefund: { id: string; total: { amount: number; currency: string } }

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  const [a, b] = await someVariants(2)
  toShip = await paidOrder(staff, [{ variantId: a!.variantId, quantity: 2 }])
  toRefund = await paidOrder(staff, [{ variantId: b!.variantId, quantity: 1 }])
})
afterAll(async () => {
  await browser?.close()
})

describe('orders in the dashboard', () => {
  it('staff find a paid order, ship it with tracking, and see it in the timeline', async () => {
    const { page } = browser
    await signIn(page, DEMO.staff)
    // The navigation's own link: a page may hold other links whose names contain "orders".
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Orders', exact: true }).click()
    await page.getByLabel('Status').selectOption('paid')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('link', { name: toShip.id }).click()
    await page.getByRole('heading', { name: `Order ${toShip.id}` }).waitFor()

    const form = page.getByRole('form', { name: 'Ship' })
    await form.getByLabel('Carrier').fill('DHL')
    await form.getByLabel('Tracking number').fill('JD014600006281230')
    await form.getByRole('button', { name: 'Ship' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Mark as shipped' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Order ${toShip.id} is now shipped.` })
      .waitFor()
    const timeline = page.getByRole('list').filter({ has: page.locator('time') })
    await timeline.getByText('shipped', { exact: true }).waitFor()
    await page.getByText('JD014600006281230').first().waitFor()
    await screenshot(page, 'order-shipped')

    const after = await call('GET', `/api/v1/admin/orders/${toShip.id}`, { token: staff })
    expect(after.body.status).toBe('shipped')
    expect(after.body.lines[0]).toMatchObject({ carrier: 'DHL', tracking_number: 'JD014600006281230' })
    const steps = after.body.timeline.map((t: { to: string }) => t.to)
    expect(steps.slice(-2)).toEqual(['paid', 'shipped'])
  })

  it('a shipped order offers delivery and refunds, not shipping again', async () => {
    const { page } = browser
    await page.getByRole('button', { name: 'Mark as delivered' }).waitFor()
    expect(await page.getByRole('form', { name: 'Ship' }).count()).toBe(0)
    expect(await page.getByRole('form', { name: 'Refund' }).count()).toBe(1)
  })

  it('staff add a note: it is required, and shows in the timeline with their name', async () => {
    const { page } = browser
    const text = `Called the customer about the gift wrap ${Date.now()}`
    const form = page.getByRole('form', { name: 'Add a note' })
    await form.getByRole('button', { name: 'Add note' }).click()
    await form.locator('.field-error').getByText('Note is required').waitFor()
    await form.getByLabel('Note').fill(text)
    await form.getByRole('button', { name: 'Add note' }).click()
    await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor()
    const me = await call('GET', '/api/v1/me', { token: staff })
    const entry = page.getByRole('listitem').filter({ hasText: text })
    await entry.getByText(`by ${me.body.name} (staff)`).waitFor()
    expect(await form.getByLabel('Note').inputValue()).toBe('')
    const order = await call('GET', `/api/v1/admin/orders/${toShip.id}`, { token: staff })
    expect(order.body.timeline.at(-1)).toMatchObject({ kind: 'note', reason: text })
    expect(order.body.status).toBe('shipped')
  })

  it('staff refund a paid order in full', async () => {
    const { page } = browser
    await page.goto(page.url().replace(/#.*$/, `#/orders/${toRefund.id}`))
    await page.getByRole('heading', { name: `Order ${toRefund.id}` }).waitFor()
    const form = page.getByRole('form', { name: 'Refund' })
    await form.getByLabel('Reason').fill('requested_by_customer')
    await form.getByLabel('Put the items back in stock').check()
    await form.getByRole('button', { name: 'Refund' }).click()
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Refund / })
      .click()
    await page
      .getByRole('status')
      .filter({ hasText: `on order ${toRefund.id}; it is now refunded.` })
      .waitFor()
    // The refund is listed with the order's payments once the page reloads them.
    await page.getByRole('table', { name: 'Refunds' }).getByText('requested_by_customer').waitFor()
    await screenshot(page, 'order-refunded')

    const after = await call('GET', `/api/v1/admin/orders/${toRefund.id}`, { token: staff })
    expect(after.body.status).toBe('refunded')
    expect(after.body.refunded).toEqual(toRefund.total)
    expect(browser.errors).toEqual([])
  })
})
