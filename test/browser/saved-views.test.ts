// Saved views on the Orders and Products lists (issue 13): the current filters and sort saved under
// a name, listed, applied with a click, kept over a reload, per account, and deleted after a
// confirmation; the lists still fit a 390 px screen with views saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, placedOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let sku: string

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  await placedOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
  const product = await call('GET', `/api/v1/admin/products/${v!.productId}`, { token: staff })
  sku = product.body.variants[0].sku
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

const views = (page: Browser['page']) => page.getByRole('region', { name: 'Saved views' })

describe('saved views', () => {
  it('orders: saves the filters and sort under a name, applies them from the list, keeps them over a reload, and deletes after asking', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/orders?status=pending&sort=total_asc`)
    await views(page).getByText('No saved views yet').waitFor()

    // A name is required, and the message is at the field.
    await views(page).getByRole('button', { name: 'Save view' }).click()
    await views(page).locator('.field-error').getByText('Save this view as is required').waitFor()

    await views(page).getByLabel('Save this view as').fill('Pending, smallest first')
    await views(page).getByRole('button', { name: 'Save view' }).click()
    await page.getByRole('status').getByText('View “Pending, smallest first” saved.').waitFor()
    const saved = views(page).getByRole('link', { name: 'Pending, smallest first' })
    expect(await saved.getAttribute('aria-current')).toBe('page')

    // Somewhere else, then the view brings the filters and the sort back.
    await page.locator('nav[aria-label="Dashboard"]').getByRole('link', { name: 'Orders', exact: true }).click()
    await page.waitForURL(/#\/orders$/)
    expect(await saved.getAttribute('aria-current')).toBeNull()
    await saved.click()
    await page.waitForURL(/status=pending/)
    expect(page.url()).toContain('sort=total_asc')
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('pending')
    const total = page.getByRole('table', { name: 'Orders' }).getByRole('columnheader', { name: /Total/ })
    await expect.poll(() => total.getAttribute('aria-sort')).toBe('ascending')

    // Kept in this browser over a reload.
    await page.goto(`${baseUrl()}/admin/#/orders`)
    await page.reload()
    await views(page).getByRole('link', { name: 'Pending, smallest first' }).waitFor()

    // Delete asks first; Cancel keeps it, confirming removes it for good.
    await views(page).getByRole('button', { name: 'Delete the view Pending, smallest first' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete the view “Pending, smallest first”?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await views(page).getByRole('link', { name: 'Pending, smallest first' }).count()).toBe(1)
    await views(page).getByRole('button', { name: 'Delete the view Pending, smallest first' }).click()
    await dialog.getByRole('button', { name: 'Delete view' }).click()
    await views(page).getByText('No saved views yet').waitFor()
    await page.reload()
    await views(page).getByText('No saved views yet').waitFor()
    expect(browser.errors).toEqual([])
  }, 180_000)

  it('products: a view keeps the SKU filter and sort; another account does not see it; the list fits 390 px', async () => {
    const { page } = browser
    const piece = sku.slice(1, -1).toLowerCase()
    await page.goto(`${baseUrl()}/admin/#/products?sku=${encodeURIComponent(piece)}&sort=price_desc`)
    await views(page).getByLabel('Save this view as').fill('By SKU')
    await views(page).getByRole('button', { name: 'Save view' }).click()
    await views(page).getByRole('link', { name: 'By SKU' }).waitFor()

    await page.goto(`${baseUrl()}/admin/#/products`)
    await views(page).getByRole('link', { name: 'By SKU' }).click()
    await page.waitForURL(/sku=/)
    await expect.poll(() => page.getByLabel('SKU contains').inputValue()).toBe(piece)
    expect(page.url()).toContain('sort=price_desc')

    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of ['products', 'orders']) {
      await page.goto(`${baseUrl()}/admin/#/${path}`)
      await views(page).waitFor()
      expect(await page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth), path).toBe(0)
    }
    await page.setViewportSize({ width: 1366, height: 860 })

    // Views are per account: the admin, in the same browser, has none.
    await signIn(page, DEMO.admin)
    await page.goto(`${baseUrl()}/admin/#/products`)
    await views(page).getByText('No saved views yet').waitFor()
    expect(await views(page).getByRole('link', { name: 'By SKU' }).count()).toBe(0)
    expect(browser.errors).toEqual([])
  }, 180_000)
})
