// The product list's filters (SKU, category, price, sort) live in the URL and survive a reload;
// column headings sort through the API (issue 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, signIn, token, type Browser } from './harness'

let browser: Browser
let staffToken: string
let sku: string
let productName: string

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  staffToken = staff
  const list = await call('GET', '/api/v1/admin/products?limit=1&sort=newest', { token: staff })
  const detail = await call('GET', `/api/v1/admin/products/${list.body.data[0].id}`, { token: staff })
  productName = detail.body.name
  sku = detail.body.variants[0].sku
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

/** Product names of the table's rows, top to bottom. */
const rowNames = async (page: Browser['page']) =>
  page.getByRole('table', { name: 'Products' }).locator('tbody tr td:nth-child(3) a').allTextContents()

/** The names the API lists for this query, in its order (prices sort in minor units within each product's currency). */
const apiNames = async (query: string) => {
  const res = await call('GET', `/api/v1/admin/products?${query}&limit=25`, { token: staffToken })
  expect(res.status).toBe(200)
  return (res.body.data as { name: string }[]).map((p) => p.name)
}

describe('product list filters', () => {
  it('a piece of a SKU finds its product, and the filter is in the URL after a reload', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Products' }).click()
    await page.getByLabel('SKU contains').fill(sku.slice(1, -1).toLowerCase())
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('link', { name: productName }).waitFor()
    expect(page.url()).toContain(`sku=${encodeURIComponent(sku.slice(1, -1).toLowerCase())}`)
    await page.reload()
    await page.getByRole('link', { name: productName }).waitFor()
    expect(await page.getByLabel('SKU contains').inputValue()).toBe(sku.slice(1, -1).toLowerCase())
  })

  it('the Price heading sorts lowest first, then highest first; a price range narrows the list', async () => {
    const { page } = browser
    await page.goto(page.url().replace(/#.*$/, '#/products'))
    const table = page.getByRole('table', { name: 'Products' })
    await table.waitFor()
    await table.getByRole('link', { name: /^Price/ }).click()
    await page.waitForURL(/sort=price_asc/)
    await page.getByRole('columnheader', { name: /Price/ }).and(page.locator('[aria-sort="ascending"]')).waitFor()
    // Wait for the state (the rows the API sorts), not for time: the old rows stay while the new page loads.
    const ascending = await apiNames('sort=price_asc')
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(ascending)
    await table.getByRole('link', { name: /^Price/ }).click()
    await page.waitForURL(/sort=price_desc/)
    await page.getByRole('columnheader', { name: /Price/ }).and(page.locator('[aria-sort="descending"]')).waitFor()
    const descending = await apiNames('sort=price_desc')
    expect(descending).not.toEqual(ascending)
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(descending)

    // Prices are typed in major units ("20" is 2000 minor units) and kept in the URL.
    await page.getByLabel('Price from').fill('20')
    await page.getByLabel('Price to').fill('60')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/min_price=20/)
    const ranged = await apiNames('sort=price_desc&min_price=2000&max_price=6000')
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(ranged)
    expect(browser.errors).toEqual([])
  })
})
