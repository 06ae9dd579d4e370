// M-Pesa in real Chromium at phone width: the checkout's payment prompt (STK push) is refused by
// Daraja (the fakes Worker's M-Pesa is told the phone is busy), so the order stays pending with no
// prompt sent; the order page asks for the M-Pesa number (a labelled field, checked like checkout's),
// sends the prompt again through the payment retry path, the shopper approves it on the fake phone,
// and the webhook marks the same order paid. No reorder, no page scrolling sideways.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, token, type Browser } from './harness'

const PHONE = { width: 390, height: 844 }
const TIMEOUT = 180_000

let browser: Browser
let page: Page
let slug: string
let variantId: string

async function expectNoSidewaysScroll(p: Page) {
  const overflow = await p.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth)
  expect(overflow, `${p.url()} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0)
}

const alerts = (p: Page) => p.locator('[role="alert"], [role="status"]').allInnerTexts()

beforeAll(async () => {
  const admin = await token(DEMO.admin)
  const suffix = crypto.randomUUID().slice(0, 8)
  const product = await call('POST', '/api/v1/admin/products', {
    token: admin,
    body: {
      name: `Kikapu basket ${suffix}`,
      currency: 'KES',
      status: 'active',
      variants: [{ sku: `KES-BASKET-${suffix}`, price: 250_000, stock: 20 }],
    },
  })
  expect(product.status, JSON.stringify(product.body)).toBe(201)
  slug = product.body.slug
  variantId = product.body.variants[0].id
  const method = await call('POST', '/api/v1/admin/shipping-methods', {
    token: admin,
    body: { name: `Nairobi courier ${suffix}`, kind: 'flat', currency: 'KES', amount: 0 },
  })
  expect(method.status, JSON.stringify(method.body)).toBe(201)
  browser = await openBrowser({ viewport: PHONE })
  page = browser.page
})

afterAll(async () => {
  await browser?.close()
})

describe('M-Pesa on the storefront', () => {
  it(
    'a prompt refused at checkout is sent again from the order page to the number given there; approving it pays the order',
    async () => {
      const phone = `2547${String(Date.now()).slice(-8)}`
      // Daraja refuses the next push to this phone (another prompt is open on it).
      expect((await call('POST', `/__fakes/mpesa/fake/busy/${phone}`)).status).toBe(200)

      await page.goto(`${baseUrl()}/p/${slug}`)
      await page.locator(`input[name="variant_id"][value="${variantId}"]`).check()
      await page.getByRole('button', { name: 'Add to cart' }).click()
      await page.waitForURL(/\/(p\/|cart)/)
      await page.goto(`${baseUrl()}/checkout`)
      await page.locator('#f-country').selectOption('KE')
      await page.getByLabel('Email').fill(`mpesa-${crypto.randomUUID().slice(0, 8)}@example.com`)
      await page.getByLabel('Full name').fill('Wanjiru Kamau')
      await page.getByLabel('Address line 1').fill('12 Moi Avenue')
      await page.getByLabel('City').fill('Nairobi')
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('M-Pesa', { exact: true }).check()
      await page.getByLabel('M-Pesa phone number (for M-Pesa only)').fill(`+${phone}`)
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      expect(await page.locator('p.status').getAttribute('data-status')).toBe('pending')
      await expectNoSidewaysScroll(page)

      // The order page asks for the number instead of leaving the shopper to reorder.
      const field = page.getByLabel('M-Pesa phone number', { exact: true })
      await field.fill('0712')
      await page.getByRole('button', { name: 'Send the payment prompt' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      expect((await alerts(page)).join(' ')).toContain('For M-Pesa, enter the Kenyan phone number that gets the payment prompt')
      // Keyboard only: the field, then its button.
      await field.focus()
      await page.keyboard.type(`+${phone.slice(0, 3)} ${phone.slice(3, 6)} ${phone.slice(6)}`)
      await page.keyboard.press('Tab')
      expect((await page.locator(':focus').innerText()).trim()).toBe('Send the payment prompt')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      await page.locator('p.status[data-status="processing"]').waitFor()
      expect((await alerts(page)).join(' ')).toContain(`The payment prompt is on its way to +${phone}`)
      expect(await page.getByLabel('M-Pesa phone number', { exact: true }).count()).toBe(0)
      await expectNoSidewaysScroll(page)

      // The shopper approves the prompt on the (fake) phone; Daraja calls the payment webhooks Worker.
      const ref = (await page.locator('.instructions dt:text-is("checkout request id") + dd').innerText()).trim()
      expect((await call('POST', `/__fakes/mpesa/fake/phone/${ref}`, { body: { outcome: 'pay' } })).status).toBe(200)
      await expect
        .poll(
          async () => {
            await page.reload()
            return page.locator('p.status').getAttribute('data-status')
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe('paid')
      expect(await page.content()).toContain('Thank you! Your order is paid.')
      expect(browser.errors).toEqual([])
    },
    TIMEOUT,
  )
})
