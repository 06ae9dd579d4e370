// The inventory page: sold-out variants, a quick stock adjustment that must say why (the reason is
// in the variant's stock history by name), and the low-stock threshold as a store setting an admin edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string
let admin: string
let variant: { productId: string; variantId: string; sku: string }

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  admin = await token(DEMO.admin)
  const [v] = await someVariants(1)
  const detail = await call('GET', `/api/v1/admin/products/${v!.productId}`, { token: staff })
  const sku: string = detail.body.variants.find((x: { id: string }) => x.id === v!.variantId).sku
  variant = { productId: v!.productId, variantId: v!.variantId, sku }
  // Sell it out so it is on the page.
  expect(
    (
      await call('POST', `/api/v1/admin/products/${v!.productId}/variants/${v!.variantId}/stock`, {
        token: staff,
        body: { stock: 0, reason: 'recount' },
      })
    ).status,
  ).toBe(200)
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  // The store is shared by the other browser tests: put the default back.
  await call('PUT', '/api/v1/admin/inventory/settings', { token: admin, body: { low_stock_threshold: 5 } })
  await browser?.close()
})

describe('inventory page', () => {
  it('lists a sold-out variant, refuses a bad adjustment or one without a reason, and restocks it with the reason recorded', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Inventory' }).click()
    // Staff see the store's threshold but do not edit it.
    await page.getByText(/at or below 5/).waitFor()
    expect(await page.getByRole('form', { name: 'Store low-stock threshold' }).count()).toBe(0)
    await page.getByLabel('Sold out only').check()
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/sold_out=true/)
    const form = page.getByRole('form', { name: `Adjust stock of ${variant.sku}` })
    await form.getByLabel('Add units').fill('-1')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await form.locator('.field-error').getByText('can remove at most 0').waitFor()
    await form.getByLabel('Add units').fill('7')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await form.locator('.field-error').getByText('Reason is required').waitFor()
    await form.getByLabel('Reason').selectOption('other')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await form.locator('.field-error').getByText('Note is required when the reason is Other').waitFor()
    await form.getByLabel('Reason').selectOption('received')
    await form.getByLabel('Note', { exact: true }).fill('PO 1182')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `${variant.sku}: stock 0 → 7 (received from a supplier).` })
      .waitFor()
    await expect.poll(async () => page.getByRole('form', { name: `Adjust stock of ${variant.sku}` }).count()).toBe(0)
    const after = await call('GET', `/api/v1/admin/products/${variant.productId}/variants/${variant.variantId}/stock`, { token: staff })
    expect(after.body.data[0]).toMatchObject({ kind: 'delta', quantity: 7, reason: 'received', note: 'PO 1182' })

    // The product page's stock history names the reason and the person.
    await page.goto(`${baseUrl()}/admin/#/products/${variant.productId}`)
    await page.getByText(`Stock history of ${variant.sku}`).click()
    await page.getByText(/\+7, received from a supplier \(“PO 1182”\) by /).waitFor()
    expect(await page.getByText(/usr_/).count()).toBe(0)
  }, 180_000)

  it('an admin sets the store threshold; it is the server setting, not this browser', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    await page.goto(`${baseUrl()}/admin/#/inventory`)
    const setting = page.getByRole('form', { name: 'Store low-stock threshold' })
    await setting.getByLabel('Store low-stock threshold').fill('-3')
    await setting.getByRole('button', { name: 'Save for the store' }).click()
    // Checked against the API's own rule (minimum 0) before anything is sent.
    await setting.locator('.field-error').getByText('Store low-stock threshold must be at least 0').waitFor()
    await setting.getByLabel('Store low-stock threshold').fill('3')
    await setting.getByRole('button', { name: 'Save for the store' }).click()
    await page.getByRole('status').getByText("The store's low-stock threshold is 3.").waitFor()
    await page.getByText(/at or below 3/).waitFor()
    expect((await call('GET', '/api/v1/admin/inventory/settings', { token: staff })).body).toMatchObject({
      low_stock_threshold: 3,
      updated_by_name: 'Ada Admin',
    })
    // Another browser (a fresh profile) sees the same threshold.
    const other = await openBrowser()
    try {
      await signIn(other.page, DEMO.staff)
      await other.page.goto(`${baseUrl()}/admin/#/inventory`)
      await other.page.getByText(/at or below 3/).waitFor()
      // A one-off view through the URL does not change the setting.
      await other.page.getByLabel('Low stock at or below').fill('9')
      await other.page.getByRole('button', { name: 'Show' }).click()
      await other.page.waitForURL(/threshold=9/)
      await other.page.getByText(/at or below 9/).waitFor()
    } finally {
      await other.close()
    }
    expect((await call('GET', '/api/v1/admin/inventory/settings', { token: staff })).body.low_stock_threshold).toBe(3)
    expect(browser.errors).toEqual([])
  }, 180_000)
})
