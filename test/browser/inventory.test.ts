// The inventory page: the low-stock threshold setting, sold-out variants, a quick stock adjustment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string
let variant: { productId: string; variantId: string; sku: string }

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  const detail = await call('GET', `/api/v1/admin/products/${v!.productId}`, { token: staff })
  const sku: string = detail.body.variants.find((x: { id: string }) => x.id === v!.variantId).sku
  variant = { productId: v!.productId, variantId: v!.variantId, sku }
  // Sell it out so it is on the page.
  expect((await call('POST', `/api/v1/admin/products/${v!.productId}/variants/${v!.variantId}/stock`, { token: staff, body: { stock: 0 } })).status).toBe(200)
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

describe('inventory page', () => {
  it('lists a sold-out variant, refuses a bad adjustment, and restocks it', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Inventory' }).click()
    await page.getByLabel('Sold out only').check()
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/sold_out=true/)
    const form = page.getByRole('form', { name: `Adjust stock of ${variant.sku}` })
    await form.getByLabel('Add units').fill('-1')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await form.locator('.field-error').getByText('can remove at most 0').waitFor()
    await form.getByLabel('Add units').fill('7')
    await form.getByRole('button', { name: 'Adjust' }).click()
    await page.getByRole('status').filter({ hasText: `${variant.sku}: stock 0 → 7.` }).waitFor()
    await expect.poll(async () => page.getByRole('form', { name: `Adjust stock of ${variant.sku}` }).count()).toBe(0)
    const after = await call('GET', `/api/v1/admin/products/${variant.productId}/variants/${variant.variantId}/stock`, { token: staff })
    expect(after.body.data[0]).toMatchObject({ kind: 'delta', quantity: 7 })
  })

  it('the threshold is kept in this browser', async () => {
    const { page } = browser
    await page.goto(page.url().replace(/#.*$/, '#/inventory'))
    await page.getByLabel('Low stock at or below').fill('3')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/threshold=3/)
    await page.goto(page.url().replace(/#.*$/, '#/analytics'))
    await page.goto(page.url().replace(/#.*$/, '#/inventory'))
    await page.getByText('at or below 3').waitFor()
    expect(await page.getByLabel('Low stock at or below').inputValue()).toBe('3')
    expect(browser.errors).toEqual([])
  })
})
