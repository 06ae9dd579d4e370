// Phones (issue 13): at 390 px no page scrolls sideways, the navigation folds behind a Menu button,
// tables scroll inside themselves and chart text stays readable.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, screenshot, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let orderId: string
let productId: string

const STAFF_PAGES = [
  'analytics',
  'orders',
  'products',
  'products/new',
  'inventory',
  'categories',
  'customers',
  'payments',
  'discounts',
  'tax-rates',
  'shipping',
  'notifications',
  'marketplace',
]
const SELLER_PAGES = ['sales', 'products', 'lines']

beforeAll(async () => {
  browser = await openBrowser()
  await browser.page.setViewportSize({ width: 390, height: 844 })
  const staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  productId = v!.productId
  orderId = (await paidOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])).id
})
afterAll(async () => {
  await browser?.close()
})

/** How far the page is wider than the viewport (0 when nothing scrolls sideways). */
const overflow = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth)

async function visit(page: Page, path: string) {
  await page.goto(`${baseUrl()}/admin/#/${path}`)
  await page.getByRole('heading', { level: 1 }).first().waitFor()
  await expect.poll(() => page.getByText('Loading…').count(), { timeout: 10_000 }).toBe(0)
}

describe('the dashboard at 390 px', () => {
  it('the sign-in page fits', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(await overflow(page)).toBe(0)
  })

  it('no staff page scrolls sideways, including an order and a product', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    for (const path of [...STAFF_PAGES, `orders/${orderId}`, `products/${productId}`]) {
      await visit(page, path)
      expect(await overflow(page), `#/${path} is wider than the phone`).toBe(0)
    }
    await visit(page, `orders/${orderId}`)
    await screenshot(page, 'phone-order')
  })

  it('the navigation folds behind a Menu button that opens and closes it', async () => {
    const { page } = browser
    await visit(page, 'orders')
    const nav = page.getByRole('navigation', { name: 'Dashboard' })
    const menu = page.getByRole('button', { name: 'Menu' })
    expect(await nav.isVisible()).toBe(false)
    expect(await menu.getAttribute('aria-expanded')).toBe('false')
    await menu.click()
    expect(await menu.getAttribute('aria-expanded')).toBe('true')
    await nav.getByRole('link', { name: 'Products' }).click()
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor()
    // Closed by an effect after the new page renders: poll, a busy machine can run it a frame later.
    await expect.poll(() => nav.isVisible()).toBe(false)
  })

  it('tables scroll inside themselves and chart text stays readable', async () => {
    const { page } = browser
    await visit(page, 'orders')
    const table = page.locator('main table').first()
    const box = await table.boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(390)
    await visit(page, 'analytics')
    await page.locator('[data-chart="columns"] svg').waitFor()
    // Rendered size of the axis text: the SVG is drawn at the card's width, not scaled down.
    const sizes = await page.locator('[data-chart] svg text').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))
    expect(sizes.length).toBeGreaterThan(0)
    expect(Math.min(...sizes.filter((h) => h > 0))).toBeGreaterThanOrEqual(10)
    expect(await overflow(page)).toBe(0)
    await screenshot(page, 'phone-analytics')
  })

  it('no seller page scrolls sideways', async () => {
    const { page } = browser
    await signIn(page, DEMO.seller1)
    for (const path of SELLER_PAGES) {
      await visit(page, path)
      expect(await overflow(page), `#/${path} is wider than the phone`).toBe(0)
    }
    expect(browser.errors).toEqual([])
  })
})
