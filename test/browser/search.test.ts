// Global search (Ctrl/Cmd-K) and the orders filter by customer email (issue 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, paidOrder, placedOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let order: { id: string }
/** Another customer's order, which the email filter must leave out. */
let other: { id: string }
let sku: string
let productName: string

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  productName = v!.productName
  sku = (await call('GET', `/api/v1/products/${v!.slug}`)).body.variants[0].sku
  order = await paidOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
  other = await placedOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

describe('global search', () => {
  it('Ctrl-K opens it; an order number leads to the order, a piece of a SKU to its product', async () => {
    const { page } = browser
    await page.keyboard.press('Control+k')
    const box = page.getByLabel('Search orders, customers and products')
    await box.fill(order.id)
    await page.getByRole('region', { name: 'Orders' }).getByRole('link', { name: order.id }).click()
    await page.getByRole('heading', { name: `Order ${order.id}` }).waitFor()
    expect(await page.getByRole('dialog', { name: 'Search' }).isVisible()).toBe(false)

    await page.keyboard.press('Control+k')
    await box.fill(sku.slice(1).toLowerCase())
    await page.getByRole('region', { name: 'Products' }).getByRole('link', { name: productName }).first().click()
    await page.getByRole('heading', { level: 1, name: productName }).waitFor()
  })

  it('a customer found by a piece of their email opens the customer page; orders filter by that email', async () => {
    const { page } = browser
    const detail = await call('GET', `/api/v1/admin/orders/${order.id}`, { token: await token(DEMO.staff) })
    const email: string = detail.body.email
    await page.keyboard.press('Control+k')
    await page.getByLabel('Search orders, customers and products').fill(email.split('@')[0]!.slice(2))
    await page.getByRole('region', { name: 'Customers' }).getByRole('link').first().click()
    await page.getByRole('heading', { level: 2, name: 'Totals' }).waitFor()
    await page.getByRole('link', { name: order.id }).waitFor()

    await page.getByRole('link', { name: 'Orders', exact: true }).click()
    await page.getByLabel('Customer email or id').fill(email)
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/email=/)
    expect(page.url()).toContain(`email=${encodeURIComponent(email)}`)
    // Only that customer's orders: another customer's newer order leaves the list (polled: the
    // unfiltered list stays on screen until the filtered one arrives).
    await expect
      .poll(() => page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: other.id }).count(), { timeout: 15_000 })
      .toBe(0)
    await page.getByRole('link', { name: order.id }).waitFor()

    await page.getByLabel('Customer email or id').fill('nobody-here@example.com')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByText('No account has the email nobody-here@example.com.').waitFor()
    expect(browser.errors).toEqual([])
  })
})
