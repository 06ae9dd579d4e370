// The first visit loads little (issue 13, "first page usable in under 1 s on a throttled CPU"): the
// sign-in form needs only the entry and the chunks index.html preloads — no page chunk, no Russian
// text, no refresh call when this browser never signed in; Russian arrives in its own chunk when it
// is chosen, and a page's chunk when the page is opened (cached for a year: hashed names).
import type { Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, DEMO, openBrowser, type Browser } from './harness'

let browser: Browser
const requests: string[] = []

beforeAll(async () => {
  browser = await openBrowser()
  browser.page.on('request', (r: Request) => requests.push(new URL(r.url()).pathname))
})
afterAll(async () => {
  await browser?.close()
})

const scripts = () => requests.filter((p) => p.endsWith('.js'))

describe('first load', () => {
  it('the sign-in form needs only the entry and its preloaded chunks; Russian and the pages come on demand', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/admin/`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await page.waitForLoadState('networkidle')

    const hrefs = await page.locator('link[rel="modulepreload"]').evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''))
    const preloaded = hrefs.map((h) => new URL(h, `${baseUrl()}/admin/`).pathname)
    expect(preloaded.length).toBeGreaterThan(0)
    expect(scripts().sort()).toEqual(['/admin/app.js', ...preloaded].sort())
    // Never signed in here: no refresh call to wait for.
    expect(requests).not.toContain('/api/v1/auth/refresh')

    // Russian: one chunk, fetched when chosen.
    const before = scripts().length
    await page.getByLabel('Language').selectOption('ru')
    await page.getByRole('button', { name: 'Войти' }).waitFor()
    const added = scripts().slice(before)
    expect(added).toHaveLength(1)
    expect(added[0]).toMatch(/^\/admin\/chunks\/ru-[A-Z0-9]+\.js$/)
    await page.getByLabel('Язык').selectOption('en')
    await page.getByRole('button', { name: 'Sign in' }).waitFor()

    // Signing in opens the first page, whose chunk is fetched then (with the chunks it shares).
    await page.getByLabel('Email').fill(DEMO.staff.email)
    await page.getByLabel('Password').fill(DEMO.staff.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor()
    expect(scripts().some((p) => /^\/admin\/chunks\/analytics-[A-Z0-9]+\.js$/.test(p))).toBe(true)
    const chunk = scripts().find((p) => p.startsWith('/admin/chunks/analytics-'))!
    const res = await fetch(`${baseUrl()}${chunk}`)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect(browser.errors).toEqual([])
  }, 120_000)
})
