// The order page and the inventory page in Russian (issue 13): after switching the language, no
// heading, label, legend or button on them is left in English (ids, codes and brand names aside).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser
let order: { id: string }
/** The product's own name, which is catalog data, not UI text. */
let productName: string

beforeAll(async () => {
  browser = await openBrowser()
  const staff = await token(DEMO.staff)
  const [v] = await someVariants(1)
  order = await paidOrder(staff, [{ variantId: v!.variantId, quantity: 1 }])
  productName = v!.productName
  await signIn(browser.page, DEMO.admin)
})
afterAll(async () => {
  // The language is saved in this browser's profile only, which close() deletes.
  await browser?.close()
})

/** Words that are the same in Russian: ids, codes, brand and protocol names. */
const KEEP = /\b(ord_\w+|usr_\w+|var_\w+|prd_\w+|Edge Commerce|USD|EUR|KZT|RUB|Email|URL|API|SKU|HTTP|Stripe|DHL|UPS|FedEx|English)\b/g

/** The text of every heading, label, legend and button in the main content that still has Latin words. */
async function englishLeft(page: Page): Promise<string[]> {
  const texts = await page
    .locator('main')
    .locator('h1, h2, h3, label, legend, summary, button, th')
    .evaluateAll((els) => els.map((el) => (el as unknown as { innerText: string }).innerText.trim()))
  return texts.filter((text) => /[A-Za-z]{2,}/.test(text.split(productName).join('').replace(KEEP, '')))
}

describe('my pages in Russian', () => {
  it('an order and the inventory page have no English headings, labels or buttons', async () => {
    const { page } = browser
    await page.getByLabel('Language').selectOption('ru')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru')

    await page.goto(`${baseUrl()}/admin/#/orders/${order.id}`)
    await page.getByRole('heading', { level: 1, name: `Заказ ${order.id}` }).waitFor()
    await page.getByRole('heading', { name: 'Действия' }).waitFor()
    await page.getByRole('heading', { name: 'Платежи и возвраты' }).waitFor()
    await page.getByRole('heading', { name: 'История' }).waitFor()
    await page.getByRole('button', { name: 'Вернуть деньги' }).waitFor()
    await expect.poll(() => page.getByText('Загрузка…').count(), { timeout: 15_000 }).toBe(0)
    expect(await englishLeft(page)).toEqual([])
    // The refund form's amount field names the order's currency; its hint shows money the Russian way.
    expect(await page.getByRole('form', { name: 'Возврат денег' }).innerText()).toMatch(/\d,\d{2}\s\$/)

    await page.goto(`${baseUrl()}/admin/#/inventory`)
    await page.getByRole('heading', { level: 1, name: 'Склад' }).waitFor()
    await page.getByRole('button', { name: 'Сохранить для магазина' }).waitFor()
    await expect.poll(() => page.getByText('Загрузка…').count(), { timeout: 15_000 }).toBe(0)
    expect(await englishLeft(page)).toEqual([])
    // Counts take Russian plural forms.
    expect(await page.locator('main').innerText()).toMatch(/\d+ вариант(а|ов)? распродан/)
    expect(browser.errors).toEqual([])
  })
})
