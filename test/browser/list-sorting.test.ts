// Column sorting on the orders and accounts tables: a click on a heading sorts through the API
// (the rows are exactly the API's order for that sort), aria-sort marks the column, and the sort is
// in the URL so a reload keeps it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, placedOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  // Orders of different totals, so the sort has something to order.
  const [a, b] = await someVariants(2)
  await placedOrder(staff, [{ variantId: a!.variantId, quantity: 3 }])
  await placedOrder(staff, [{ variantId: b!.variantId, quantity: 1 }])
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

const ids = (rows: { id: string }[]) => rows.map((r) => r.id)

describe('sorting by column', () => {
  it('orders: Total sorts both ways through the API and survives a reload', async () => {
    const { page } = browser
    await page.locator('nav[aria-label="Dashboard"]').getByRole('link', { name: 'Orders', exact: true }).click()
    const table = page.getByRole('table', { name: 'Orders' })
    const total = table.getByRole('columnheader', { name: /Total/ })
    const created = table.getByRole('columnheader', { name: /Created/ })
    await table.waitFor()
    expect(await created.getAttribute('aria-sort')).toBe('descending')
    expect(await total.getAttribute('aria-sort')).toBe('none')
    const shown = async () => (await table.locator('tbody tr td:first-child code').allInnerTexts()).map((t) => t.trim())

    await total.getByRole('link').click()
    await page.waitForURL(/sort=total_asc/)
    await expect.poll(() => total.getAttribute('aria-sort')).toBe('ascending')
    const asc = await call('GET', '/api/v1/admin/orders?sort=total_asc&limit=25', { token: staff })
    await expect.poll(shown).toEqual(ids(asc.body.data))
    const amounts = (asc.body.data as { total: { amount: number } }[]).map((o) => o.total.amount)
    expect(amounts).toEqual([...amounts].sort((x, y) => x - y))
    expect(await created.getAttribute('aria-sort')).toBe('none')

    await total.getByRole('link').click()
    await page.waitForURL(/sort=total_desc/)
    await expect.poll(() => total.getAttribute('aria-sort')).toBe('descending')
    const desc = await call('GET', '/api/v1/admin/orders?sort=total_desc&limit=25', { token: staff })
    await expect.poll(shown).toEqual(ids(desc.body.data))

    await page.reload()
    await expect
      .poll(() => page.getByRole('table', { name: 'Orders' }).getByRole('columnheader', { name: /Total/ }).getAttribute('aria-sort'))
      .toBe('descending')
    await expect.poll(shown).toEqual(ids(desc.body.data))
  }, 180_000)

  it('accounts: Name and Email sort through the API, kept with the filters in the URL', async () => {
    const { page } = browser
    await page
      .locator('nav[aria-label="Dashboard"]')
      .getByRole('link', { name: /Customers/ })
      .click()
    await page.getByLabel('Role').selectOption('customer')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/role=customer/)
    const table = page.getByRole('table', { name: 'Accounts' })
    const name = table.getByRole('columnheader', { name: /Name/ })
    await name.getByRole('link').click()
    await page.waitForURL(/role=customer.*sort=name_asc|sort=name_asc.*role=customer/)
    await expect.poll(() => name.getAttribute('aria-sort')).toBe('ascending')
    const emails = async () => (await table.locator('tbody tr td:nth-child(2)').allInnerTexts()).map((t) => t.trim())
    const api = await call('GET', '/api/v1/admin/users?role=customer&sort=name_asc&limit=25', { token: staff })
    await expect.poll(emails).toEqual((api.body.data as { email: string }[]).map((u) => u.email))
    const names = (api.body.data as { name: string }[]).map((u) => u.name.toLowerCase())
    expect(names).toEqual([...names].sort())

    const email = table.getByRole('columnheader', { name: /Email/ })
    await email.getByRole('link').click()
    await email.getByRole('link').click()
    await page.waitForURL(/sort=email_desc/)
    await expect.poll(() => email.getAttribute('aria-sort')).toBe('descending')
    expect(await name.getAttribute('aria-sort')).toBe('none')
    const byEmail = await call('GET', '/api/v1/admin/users?role=customer&sort=email_desc&limit=25', { token: staff })
    await expect.poll(emails).toEqual((byEmail.body.data as { email: string }[]).map((u) => u.email))
    // A new filter keeps the sort.
    await page.getByLabel('Email or name contains').fill('example')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/q=example/)
    expect(page.url()).toContain('sort=email_desc')
    expect(browser.errors).toEqual([])
  }, 180_000)
})
