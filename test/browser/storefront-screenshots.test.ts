// Screenshots of the storefront's main pages at desktop and phone widths. In the browser suite they
// go to artifacts/screenshots/storefront; `npm run docs:storefront-screenshots` writes them to
// docs/storefront/ (EC_STOREFRONT_SCREENSHOTS names the folder), where docs/storefront.md shows them.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, openBrowser, SCREENSHOTS, someVariants, type Browser, type SeedVariant } from './harness'

const DIR = process.env.EC_STOREFRONT_SCREENSHOTS
  ? join(process.cwd(), process.env.EC_STOREFRONT_SCREENSHOTS)
  : join(SCREENSHOTS, 'storefront')
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const

let browser: Browser
let page: Page
let product: SeedVariant

async function shot(name: string, width: keyof typeof WIDTHS) {
  mkdirSync(DIR, { recursive: true })
  // The viewport, not the full page: what a visitor sees first, and small files for the docs.
  await page.screenshot({ path: join(DIR, `${name}-${width}.png`), animations: 'disabled' })
}

beforeAll(async () => {
  product = (await someVariants(1))[0]!
  browser = await openBrowser()
  page = browser.page
})

afterAll(async () => {
  await browser?.close()
})

describe('storefront screenshots', () => {
  for (const width of ['desktop', 'phone'] as const) {
    it(`home, category, product, cart, checkout and order status at ${width} width`, async () => {
      await page.setViewportSize(WIDTHS[width])
      await page.context().clearCookies()
      await page.goto(`${baseUrl()}/`)
      await shot('home', width)
      const category = await page.locator('ul.chips a').first().getAttribute('href')
      await page.goto(`${baseUrl()}${category}`)
      await shot('category', width)
      await page.goto(`${baseUrl()}/p/${product.slug}`)
      await shot('product', width)
      await page.locator(`input[name="variant_id"][value="${product.variantId}"]`).check()
      await page.getByRole('button', { name: 'Add to cart' }).click()
      await page.waitForURL(/\/(p\/|cart)/)
      await page.goto(`${baseUrl()}/cart`)
      await page.getByLabel('Discount code').fill('WELCOME10')
      await page.getByRole('button', { name: 'Apply code' }).click()
      await page.waitForURL('**/cart')
      await shot('cart', width)
      await page.goto(`${baseUrl()}/checkout`)
      await page.getByLabel('Email').fill('ada@example.com')
      await page.getByLabel('Full name').fill('Ada Lovelace')
      await page.getByLabel('Address line 1').fill('12 St James’s Square')
      await page.getByLabel('City').fill('London')
      await page.getByLabel('Postal code').fill('SW1Y 4JH')
      await page.locator('#f-country').selectOption('GB')
      await page.locator('input[name="shipping_method_id"]').first().check()
      await shot('checkout', width)
      await page.getByLabel('Bank transfer / pay later').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+/)
      await shot('order-status', width)
      expect(browser.errors).toEqual([])
    })
  }
})
