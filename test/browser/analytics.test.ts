// The analytics page draws its charts from paid orders: revenue per day, orders per status, top
// products and top sellers, over the chosen date range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, openBrowser, paidOrder, screenshot, signIn, someVariants, token, type Browser, type SeedVariant } from './harness'

let browser: Browser
let bought: SeedVariant[]

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  bought = await someVariants(3)
  // Three paid orders with different products and quantities, so the top list has an order.
  await paidOrder(staff, [{ variantId: bought[0]!.variantId, quantity: 3 }])
  await paidOrder(staff, [{ variantId: bought[1]!.variantId, quantity: 2 }])
  await paidOrder(staff, [{ variantId: bought[2]!.variantId, quantity: 1 }])
})
afterAll(async () => {
  await browser?.close()
})

describe('analytics page', () => {
  it('renders revenue, status, product and seller charts for the chosen range', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    await page.getByRole('link', { name: 'Analytics' }).click()
    await page.getByRole('heading', { name: 'Sales analytics' }).waitFor()

    const today = new Date().toISOString().slice(0, 10)
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)
    await page.getByLabel('From', { exact: true }).fill(weekAgo)
    await page.getByLabel('To', { exact: true }).fill(today)
    await page.getByRole('button', { name: 'Show' }).click()

    // Revenue per day: one bar per day of the range, today's taller than zero.
    const revenue = page.locator('[data-chart="columns"] svg')
    await revenue.waitFor()
    expect(await revenue.getAttribute('role')).toBe('img')
    const bars = revenue.locator('rect.bar')
    await expect.poll(() => bars.count()).toBe(7)
    const heights = await bars.evaluateAll((els) => els.map((el) => Number(el.getAttribute('height'))))
    expect(heights[6]).toBeGreaterThan(0)

    const products = page.getByRole('img', { name: /Top products by revenue/ })
    await products.waitFor()
    // Each bought product has a bar (its tooltip names it in full; long labels are shortened).
    const tooltips = await products.locator('rect.bar title').allTextContents()
    for (const v of bought)
      expect(
        tooltips.some((t) => t.startsWith(`${v.productName}: $`)),
        v.productName,
      ).toBe(true)
    await page.getByRole('img', { name: 'Orders per status' }).getByText('paid', { exact: true }).waitFor()
    expect(
      await page
        .getByRole('img', { name: /Top sellers by revenue/ })
        .locator('rect.bar')
        .count(),
    ).toBeGreaterThan(0)
    // Revenue is one card per currency (other journeys may have paid in KES first); the USD card
    // carries these orders.
    expect(await page.getByRole('definition').filter({ hasText: /\$\d/ }).count()).toBeGreaterThan(0)
    await screenshot(page, 'analytics')
    expect(browser.errors).toEqual([])
  })

  it('a seller sees their own sales report', async () => {
    const { page } = browser
    await signIn(page, DEMO.seller1)
    await page.getByRole('heading', { name: 'My sales' }).waitFor()
    // 30 days by default, one bar (possibly of zero height) per day.
    await page.locator('[data-chart="columns"] svg').waitFor()
    expect(await page.locator('[data-chart="columns"] svg rect.bar').count()).toBe(30)
    // Sellers have no "top sellers" chart: the report is about themselves.
    expect(await page.getByRole('heading', { name: 'Top sellers' }).count()).toBe(0)
    await screenshot(page, 'seller-sales')
  })
})
