// Accessibility of every storefront page (issue 9: "works at 390 px wide without horizontal scroll,
// keyboard-operable, labelled forms, visible focus"): at a 390 px phone and at desktop width each page
// is checked by axe-core (no serious or critical violation: labels, names, contrast…), for sideways
// scrolling, and for a visible focus ring on the skip link, the first Tab stop. The pages: catalog,
// cart, checkout, an order, the account pages signed in and out, the emailed-link flows, a 404.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, openBrowser, someVariants, type Browser, type SeedVariant } from './harness'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WIDTHS = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1366, height: 860 } },
] as const

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

/** axe-core over the current page (through the DevTools protocol: the storefront's CSP refuses inline scripts). */
async function axe(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE)
  const violations = (await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: unknown[] }> }
      document: unknown
    }
    return (await axe.run(document, { resultTypes: ['violations'] })).violations
  })) as Violation[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(1).join(' ') ?? ''}`)
          .join(' | ')}`,
    )
}

/** Everything wrong with the page as it is now: axe, sideways scroll, the skip link's focus. */
async function check(page: Page, where: string): Promise<string[]> {
  const found = await axe(page, where)
  const overflow = await page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth)
  if (overflow > 0) found.push(`${where}: scrolls sideways by ${overflow} px`)
  await page.locator('body').evaluate((b) => (b.ownerDocument.activeElement as unknown as { blur?: () => void } | null)?.blur?.())
  await page.keyboard.press('Tab')
  const focused = page.locator(':focus')
  const focus = (await focused.count())
    ? await focused.evaluate((el) => {
        const s = el.ownerDocument.defaultView!.getComputedStyle(el)
        const r = el.getBoundingClientRect()
        return {
          skip: el.classList.contains('skip'),
          ring: s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) >= 2 && r.left >= 0 && r.width > 0,
        }
      })
    : { skip: false, ring: false }
  if (!focus.skip) found.push(`${where}: the first Tab stop is not the skip link`)
  else if (!focus.ring) found.push(`${where}: the focused skip link has no visible focus ring`)
  return found
}

let product: SeedVariant

beforeAll(async () => {
  const [v] = await someVariants(1)
  product = v!
})

for (const { name, viewport } of WIDTHS) {
  describe(`storefront accessibility, ${name}`, () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await openBrowser({ viewport })
    })
    afterAll(async () => {
      await browser?.close()
    })

    it('every page: axe-core finds nothing serious, nothing scrolls sideways, the skip link is the first Tab stop and shows focus', async () => {
      const { page } = browser
      await page.context().clearCookies()
      const found: string[] = []
      const visit = async (path: string) => {
        await page.goto(`${baseUrl()}${path}`)
        found.push(...(await check(page, `${name} ${path}`)))
      }
      const detail = (await call('GET', `/api/v1/products/${product.slug}`)).body as { category?: { slug: string } | null }
      for (const path of ['/', detail.category ? `/c/${detail.category.slug}` : '/search?q=a', `/search?q=a`, `/p/${product.slug}`])
        await visit(path)
      await visit('/cart')
      // With an item: the cart's forms, then checkout.
      await page.goto(`${baseUrl()}/p/${product.slug}`)
      await page.locator(`input[name="variant_id"][value="${product.variantId}"]`).check()
      await page.getByRole('button', { name: 'Add to cart' }).click()
      await page.waitForURL(/\/(p\/|cart)/)
      await visit('/cart')
      await visit('/checkout')
      // A guest order awaiting a bank transfer: the order page.
      await page.getByLabel('Email').fill(`a11y-${crypto.randomUUID().slice(0, 8)}@example.com`)
      await page.getByLabel('Full name').fill('Ada Guest')
      await page.getByLabel('Address line 1').fill('1 Compiler Way')
      await page.getByLabel('City').fill('Arlington')
      await page.getByLabel('Postal code').fill('22201')
      await page.locator('#f-country').selectOption('US')
      await page.locator('input[name="shipping_method_id"]').first().check()
      await page.getByLabel('Bank transfer / pay later').check()
      await page.getByRole('button', { name: 'Place order' }).click()
      await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
      const order = new URL(page.url())
      await visit(order.pathname + order.search)
      // Signed out, then the emailed-link flows (an unknown token shows the form's own message).
      for (const path of ['/account/sign-in', '/account/sign-up', '/forgot-password', '/reset-password?token=x', '/verify-email?token=x'])
        await visit(path)
      // The storefront's own 404 (an unknown product); paths no route knows get the API's JSON 404 (src/app.ts).
      await visit('/p/no-such-product')
      // Signed in: the account pages.
      await page.goto(`${baseUrl()}/account/sign-up`)
      await page.getByLabel('Name').fill('Grace Shopper')
      await page.getByLabel('Email').fill(`a11y-${crypto.randomUUID().slice(0, 8)}@example.com`)
      await page.getByLabel('Password').fill('a11y-password-123')
      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.waitForURL('**/account')
      for (const path of ['/account', '/account/addresses', '/account/password']) await visit(path)
      expect(found).toEqual([])
      expect(browser.errors).toEqual([])
    }, 300_000)
  })
}

describe('storefront by keyboard alone', () => {
  let browser: Browser

  beforeAll(async () => {
    browser = await openBrowser({ viewport: WIDTHS[0].viewport })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('a guest picks a variant, adds it, checks out and places an order with Tab, arrows, Space and Enter; every stop shows focus', async () => {
    const { page } = browser
    await page.context().clearCookies()
    const missingRing: string[] = []
    /** Tabs forward until `target` has focus (so it is reachable), checking the focus ring it shows. */
    const tabTo = async (target: ReturnType<Page['locator']>, what: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab')
        if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) {
          const ring = await target.evaluate((el) => {
            const s = el.ownerDocument.defaultView!.getComputedStyle(el)
            return s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) >= 2
          })
          if (!ring) missingRing.push(what)
          return
        }
      }
      throw new Error(`${what}: not reachable with Tab`)
    }
    await page.goto(`${baseUrl()}/p/${product.slug}`)
    await tabTo(page.locator(`input[name="variant_id"][value="${product.variantId}"]`), 'variant')
    await page.keyboard.press('Space')
    await tabTo(page.getByRole('button', { name: 'Add to cart' }), 'Add to cart')
    // The form's answer, not just the URL (the product page's URL matches before the post lands).
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/cart/add')), page.keyboard.press('Enter')])
    await page.waitForLoadState()
    await page.goto(`${baseUrl()}/cart`)
    await tabTo(page.getByRole('link', { name: /checkout/i }).first(), 'checkout link')
    await page.keyboard.press('Enter')
    await page.waitForURL('**/checkout')
    for (const [label, value] of [
      ['Email', `keys-${crypto.randomUUID().slice(0, 8)}@example.com`],
      ['Full name', 'Kay Board'],
      ['Address line 1', '1 Tab Street'],
      ['City', 'Arlington'],
      ['Postal code', '22201'],
    ] as const) {
      await tabTo(page.getByLabel(label, { exact: true }), label)
      await page.keyboard.type(value)
    }
    await tabTo(page.locator('#f-country'), 'country')
    await page.keyboard.type('United States')
    await tabTo(page.locator('input[name="shipping_method_id"]').first(), 'shipping method')
    await page.keyboard.press('Space')
    // A radio group is one Tab stop; the arrows move within it.
    await tabTo(page.locator('input[name="payment_provider"]:checked'), 'payment')
    const manual = page.getByLabel('Bank transfer / pay later')
    for (let i = 0; i < 10 && !(await manual.isChecked()); i++) await page.keyboard.press('ArrowDown')
    expect(await manual.isChecked()).toBe(true)
    await tabTo(page.getByRole('button', { name: 'Place order' }), 'Place order')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/orders\/ord_[a-z0-9]+\?sig=/)
    expect(await page.getByRole('heading', { name: 'Payment instructions' }).count()).toBe(1)
    expect(missingRing).toEqual([])
    expect(browser.errors).toEqual([])
  }, 180_000)
})
