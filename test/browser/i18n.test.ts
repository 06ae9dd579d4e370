// Russian and English: the header's switcher changes the whole dashboard (navigation, pages,
// statuses, money and dates through Intl) and is remembered; a Russian browser starts in Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, someVariants, token, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Signs in through the form whatever its language (fields found by their autocomplete role). */
async function signInAnyLanguage(b: Browser, who: { email: string; password: string }) {
  const { page } = b
  await page.goto(`${baseUrl()}/admin/`)
  await page.waitForLoadState('networkidle')
  await page.context().clearCookies()
  await page.reload()
  await page.locator('input[autocomplete="username"]').fill(who.email)
  await page.locator('input[autocomplete="current-password"]').fill(who.password)
  await page.locator('form button[type="submit"]').click()
  await page.locator('nav#side-nav').waitFor({ state: 'attached' })
}

describe('languages', () => {
  it('switches the admin pages to Russian and back, and remembers the choice', async () => {
    const { page } = browser
    const staff = await token(DEMO.staff)
    const [variant] = await someVariants(1)
    const order = await paidOrder(staff, [{ variantId: variant!.variantId, quantity: 1 }])
    await signInAnyLanguage(browser, DEMO.admin)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    const nav = page.getByRole('navigation', { name: 'Dashboard' })
    await nav.getByRole('link', { name: 'Orders', exact: true }).waitFor()

    await page.getByLabel('Language').selectOption('ru')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru')
    const navRu = page.getByRole('navigation', { name: 'Панель управления' })
    await navRu.getByRole('link', { name: 'Аналитика' }).waitFor()
    expect(await page.getByRole('button', { name: 'Выйти' }).count()).toBe(1)

    // Page one: the orders list, its statuses and money in Russian.
    await navRu.getByRole('link', { name: 'Заказы', exact: true }).click()
    const row = page.locator('tr', { has: page.locator(`a[href$="${order.id}"]`) })
    await row.waitFor()
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('оплачен')
    // ru-RU writes money as "13,99 $" (decimal comma, the symbol after the number).
    expect(await row.textContent()).toMatch(/\d,\d{2}\s\$/)

    // Page two: the order itself.
    await row.locator(`a[href$="${order.id}"]`).first().click()
    await page.locator('.badge', { hasText: 'оплачен' }).first().waitFor()
    expect(await page.title()).toContain('Edge Commerce')

    // Pages three and four: analytics (counts, money, dates) and categories.
    await navRu.getByRole('link', { name: 'Аналитика' }).click()
    await page.getByRole('heading', { level: 1, name: 'Аналитика продаж' }).waitFor()
    await page.getByRole('heading', { name: 'Заказы по статусам' }).waitFor()
    await page.getByRole('button', { name: 'Показать' }).waitFor()
    // "N заказ/заказа/заказов" under each revenue total, as Intl.PluralRules('ru') picks it.
    const totals = await page.locator('dl.totals small').first().textContent()
    expect(totals).toMatch(/^[\d\s]+ (заказ|заказа|заказов) · возвращено/)
    const n = Number(/^([\d\s]+) заказ/.exec(totals!)![1]!.replace(/\s/g, ''))
    const form = new Intl.PluralRules('ru').select(n)
    expect(totals).toContain(`${n} ${form === 'one' ? 'заказ' : form === 'few' ? 'заказа' : 'заказов'} ·`)
    await navRu.getByRole('link', { name: 'Категории' }).click()
    await page.getByRole('heading', { level: 1, name: 'Категории' }).waitFor()
    await page.getByRole('button', { name: 'Создать' }).waitFor()
    expect(await page.title()).toBe('Категории · Edge Commerce')

    // The choice survives a reload (localStorage), then English comes back with the switcher.
    await page.reload()
    await page.getByRole('navigation', { name: 'Панель управления' }).waitFor({ state: 'attached' })
    expect(await page.locator('html').getAttribute('lang')).toBe('ru')
    await page.getByLabel('Язык').selectOption('en')
    await nav.getByRole('link', { name: 'Orders', exact: true }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
  })

  it('a browser set to Russian starts in Russian, before and after signing in', async () => {
    const ru = await openBrowser({ locale: 'ru-RU' })
    try {
      const { page } = ru
      await page.goto(`${baseUrl()}/admin/`)
      await page.getByRole('button', { name: 'Войти' }).waitFor()
      expect(await page.locator('html').getAttribute('lang')).toBe('ru')
      expect(await page.getByLabel('Пароль').count()).toBe(1)
      await signInAnyLanguage(ru, DEMO.seller1)
      await page
        .getByRole('navigation', { name: 'Панель управления' })
        .getByRole('link', { name: 'Мои продажи' })
        .waitFor({ state: 'attached' })
      expect(ru.errors).toEqual([])
    } finally {
      await ru.close()
    }
  })
})
