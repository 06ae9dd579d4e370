// Every admin page opens from the navigation without errors, and the settings pages create and
// edit records through their forms, showing the API's validation messages when it refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, screenshot, signIn, token, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

const PAGES: [link: string, heading: string][] = [
  ['Analytics', 'Sales analytics'],
  ['Orders', 'Orders'],
  ['Products', 'Products'],
  ['Inventory', 'Inventory'],
  ['Categories', 'Categories'],
  ['Customers & roles', 'Customers and roles'],
  ['Payments', 'Payments'],
  ['Discount codes', 'Discount codes'],
  ['Tax rates', 'Tax rates'],
  ['Shipping methods', 'Shipping methods'],
  ['Shipments', 'Shipments'],
  ['Notifications', 'Notifications'],
  ['Marketplace sync', 'Marketplace sync'],
]

describe('admin pages', () => {
  it('every page in the navigation loads without an error', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    const nav = page.getByRole('navigation', { name: 'Dashboard' })
    for (const [label, heading] of PAGES) {
      await nav.getByRole('link', { name: label }).click()
      await page.getByRole('heading', { level: 1, name: heading }).waitFor()
      await expect.poll(() => page.getByText('Loading…').count(), { message: `${label} finished loading`, timeout: 10_000 }).toBe(0)
      expect(await page.getByRole('alert').count(), `${label} shows no error`).toBe(0)
      expect(await nav.getByRole('link', { name: label }).getAttribute('aria-current')).toBe('page')
    }
    expect(browser.errors).toEqual([])
  })

  it('the keyboard reaches the skip link first and it moves focus to the content', async () => {
    const { page } = browser
    await page.reload()
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.keyboard.press('Tab')
    expect(await page.locator(':focus').innerText()).toBe('Skip to content')
    await page.keyboard.press('Enter')
    expect(await page.locator(':focus').getAttribute('id')).toBe('main')
  })

  it('creates and edits a shipping method, and shows validation errors from the API', async () => {
    const { page } = browser
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Shipping methods' }).click()
    await page.getByText('New shipping method').click()
    const form = page.getByRole('form', { name: 'New shipping method' })
    const name = `Courier ${Date.now().toString(36)}`
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Kind').selectOption('flat')
    await form.getByLabel('Currency').fill('EUR')
    await form.getByLabel('Price').fill('4.90')
    await form.getByLabel('Countries').fill('DE, FR')
    await form.getByRole('button', { name: 'Create' }).click()
    const row = page.getByRole('row').filter({ hasText: name })
    await row.waitFor()
    expect(await row.innerText()).toContain('DE, FR')

    const admin = await token(DEMO.admin)
    const methods = (await call('GET', '/api/v1/admin/shipping-methods?limit=100', { token: admin })).body.data as {
      name: string
      amount: number
      currency: string
      countries: string[]
    }[]
    expect(methods.find((m) => m.name === name)).toMatchObject({ amount: 490, currency: 'EUR', countries: ['DE', 'FR'] })

    // Edit: the price changes in place.
    await row.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: 'Edit shipping method' })
    await edit.getByLabel('Price').fill('5.50')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('row').filter({ hasText: name }).filter({ hasText: '€5.50' }).waitFor()

    // A country code the API refuses: its message (with the field) is shown, nothing is created.
    await page.getByText('New shipping method').click()
    await page.getByText('New shipping method').click()
    const bad = page.getByRole('form', { name: 'New shipping method' })
    await bad.getByLabel('Name').fill('Broken courier')
    await bad.getByLabel('Currency').fill('EUR')
    await bad.getByLabel('Price').fill('1')
    await bad.getByLabel('Countries').fill('Germany')
    await bad.getByRole('button', { name: 'Create' }).click()
    const alert = bad.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toMatch(/Country 1/)
    expect(await alert.innerText()).toMatch(/ISO 3166-1|not in the expected format/)
    await screenshot(page, 'shipping-methods')
  })

  it('marketplace sync: re-run queues a push for the enabled marketplace; a disabled one says why', async () => {
    const { page } = browser
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Marketplace sync' }).click()
    const kaspi = page.getByRole('region', { name: /Kaspi/ })
    await kaspi.getByText('enabled', { exact: true }).waitFor()
    await kaspi.getByRole('button', { name: 'Re-run sync' }).click()
    const done = page.locator('.messages')
    await done.waitFor()
    expect(await done.innerText()).toMatch(/^Queued \d+ products? in \d+ messages?\.$/)
    // The queued products show as pending rows (nothing consumes the queue in this test store).
    await page.getByRole('row').filter({ hasText: 'pending' }).first().waitFor()

    const ozon = page.getByRole('region', { name: /Ozon/ })
    await ozon.getByRole('button', { name: 'Re-run sync' }).click()
    const refused = ozon.getByRole('alert')
    await refused.waitFor()
    expect(await refused.innerText()).toContain('ozon is disabled: its credentials are not configured')
    await screenshot(page, 'marketplace')
  })

  it('an admin changes a role; a second tab gets its own session from the cookie without signing the first out', async () => {
    const { page } = browser
    const admin = await token(DEMO.admin)
    const email = `role-${Date.now().toString(36)}@example.com`
    expect(
      (await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: 'Role Test' } })).status,
    ).toBe(202)
    const created = await call('POST', '/api/v1/auth/login', { body: { email, password: 'browser-test-pass-1' } })
    expect(created.status).toBe(200)

    // No token in any storage a script can read: only the HttpOnly cookie. localStorage holds at
    // most the "this browser may have a session" flag (dashboard/src/api.ts) and the language.
    const readable = (await page.evaluate(
      '({ session: sessionStorage.length, cookie: document.cookie, local: Object.fromEntries(Object.entries(localStorage)) })',
    )) as { session: number; cookie: string; local: Record<string, string> }
    expect(readable.session).toBe(0)
    expect(readable.cookie).toBe('')
    expect(readable.local).toEqual({ 'ec-dashboard-signed-in': '1' })
    // A new tab rotates the shared refresh cookie to get its own access token...
    const second = await page.context().newPage()
    await second.goto(`${baseUrl()}/admin/`)
    await second.getByRole('navigation', { name: 'Dashboard' }).waitFor()
    await second.close()
    // ...and a reload of the first tab (a fresh refresh with the rotated cookie) keeps it signed in.
    await page.reload()
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Customers & roles' }).click()
    await page.getByLabel('Email or name contains').fill(email)
    await page.getByRole('button', { name: 'Filter' }).click()
    const row = page.getByRole('row').filter({ hasText: email })
    await row.waitFor()
    await row.getByLabel('Role', { exact: true }).selectOption('seller')
    await row.getByRole('button', { name: 'Save role' }).click()
    await expect
      .poll(async () => (await call('GET', `/api/v1/admin/users/${created.body.user.id}`, { token: admin })).body.role)
      .toBe('seller')
    expect(browser.errors).toEqual([])
  })
})
