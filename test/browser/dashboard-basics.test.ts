// Sign-in and feedback defects from issue 13: focus after a failed sign-in, the forgot-password
// link, an expired session said out loud, customers sent to the storefront account page, the
// favicon, one message area that clears on navigation, and the tax form's defaults and units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, signIn, token, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('signing in', () => {
  it('a failed sign-in moves focus to the error; the form links to the password reset', async () => {
    const { page } = browser
    await page.context().clearCookies()
    await page.goto(`${baseUrl()}/admin/`)
    await page.getByLabel('Email').fill(DEMO.admin.email)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    await expect.poll(() => page.locator(':focus').getAttribute('role')).toBe('alert')
    expect(await page.getByRole('link', { name: 'Forgot your password?' }).getAttribute('href')).toBe('/forgot-password')
  })

  it('the page has a favicon that loads', async () => {
    const { page } = browser
    const href = await page.locator('link[rel="icon"]').getAttribute('href')
    expect(href).toBeTruthy()
    const res = await fetch(new URL(href!, `${baseUrl()}/admin/`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('image/svg+xml')
    // Browsers and tools that ask for /favicon.ico without reading the page get an icon too.
    expect((await fetch(`${baseUrl()}/favicon.ico`)).status).toBe(200)
  })

  it('a customer who signs in is sent to the storefront account page', async () => {
    const { page } = browser
    const email = `cust-${crypto.randomUUID().slice(0, 8)}@example.com`
    expect(
      (await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: 'Cass Tomer' } })).status,
    ).toBe(202)
    await page.context().clearCookies()
    await page.goto(`${baseUrl()}/admin/`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('browser-test-pass-1')
    await page.getByRole('button', { name: 'Sign in' }).click()
    // The storefront keeps its own session, so the customer lands on its account page or, not yet
    // signed in there, on its sign-in form that leads back to /account.
    try {
      await page.waitForURL(
        (url) => url.pathname === '/account' || (url.pathname === '/account/sign-in' && url.searchParams.get('next') === '/account'),
      )
    } finally {
      // Sign the customer out again (the session lives in the refresh cookie).
      await page.context().clearCookies()
    }
  })

  it('an expired session returns to sign-in and says why', async () => {
    const { page } = browser
    await signIn(page, DEMO.staff)
    // The first page (its chunk, then its calls) has finished loading, so the click below is what meets the 401.
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.waitForLoadState('networkidle')
    // The server no longer accepts the session: every call and the refresh answer 401.
    const expired = {
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unauthorized', message: 'Token expired' } }),
    }
    await page.route('**/api/v1/**', (route) => route.fulfill(expired))
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Orders' }).click()
    await page.getByText('Your session has expired. Sign in again to carry on.').waitFor()
    await page.unroute('**/api/v1/**')
    // Signing out on purpose says nothing about expiry.
    await signIn(page, DEMO.staff)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(await page.getByText('Your session has expired').count()).toBe(0)
  })
})

describe('feedback and forms', () => {
  it('one message area: a success message goes away when the view changes', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    await page.goto(`${baseUrl()}/admin/#/tax-rates`)
    await page.getByText('New tax rate').click()
    const form = page.getByRole('form', { name: 'New tax rate' })
    // Defaults: prices exclude tax unless ticked; the rate is typed in percent.
    expect(await form.getByLabel('Included in prices').isChecked()).toBe(false)
    await form.getByLabel('Country (ISO code)').fill('DE')
    await form.getByLabel('Region (optional)').fill(`B${Date.now().toString(36).slice(-3).toUpperCase()}`)
    await form.getByLabel('Name').fill('Browser VAT')
    await form.getByLabel('Rate (%)').fill('7.5')
    await form.getByRole('button', { name: 'Create' }).click()
    const messages = page.locator('.messages')
    await messages.getByText('Created the tax rate.').waitFor()
    await page.getByRole('row').filter({ hasText: 'Browser VAT' }).getByText('7.5%').first().waitFor()
    const admin = await token(DEMO.admin)
    const rates = await call('GET', '/api/v1/admin/tax-rates?limit=100', { token: admin })
    expect(rates.body.data.find((r: { name: string }) => r.name === 'Browser VAT')).toMatchObject({ rate_bps: 750, inclusive: false })

    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Orders' }).click()
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor()
    expect(await messages.innerText()).toBe('')
  })

  it('API validation errors are shown at their fields with human labels', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/shipping`)
    await page.getByText('New shipping method').click()
    const form = page.getByRole('form', { name: 'New shipping method' })
    await form.getByLabel('Name').fill('Bad courier')
    await form.getByLabel('Currency').fill('USD')
    await form.getByLabel('Price').fill('1')
    await form.getByLabel('Countries').fill('Germany')
    await form.getByRole('button', { name: 'Create' }).click()
    const alert = form.getByRole('alert')
    await alert.waitFor()
    const text = await alert.innerText()
    expect(text).toContain('Country 1')
    expect(text).not.toMatch(/countries\.0/)
    expect(browser.errors).toEqual([])
  })
})
