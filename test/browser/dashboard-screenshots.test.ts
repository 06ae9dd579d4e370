// Screenshots of the dashboard's main pages at 1440×900 and 390×844, light and dark, English and
// one Russian. In the browser suite they go to artifacts/screenshots/dashboard;
// `npm run docs:dashboard-screenshots` writes them to docs/dashboard/ (EC_DASHBOARD_SCREENSHOTS
// names the folder), where docs/dashboard.md shows them.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, SCREENSHOTS, signIn, someVariants, token, type Browser } from './harness'

const DIR = process.env.EC_DASHBOARD_SCREENSHOTS
  ? join(process.cwd(), process.env.EC_DASHBOARD_SCREENSHOTS)
  : join(SCREENSHOTS, 'dashboard')
const SIZES = { 1440: { width: 1440, height: 900 }, 390: { width: 390, height: 844 } } as const

/** Opens a route and waits until its view has loaded (heading shown, no "Loading…"). */
async function open(page: Page, route: string) {
  await page.goto(`${baseUrl()}/admin/#/${route}`)
  await page.locator('main h1').first().waitFor()
  await page.waitForLoadState('networkidle')
  await expect.poll(() => page.locator('main p.muted[aria-live]').count(), { timeout: 30_000 }).toBe(0)
}

async function shot(page: Page, name: string) {
  mkdirSync(DIR, { recursive: true })
  // The viewport, not the full page: what staff see first, and small files for the docs.
  await page.screenshot({ path: join(DIR, `${name}.png`), animations: 'disabled' })
}

let orderId: string

beforeAll(async () => {
  const staff = await token(DEMO.staff)
  const [variant] = await someVariants(1)
  orderId = (await paidOrder(staff, [{ variantId: variant!.variantId, quantity: 2 }])).id
})

for (const scheme of ['light', 'dark'] as const) {
  describe(`dashboard screenshots, ${scheme}`, () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await openBrowser({ colorScheme: scheme })
    })
    afterAll(async () => {
      await browser?.close()
    })

    for (const size of [1440, 390] as const) {
      it(`sign-in, analytics, orders, an order and products at ${size} px`, async () => {
        const { page } = browser
        await page.setViewportSize(SIZES[size])
        const suffix = scheme === 'dark' ? `${size}-dark` : `${size}`
        await page.context().clearCookies()
        await page.goto(`${baseUrl()}/admin/`)
        await page.locator('input[autocomplete="username"]').waitFor()
        await shot(page, `sign-in-${suffix}`)
        await signIn(page, DEMO.admin)
        for (const [name, route] of [
          ['analytics', 'analytics'],
          ['orders', 'orders'],
          ['order', `orders/${orderId}`],
          ['products', 'products'],
        ] as const) {
          // Dark mode is shown on two pages; light on all of them.
          if (scheme === 'dark' && name !== 'analytics' && name !== 'order') continue
          await open(page, route)
          await shot(page, `${name}-${suffix}`)
        }
        if (scheme === 'light') {
          // One page in Russian, then back to English for the next run.
          await page.getByLabel('Language').selectOption('ru')
          await open(page, 'analytics')
          await shot(page, `analytics-ru-${suffix}`)
          await page.getByLabel('Язык').selectOption('en')
        }
      }, 180_000)
    }
  })
}
