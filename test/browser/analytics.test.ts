// The analytics page draws its charts from paid orders: revenue per day, orders per status, top
// products and top sellers, over the chosen date range. Issue 13's analytics defects: an error shown
// twice, "$0.00 / $0.01" axes on an empty range, "1 orders".
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  baseUrl,
  call,
  DEMO,
  openBrowser,
  paidOrder,
  screenshot,
  signIn,
  someVariants,
  token,
  type Browser,
  type SeedVariant,
} from './harness'

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

  it('an empty range draws one zero line (no "$0.01" axis), and a refused range shows its error once', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    await page.goto(`${baseUrl()}/admin/#/analytics?from=2001-01-01&to=2001-01-07`)
    const revenue = page.locator('[data-chart="columns"] svg')
    await revenue.waitFor()
    await page.getByText('No paid orders in this range').waitFor()
    const axis = await revenue.locator('text').allTextContents()
    expect(axis.filter((label) => label.startsWith('$'))).toEqual(['$0.00'])
    // "from" after "to": the API refuses it, and the page says so in one place, not two.
    await page.goto(`${baseUrl()}/admin/#/analytics?from=2001-01-07&to=2001-01-01`)
    await page.reload()
    await page.getByRole('main').getByRole('alert').first().waitFor()
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(1)
    expect(await page.getByRole('main').getByText('from must not be after to').count()).toBe(1)
  })

  it('one order is "1 order": a new seller with a single sale', async () => {
    const { page } = browser
    const admin = await token(DEMO.admin)
    const staff = await token(DEMO.staff)
    const email = `solo-${crypto.randomUUID().slice(0, 8)}@example.com`
    const password = 'browser-test-pass-1'
    expect((await call('POST', '/api/v1/auth/register', { body: { email, password, name: 'Solo Seller' } })).status).toBe(202)
    const login = await call('POST', '/api/v1/auth/login', { body: { email, password } })
    const sellerId = login.body.user.id as string
    expect((await call('PATCH', `/api/v1/admin/users/${sellerId}`, { token: admin, body: { role: 'seller' } })).status).toBe(200)
    const product = await call('POST', '/api/v1/admin/products', {
      token: admin,
      body: {
        name: `Solo lamp ${sellerId.slice(-6)}`,
        seller_id: sellerId,
        status: 'active',
        currency: 'USD',
        variants: [{ sku: `SOLO-${sellerId.slice(-8).toUpperCase()}`, price: 1500, stock: 5 }],
      },
    })
    expect(product.status).toBe(201)
    await paidOrder(staff, [{ variantId: product.body.variants[0].id, quantity: 1 }])
    await signIn(page, { email, password })
    await page.getByRole('heading', { name: 'My sales' }).waitFor()
    // The one revenue card (USD, the sale with its tax).
    const totals = page.getByRole('definition').filter({ hasText: /\$\d/ })
    await totals.waitFor()
    expect(await totals.count()).toBe(1)
    expect(await totals.innerText()).toContain('1 order ·')
    expect(
      await page
        .getByRole('main')
        .getByText(/\b1 orders\b/)
        .count(),
    ).toBe(0)
    expect(browser.errors).toEqual([])
  })
})
