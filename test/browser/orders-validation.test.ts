// Client-side validation on the order, API key, webhook, product and tax forms (issue 13): a bad value is refused
// at its field by the API's own rules (dashboard/src/api-rules.ts, generated from /openapi.json)
// before any request leaves the browser.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let order: { id: string }
/** Every API request the page made, as "METHOD path". */
const sent: string[] = []

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  order = await paidOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
  browser.page.on('request', (r) => {
    const url = new URL(r.url())
    if (url.pathname.startsWith('/api/')) sent.push(`${r.method()} ${url.pathname}`)
  })
  await signIn(browser.page, DEMO.admin)
})
afterAll(async () => {
  await browser?.close()
})

/** The requests sent since `mark` that match `pattern`. */
const sentSince = (mark: number, pattern: RegExp) => sent.slice(mark).filter((r) => pattern.test(r))

/** Waits until the page has loaded (no "Loading…" left), so later requests are the form's own. */
async function settled(page: Page) {
  await expect.poll(() => page.getByText('Loading…').count(), { timeout: 15_000 }).toBe(0)
  await page.waitForLoadState('networkidle')
}

describe('forms check the API rules before sending', () => {
  it('Ship: an empty tracking number is refused at its field, and no transition is sent', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/orders/${order.id}`)
    await page.getByRole('heading', { name: `Order ${order.id}` }).waitFor()
    await settled(page)
    const ship = page.getByRole('form', { name: 'Ship' })
    await ship.getByLabel('Carrier').fill('DHL')
    await ship.getByLabel('Tracking number').fill('   ')
    const mark = sent.length
    await ship.getByRole('button', { name: 'Ship' }).click()
    await ship.locator('.field-error').getByText('Tracking number is required').waitFor()
    expect(await ship.getByLabel('Tracking number').getAttribute('aria-invalid')).toBe('true')
    // No confirmation was asked either: the form stopped before it.
    expect(await page.getByRole('dialog').isVisible()).toBe(false)
    expect(sentSince(mark, /transition/)).toEqual([])
  })

  it('API keys: an empty name is refused at its field, and no key is created', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/api-keys`)
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor()
    await settled(page)
    await page.getByText('Create a key').click()
    await page.getByRole('checkbox', { name: 'orders:read' }).check()
    const mark = sent.length
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.locator('.field-error').getByText('Name is required').waitFor()
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    expect(sentSince(mark, /^POST /)).toEqual([])
  })

  it('Webhooks: an endpoint without a URL is refused at its field, and nothing is registered', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/webhooks`)
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor()
    await settled(page)
    await page.getByText('Add an endpoint').click()
    await page.getByRole('checkbox', { name: 'order.paid' }).check()
    const mark = sent.length
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    await page.locator('.field-error').getByText('URL is required').waitFor()
    expect(sentSince(mark, /^POST /)).toEqual([])
    expect(browser.errors).toEqual([])
  })

  it('Money and percentages: a limit is shown in the unit the user types, not in cents or basis points', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/products/new`)
    await page.getByRole('heading', { level: 1, name: 'New product' }).waitFor()
    await settled(page)
    const product = page.getByRole('form', { name: 'New product' })
    await product.getByLabel('Name', { exact: true }).fill('Too dear')
    await product.getByLabel('SKU').fill('TOO-DEAR-1')
    await product.getByLabel('Price', { exact: true }).fill('2000000000')
    let mark = sent.length
    await product.getByRole('button', { name: 'Create product' }).click()
    // The API's limit is 100,000,000,000 minor units: $1,000,000,000.00 as typed.
    await product.locator('.field-error').getByText('Price must be at most $1,000,000,000.00').waitFor()
    expect(await product.locator('.field-error').innerText()).not.toContain('100000000000')
    expect(sentSince(mark, /^POST /)).toEqual([])

    await page.goto(`${baseUrl()}/admin/#/tax-rates`)
    await page.getByRole('heading', { level: 1, name: 'Tax rates' }).waitFor()
    await settled(page)
    await page.getByText('New tax rate').click()
    const rate = page.getByRole('form', { name: 'New tax rate' })
    await rate.getByLabel('Country').fill('DE')
    await rate.getByLabel('Name').fill('Too high')
    await rate.getByLabel('Rate (%)').fill('150')
    mark = sent.length
    await rate.getByRole('button', { name: 'Create' }).click()
    // 10,000 basis points: 100% as typed.
    await rate.locator('.field-error').getByText('Rate (%) must be at most 100%').waitFor()
    expect(sentSince(mark, /^POST /)).toEqual([])

    // A shipping method's price is the API's `amount`: named "Price" everywhere, its limit in money.
    await page.goto(`${baseUrl()}/admin/#/shipping`)
    await page.getByRole('heading', { level: 1, name: 'Shipping methods' }).waitFor()
    await settled(page)
    await page.getByText('New shipping method').click()
    const method = page.getByRole('form', { name: 'New shipping method' })
    await method.getByLabel('Name').fill('Negative courier')
    await method.getByLabel('Currency').fill('EUR')
    await method.getByLabel('Price').fill('-1')
    mark = sent.length
    await method.getByRole('button', { name: 'Create' }).click()
    await method.locator('.field-error').getByText('Price must be at least €0.00').waitFor()
    expect(await method.getByRole('alert').innerText()).not.toMatch(/amount/i)
    expect(sentSince(mark, /^POST /)).toEqual([])
    expect(browser.errors).toEqual([])
  })
})
