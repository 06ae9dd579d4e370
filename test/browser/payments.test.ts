// Staff see which payment providers the store offers (with their currencies and how each refunds),
// filter payments by provider, see each payment's provider and reference, and refund through the
// provider that took the money. The store here runs on .dev.vars.example, so every provider is
// enabled; the outside providers' fakes are not running, so the orders are paid manually (the
// refunds of the other providers through their APIs are covered by test/payments/providers/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, paidOrder, screenshot, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let staff: string
let order: { id: string; total: { amount: number; currency: string } }
let methods: { provider: string; currencies: string[] | null; refunds: 'api' | 'manual' }[]

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  const [variant] = await someVariants(1)
  order = await paidOrder(staff, [{ variantId: variant!.variantId, quantity: 1 }])
  methods = (await call('GET', '/api/v1/payment-methods')).body.data
})
afterAll(async () => {
  await browser?.close()
})

describe('payments in the dashboard', () => {
  it('lists every enabled provider with its currencies and how it refunds', async () => {
    const { page } = browser
    await signIn(page, DEMO.staff)
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Payments' }).click()
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor()
    const table = page.getByRole('table', { name: 'Enabled payment providers' })
    await table.waitFor()
    expect(methods.map((m) => m.provider).sort()).toEqual(['chapa', 'kaspi', 'manual', 'mpesa', 'paypal', 'paystack', 'stripe'])
    await expect.poll(() => table.locator('tbody tr').count()).toBe(methods.length)
    for (const m of methods) {
      const row = table.locator('tbody tr').filter({ has: page.locator('code', { hasText: new RegExp(`^${m.provider}$`) }) })
      await expect.poll(() => row.count(), { message: `${m.provider} listed once` }).toBe(1)
      expect(await row.locator('td').nth(1).innerText()).toBe(m.currencies ? m.currencies.join(', ') : 'any')
    }
    const kaspi = table.locator('tbody tr').filter({ has: page.locator('code', { hasText: /^kaspi$/ }) })
    expect(await kaspi.innerText()).toMatch(/KZT[\s\S]*by hand in the Kaspi Pay cabinet/)
    const paypal = table.locator('tbody tr').filter({ has: page.locator('code', { hasText: /^paypal$/ }) })
    expect(await paypal.innerText()).toMatch(/USD[\s\S]*through PayPal/)
    await screenshot(page, 'payments-providers')
  })

  it('filters payments by provider', async () => {
    const { page } = browser
    // The provider's link in the table filters the list to its payments.
    await page.getByRole('table', { name: 'Enabled payment providers' }).getByRole('link', { name: 'Manual (bank transfer, cash)' }).click()
    await expect.poll(() => new URL(page.url()).hash).toContain('provider=manual')
    await page.getByRole('link', { name: order.id }).waitFor()
    const filter = page.getByRole('search', { name: 'Filter payments' })
    expect(await filter.getByLabel('Provider').inputValue()).toBe('manual')

    // Another provider's payments do not include this manual payment.
    await filter.getByLabel('Provider').selectOption('paypal')
    await filter.getByRole('button', { name: 'Filter' }).click()
    await expect.poll(() => new URL(page.url()).hash).toContain('provider=paypal')
    await expect.poll(() => page.getByText('Loading…').count()).toBe(0)
    await expect.poll(() => page.getByRole('link', { name: order.id }).count()).toBe(0)
    const listed = await call('GET', '/api/v1/admin/payments?provider=paypal&limit=100', { token: staff })
    expect(listed.body.data.every((p: { provider: string }) => p.provider === 'paypal')).toBe(true)
    if (listed.body.data.length === 0) await page.getByText('No payments match.').waitFor()
  })

  it("shows the order's payment with its provider and reference, and refunds through that provider", async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/#/orders/${order.id}`)
    await page.getByRole('heading', { name: `Order ${order.id}` }).waitFor()
    const payments = page.getByRole('region', { name: 'Payments and refunds' })
    const row = payments.locator('table').first().locator('tbody tr').first()
    await row.waitFor()
    const recorded = (await call('GET', `/api/v1/admin/orders/${order.id}/payments`, { token: staff })).body.payments[0]
    expect(recorded.provider).toBe('manual')
    expect(await row.innerText()).toContain('manual')
    if (recorded.provider_ref) expect(await row.innerText()).toContain(recorded.provider_ref)

    const form = page.getByRole('form', { name: 'Refund' })
    await form.getByText('The money goes back through Manual (bank transfer, cash), which took it.').waitFor()
    await form.getByLabel('Reason').fill('requested_by_customer')
    await form.getByRole('button', { name: 'Refund' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText(/to the customer through Manual \(bank transfer, cash\)\./).waitFor()
    await dialog.getByRole('button', { name: /^Refund / }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `through Manual (bank transfer, cash) on order ${order.id}; it is now refunded.` })
      .waitFor()
    const refunds = page.getByRole('table', { name: 'Refunds' })
    await refunds.getByText('requested_by_customer').waitFor()
    expect(await refunds.locator('tbody tr').first().innerText()).toContain('Manual (bank transfer, cash)')
    await screenshot(page, 'payments-order-refunded')

    const after = await call('GET', `/api/v1/admin/orders/${order.id}/payments`, { token: staff })
    expect(after.body.refunds).toEqual([expect.objectContaining({ provider: 'manual', status: 'succeeded', amount: order.total })])
    expect(browser.errors).toEqual([])
  })
})
