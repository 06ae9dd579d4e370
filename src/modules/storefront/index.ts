/**
 * The storefront: server-rendered HTML (hono/jsx) at `/`, built on the JSON API in-process.
 * Catalog pages are cached as HTML (html-cache.ts); cart, checkout, orders and account pages are
 * per visitor and never cached. Small islands (islands/, built to /shop/*.js by
 * scripts/build-storefront.mjs) add the variant picker and the payment form; every page works
 * without them except card payment itself.
 */
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { LOCALES } from './i18n'
import { COOKIES, setShopCookie, shopContext, type ShopEnv } from './context'
import { safeBack } from './flash'
import { accountFlowPages, accountPages } from './pages/account'
import { cartPages } from './pages/cart'
import { catalogPages } from './pages/catalog'
import { checkoutPages } from './pages/checkout'
import { docsPages } from './pages/docs'
import { orderPages } from './pages/order'
import { seoPages } from './pages/seo'

const preferences = new Hono<ShopEnv>()

preferences.post('/preferences/language', async (c) => {
  const body = await c.req.parseBody()
  const locale = String(body.locale ?? '')
  if ((LOCALES as readonly string[]).includes(locale)) setShopCookie(c, COOKIES.locale, locale, 365 * 86_400)
  return c.redirect(safeBack(body.back), 303)
})

preferences.post('/preferences/country', async (c) => {
  const body = await c.req.parseBody()
  const country = String(body.country ?? '').toUpperCase()
  if (/^[A-Z]{2}$/.test(country)) setShopCookie(c, COOKIES.country, country, 365 * 86_400)
  return c.redirect(safeBack(body.back, '/cart'), 303)
})

/** Mounted at `/` after the API routes. */
export const storefrontRoutes = new Hono<ShopEnv>()
  // Form posts must come from our own pages (Origin check); cookies are SameSite=Lax as well.
  .use('*', csrf())
  .use('*', shopContext)
  .route('/', seoPages)
  .route('/', docsPages)
  .route('/', catalogPages)
  .route('/', cartPages)
  .route('/', checkoutPages)
  .route('/', orderPages)
  .route('/', accountPages)
  .route('/', accountFlowPages)
  .route('/', preferences)
