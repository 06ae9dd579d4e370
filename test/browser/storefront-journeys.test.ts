// The storefront in real Chromium against `wrangler dev` (issue 9's "done means"): a guest buys
// with the Stripe.js stand-in (a declined card, then a good one) and follows the order through the
// emailed link; a shopper signs up, verifies the email from the link, signs in, sees orders and
// addresses, changes the password; a password reset from the emailed link; with JavaScript off a
// product page and the cart still work. One Chromium for the whole file; phones at 390 px.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, linkIn, openBrowser, someVariants, waitForEmail, type Browser, type SeedVariant } from './harness'

const DESKTOP = { width: 1366, height: 860 }
// A safety net for a loaded machine (each step waits for a state, never for time).
const JOURNEY_TIMEOUT = 180_000
const PHONE = { width: 390, height: 844 }

let browser: Browser
let page: Page
let product: SeedVariant & { categorySlug: string | null }

/** No sideways scrolling: the page is no wider than the viewport. */
async function expectNoSidewaysScroll(p: Page) {
  const overflow = await p.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth)
  expect(overflow, `${p.url()} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0)
}

/** Whatever the page says in its alert/status boxes (errors are shown as text, never as codes). */
const alerts = (p: Page) => p.locator('[role="alert"], [role="status"]').allInnerTexts()

async function fillAddress(p: Page, email: string) {
  await p.getByLabel('Email').fill(email)
  await p.getByLabel('Full name').fill('Ada Guest')
  await p.getByLabel('Address line 1').fill('1 Compiler Way')
  await p.getByLabel('City').fill('Arlington')
  await p.getByLabel('Postal code').fill('22201')
  await p.locator('#f-country').selectOption('US')
}

async function payWithCard(p: Page, card: string) {
  const number = p.getByLabel('Card number')
  await number.waitFor()
  await number.fill(card)
  await p.getByLabel('Expiry (MM / YY)').fill('12 / 34')
  await p.getByLabel('Security code').fill('123')
  await p.locator('#pay-button').click()
}

/** Adds the test product to the visitor's cart from its product page. */
async function addToCart(p: Page, quantity = 1) {
  await p.goto(`${baseUrl()}/p/${product.slug}`)
  await p.locator(`input[name="variant_id"][value="${product.variantId}"]`).check()
  await p.getByLabel(/^Quantity/).fill(String(quantity))
  await p.getByRole('button', { name: 'Add to cart' }).click()
  await p.waitForURL(/\/(p\/|cart)/)
}

beforeAll(async () => {
  const [v] = await someVariants(1)
  const detail = (await call('GET', `/api/v1/products/${v!.slug}`)).body as {
    category?: { slug: string } | null
    category_id?: string | null
  }
  product = { ...v!, categorySlug: detail.category?.slug ?? null }
  browser = await openBrowser()
  page = browser.page
})

afterAll(async () => {
  await browser?.close()
})

describe('storefront journeys', () => {
  it(
    'a guest browses, searches, picks a variant, edits the cart, checks out and pays by card; the webhook marks the order paid; the emailed link shows it',
    async () => {
      await page.setViewportSize(DESKTOP)
      await page.context().clearCookies()
      await page.goto(`${baseUrl()}/`)
      await page.getByRole('heading', { name: 'Categories' }).waitFor()
      // Browse: a category from the home page.
      const category = page.locator('ul.chips a').first()
      const categoryHref = await category.getAttribute('href')
      await category.click()
      await page.waitForURL(`**${categoryHref}`)
      expect(await page.locator('nav[aria-label="Breadcrumb"]').count()).toBe(1)
      // Search from the header, then open the product from the results.
      await page.locator('#site-search').fill(product.productName)
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await page.waitForURL(/\/search\?/)
      await page.locator(`a[href="/p/${product.slug}"]`).first().click()
      await page.waitForURL(`**/p/${product.slug}`)
      // JSON-LD parses and describes the product with its offers.
      const ld = (await page.locator('script[type="application/ld+json"]').allTextContents()).map((t) => JSON.parse(t))
      const productLd = ld.flat().find((d: { '@type'?: string }) => d['@type'] === 'Product')
      expect(productLd).toMatchObject({ name: product.productName })
      expect(productLd.offers).toBeTruthy()
      // Variant picker island: the picked variant's price and stock are announced.
      await page.locator(`input[name="variant_id"][value="${product.variantId}"]`).check()
      expect(await page.locator('#selected-variant').innerText()).toMatch(/\$/)
      await page.getByRole('button', { name: 'Add to cart' }).click()
      await page.waitForURL(/\/(p\/|cart)/)

      // Cart: quantity edit, a discount code (a wrong one first), shipping estimate by country.
      await page.goto(`${baseUrl()}/cart`)
      const qty = page.locator('input[name="quantity"]').first()
      await qty.fill('2')
      await page.getByRole('button', { name: 'Update' }).first().click()
      await page.waitForURL('**/cart')
      expect(await page.locator('input[name="quantity"]').first().inputValue()).toBe('2')
      await page.getByLabel('Discount code').fill('NOPE-NOT-A-CODE')
      await page.getByRole('button', { name: 'Apply code' }).click()
      await page.waitForURL('**/cart')
      expect((await alerts(page)).join(' ')).not.toMatch(/\b(400|404|422|not_found|validation_error)\b/)
      expect(await page.locator('.alert.error').count()).toBe(1)
      await page.getByLabel('Discount code').fill('welcome10')
      await page.getByRole('button', { name: 'Apply code' }).click()
      await page.waitForURL('**/cart')
      expect(await page.content()).toContain('WELCOME10')
      await page.locator('#ship-country').selectOption('DE')
      await page.locator('#ship-country').locator('xpath=ancestor::form').getByRole('button', { name: 'Update' }).click()
      await page.waitForURL('**/cart')
      expect(await page.locator('#ship-country').inputValue()).toBe('DE')

      // Checkout as a guest, card payment.
      await page
        .getByRole('link', { name: /checkout/i })
        .first()
        .click()
      await page.waitForURL('**/checkout')
      const email = `guest-${crypto.randomUUID().slice(0, 8)}@example.com`
      await fillAddress(page, email)
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('Card (Stripe)').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      const orderUrl = new URL(page.url())

      await payWithCard(page, '4242 4242 4242 4242')
      // Back from "Stripe": the page waits for the webhook, then says the order is paid.
      await page.locator('p.status[data-status="paid"]').waitFor({ timeout: 120_000 })
      expect(await page.content()).toContain('Thank you! Your order is paid.')
      const orderId = orderUrl.pathname.split('/').at(-1)!

      // The order confirmation email carries the signed link to the order-status page.
      const mail = await waitForEmail(email, /Order .* confirmed/)
      const link = linkIn(mail, `/orders/${orderId}`)
      await page.context().clearCookies()
      await page.goto(link)
      expect(await page.locator('p.status').getAttribute('data-status')).toBe('paid')
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThanOrEqual(2)
      expect(browser.errors).toEqual([])
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'on a phone: a declined card keeps the order, another card pays it; no page scrolls sideways',
    async () => {
      await page.setViewportSize(PHONE)
      await page.context().clearCookies()
      for (const path of [
        '/',
        product.categorySlug ? `/c/${product.categorySlug}` : '/search?q=a',
        `/search?q=${encodeURIComponent(product.productName)}`,
      ]) {
        await page.goto(`${baseUrl()}${path}`)
        await expectNoSidewaysScroll(page)
      }
      await addToCart(page)
      await expectNoSidewaysScroll(page)
      await page.goto(`${baseUrl()}/cart`)
      await expectNoSidewaysScroll(page)
      await page.goto(`${baseUrl()}/checkout`)
      await expectNoSidewaysScroll(page)
      await fillAddress(page, `phone-${crypto.randomUUID().slice(0, 8)}@example.com`)
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('Card (Stripe)').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      await expectNoSidewaysScroll(page)

      await payWithCard(page, '4000 0000 0000 0002')
      await page.waitForURL(/redirect_status=failed/)
      expect((await alerts(page)).join(' ')).toContain('The payment did not go through. Your order is kept: try again.')
      expect(await page.locator('p.status').getAttribute('data-status')).toBe('processing')
      await expectNoSidewaysScroll(page)

      await payWithCard(page, '4242 4242 4242 4242')
      await page.locator('p.status[data-status="paid"]').waitFor({ timeout: 120_000 })
      await expectNoSidewaysScroll(page)
      expect(browser.errors).toEqual([])
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'a card that asks for 3-D Secure: the bank page fails once (order kept), then passes; back on the order page it is paid',
    async () => {
      await page.setViewportSize(DESKTOP)
      await page.context().clearCookies()
      await addToCart(page)
      await page.goto(`${baseUrl()}/checkout`)
      await fillAddress(page, `3ds-${crypto.randomUUID().slice(0, 8)}@example.com`)
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('Card (Stripe)').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      const orderPath = new URL(page.url()).pathname

      await payWithCard(page, '4000 0025 0000 3155')
      await page.getByRole('heading', { name: '3D Secure 2 test page' }).waitFor()
      await page.getByRole('button', { name: 'Fail authentication' }).click()
      await page.waitForURL((url) => url.pathname === orderPath && url.searchParams.get('redirect_status') === 'failed')
      expect((await alerts(page)).join(' ')).toContain('The payment did not go through. Your order is kept: try again.')
      expect(['pending', 'processing']).toContain(await page.locator('p.status').getAttribute('data-status'))

      await payWithCard(page, '4000 0025 0000 3155')
      await page.getByRole('button', { name: 'Complete authentication' }).click()
      await page.waitForURL((url) => url.pathname === orderPath)
      await page.locator('p.status[data-status="paid"]').waitFor({ timeout: 120_000 })
      expect(await page.content()).toContain('Thank you! Your order is paid.')
      expect(browser.errors).toEqual([])
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'a shopper signs up, verifies the email from the link, signs in, keeps an address, buys with it, sees the order, changes the password',
    async () => {
      await page.setViewportSize(DESKTOP)
      await page.context().clearCookies()
      const email = `shopper-${crypto.randomUUID().slice(0, 8)}@example.com`
      const password = 'first-password-123'
      await page.goto(`${baseUrl()}/account/sign-up`)
      await page.getByLabel('Name').fill('Grace Shopper')
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.waitForURL('**/account')

      const verify = await waitForEmail(email, /Confirm your email address/)
      await page.goto(linkIn(verify, '/verify-email'))
      await page.getByRole('button', { name: 'Confirm my email' }).click()
      expect((await alerts(page)).join(' ')).toContain('Your email address is verified.')

      // Sign out, then in again.
      await page.goto(`${baseUrl()}/account`)
      await page.getByRole('button', { name: 'Sign out' }).first().click()
      await page.goto(`${baseUrl()}/account/sign-in`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Sign in' }).last().click()
      await page.waitForURL('**/account')

      // A saved address, then an order that uses it (manual payment shows its instructions).
      await page.goto(`${baseUrl()}/account/addresses`)
      await page.getByLabel('Full name').fill('Grace Shopper')
      await page.getByLabel('Address line 1').fill('7 Harbour Road')
      await page.getByLabel('City').fill('Portsmouth')
      await page.getByLabel('Postal code').fill('03801')
      await page.locator('#f-country').selectOption('US')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL('**/account/addresses')
      expect(await page.content()).toContain('7 Harbour Road')

      await addToCart(page)
      await page.goto(`${baseUrl()}/checkout`)
      expect(await page.getByLabel('Email').inputValue()).toBe(email)
      await page.locator('input[name="address_id"]').first().check()
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('Bank transfer / pay later').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+/)
      expect(await page.getByRole('heading', { name: 'Payment instructions' }).count()).toBe(1)
      const orderId = new URL(page.url()).pathname.split('/').at(-1)!

      await page.goto(`${baseUrl()}/account`)
      expect(await page.content()).toContain(orderId)

      await page.goto(`${baseUrl()}/account/password`)
      await page.getByLabel('Current password').fill(password)
      await page.getByLabel('New password').fill('second-password-456')
      await page.getByRole('button', { name: 'Save' }).click()
      expect((await alerts(page)).join(' ')).toContain('Password changed.')
      expect((await call('POST', '/api/v1/auth/login', { body: { email, password: 'second-password-456' } })).status).toBe(200)
      expect((await call('POST', '/api/v1/auth/login', { body: { email, password } })).status).toBe(401)
      expect(browser.errors).toEqual([])
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'a customer who signs in at /admin arrives at /account signed in (one sign-in, not two)',
    async () => {
      await page.setViewportSize(DESKTOP)
      const email = `admin-door-${crypto.randomUUID().slice(0, 8)}@example.com`
      expect(
        (await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: 'Door Customer' } })).status,
      ).toBe(202)
      await page.context().clearCookies()
      await page.goto(`${baseUrl()}/admin/`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill('browser-test-pass-1')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL((url) => url.pathname === '/account')
      expect(await page.content()).toContain(email)
      // The dashboard's own session ended: a new /admin visit asks for a sign-in again.
      const cookies = await page.context().cookies()
      expect(cookies.find((k) => k.name === 'ec_refresh')).toBeUndefined()
      expect(cookies.find((k) => k.name === 'ec_rt')).toBeDefined()
      await page.context().clearCookies()
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'a password reset works from the emailed link',
    async () => {
      const email = `reset-${crypto.randomUUID().slice(0, 8)}@example.com`
      expect(
        (await call('POST', '/api/v1/auth/register', { body: { email, password: 'forgotten-password-1', name: 'Reset Me' } })).status,
      ).toBe(202)
      await page.context().clearCookies()
      await page.goto(`${baseUrl()}/forgot-password`)
      await page.getByLabel('Email').fill(email)
      await page.getByRole('button', { name: 'Send reset link' }).click()
      expect((await alerts(page)).join(' ')).toContain('If an account exists for that email, a reset link is on its way.')
      const mail = await waitForEmail(email, /Reset your password/)
      await page.goto(linkIn(mail, '/reset-password'))
      await page.getByLabel('New password').fill('remembered-password-2')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL('**/account/sign-in')
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill('remembered-password-2')
      await page.getByRole('button', { name: 'Sign in' }).last().click()
      await page.waitForURL('**/account')
    },
    JOURNEY_TIMEOUT,
  )

  it(
    'with JavaScript off, a product page and the cart still work (plain form posts)',
    async () => {
      await page.context().clearCookies()
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true })
      try {
        await page.goto(`${baseUrl()}/p/${product.slug}`)
        await page.locator(`input[name="variant_id"][value="${product.variantId}"]`).check()
        await page.getByRole('button', { name: 'Add to cart' }).click()
        await page.waitForURL(/\/(p\/|cart)/)
        await page.goto(`${baseUrl()}/cart`)
        expect(await page.content()).toContain(product.productName)
        await page.locator('input[name="quantity"]').first().fill('3')
        await page.getByRole('button', { name: 'Update' }).first().click()
        await page.waitForURL('**/cart')
        expect(await page.locator('input[name="quantity"]').first().inputValue()).toBe('3')
        await page.getByLabel('Discount code').fill('WELCOME10')
        await page.getByRole('button', { name: 'Apply code' }).click()
        await page.waitForURL('**/cart')
        expect(await page.content()).toContain('WELCOME10')
      } finally {
        await cdp.send('Emulation.setScriptExecutionDisabled', { value: false })
        await cdp.detach()
      }
    },
    JOURNEY_TIMEOUT,
  )
})
