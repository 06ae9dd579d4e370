// Accessibility: axe-core (from npm, injected into the page) over every dashboard page, as admin
// and as seller, in the light and the dark colour scheme. No serious or critical violation is
// allowed, colour contrast (status badges included) among them. The pages are the navigation's
// own links plus one detail page of each kind, so a new page is checked as soon as it is linked.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, paidOrder, signIn, someVariants, token, type Browser } from './harness'

// Evaluated through the DevTools protocol: the dashboard's CSP (rightly) refuses an inline script tag.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

/** Runs axe over the current page; the serious and critical violations, one line each. */
async function axe(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE)
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: unknown[] }> }
      document: unknown
    }
    return (await axe.run(document, { resultTypes: ['violations'] })).violations
  })
  return (violations as Violation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(1).join(' ') ?? ''}`)
          .join(' | ')}`,
    )
}

/** Opens a dashboard route and waits until its view has loaded (heading shown, no "Loading…"). */
async function open(page: Page, route: string) {
  await page.goto(`${baseUrl()}/admin/#/${route}`)
  await page.locator('main h1').first().waitFor()
  await page.waitForLoadState('networkidle')
  await expect.poll(() => page.locator('main p.muted[aria-live]').count(), { timeout: 30_000 }).toBe(0)
}

async function navRoutes(page: Page): Promise<string[]> {
  const hrefs = await page.locator('nav#side-nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
  return hrefs.map((h) => h.replace(/^.*#\//, ''))
}

/** The first detail link of a list page (an order, product or customer), as a route. */
async function firstDetail(page: Page, list: string, prefix: string): Promise<string | null> {
  await open(page, list)
  const href = await page
    .locator(`main a[href*="#/${prefix}/"]`)
    .first()
    .getAttribute('href', { timeout: 5_000 })
    .catch(() => null)
  return href ? href.replace(/^.*#\//, '') : null
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`axe-core, ${scheme}`, () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await openBrowser({ colorScheme: scheme })
    })
    afterAll(async () => {
      await browser?.close()
    })

    it('the sign-in page', async () => {
      const { page } = browser
      await page.context().clearCookies()
      await page.goto(`${baseUrl()}/admin/`)
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { matchMedia: (q: string) => { matches: boolean } }).matchMedia('(prefers-color-scheme: dark)')
              .matches,
        ),
      ).toBe(scheme === 'dark')
      expect(await axe(page, 'sign-in')).toEqual([])
    })

    it('every admin page', async () => {
      const { page } = browser
      const staff = await token(DEMO.staff)
      const [variant] = await someVariants(1)
      await paidOrder(staff, [{ variantId: variant!.variantId, quantity: 1 }])
      await signIn(page, DEMO.admin)
      const routes = await navRoutes(page)
      expect(routes.length).toBeGreaterThan(10)
      for (const [list, prefix] of [
        ['orders', 'orders'],
        ['products', 'products'],
        ['customers', 'customers'],
      ] as const) {
        const detail = await firstDetail(page, list, prefix)
        expect(detail, `a ${prefix} detail link`).toBeTruthy()
        routes.push(detail!)
      }
      routes.push('import')
      const found: string[] = []
      for (const route of routes) {
        await open(page, route)
        // The status badges are part of what is checked (their contrast in both schemes).
        if (route === 'orders') expect(await page.locator('main .badge').count()).toBeGreaterThan(0)
        found.push(...(await axe(page, `admin #/${route}`)))
      }
      expect(found).toEqual([])
      expect(browser.errors).toEqual([])
    }, 300_000)

    it('every seller page', async () => {
      const { page } = browser
      await signIn(page, DEMO.seller1)
      const routes = await navRoutes(page)
      expect(routes.length).toBeGreaterThanOrEqual(3)
      const product = await firstDetail(page, 'products', 'products')
      if (product) routes.push(product)
      const found: string[] = []
      for (const route of routes) {
        await open(page, route)
        found.push(...(await axe(page, `seller #/${route}`)))
      }
      expect(found).toEqual([])
    }, 180_000)
  })
}
