import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, AuthUser } from '../../lib/context'
import { verifyAccessToken } from '../accounts/tokens'
import { isCartToken } from '../cart/service'
import { callApi } from './api'
import { LOCALES, localeFromAcceptLanguage, type Locale } from './i18n'

/** What every storefront page knows about the visitor. */
export interface ShopVars {
  locale: Locale
  /** Shipping/tax country: the shopper's choice (cookie), else request.cf.country, else US. */
  country: string
  countryChosen: boolean
  customer: AuthUser | undefined
  /** The customer's current access token (possibly just refreshed), for internal API calls. */
  accessToken: string | undefined
  cartToken: string | undefined
}

export type ShopEnv = { Bindings: Env; Variables: AppEnv['Variables'] & ShopVars }
export type ShopContext = Context<ShopEnv>

export const COOKIES = {
  cart: 'ec_cart',
  access: 'ec_at',
  refresh: 'ec_rt',
  locale: 'ec_lang',
  country: 'ec_country',
  discount: 'ec_discount',
} as const

const secure = (c: Context) => new URL(c.req.url).protocol === 'https:'

export function setShopCookie(c: Context, name: string, value: string, maxAgeSeconds: number) {
  setCookie(c, name, value, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secure(c), maxAge: maxAgeSeconds })
}

export const clearShopCookie = (c: Context, name: string) => deleteCookie(c, name, { path: '/', secure: secure(c) })

/** Cloudflare puts the visitor's country on request.cf; locally there is none. */
function edgeCountry(c: Context): string | undefined {
  const cf = (c.req.raw as { cf?: { country?: unknown } }).cf
  const country = typeof cf?.country === 'string' ? cf.country.toUpperCase() : undefined
  return country && /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? country : undefined
}

interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
}

/** Sign-in cookies: the access token for its lifetime, the refresh token for 30 days. Both HttpOnly. */
export function setSession(c: Context, tokens: TokenPair) {
  setShopCookie(c, COOKIES.access, tokens.access_token, tokens.expires_in)
  setShopCookie(c, COOKIES.refresh, tokens.refresh_token, 30 * 86_400)
}

export function clearSession(c: Context) {
  clearShopCookie(c, COOKIES.access)
  clearShopCookie(c, COOKIES.refresh)
}

/** Locale, country, cart token and the signed-in customer (refreshing an expired access token). */
export const shopContext = createMiddleware<ShopEnv>(async (c, next) => {
  const chosenLocale = getCookie(c, COOKIES.locale)
  c.set(
    'locale',
    (LOCALES as readonly string[]).includes(chosenLocale ?? '')
      ? (chosenLocale as Locale)
      : localeFromAcceptLanguage(c.req.header('Accept-Language')),
  )
  const chosenCountry = getCookie(c, COOKIES.country)?.toUpperCase()
  const countryChosen = Boolean(chosenCountry && /^[A-Z]{2}$/.test(chosenCountry))
  c.set('country', countryChosen ? chosenCountry! : (edgeCountry(c) ?? 'US'))
  c.set('countryChosen', countryChosen)
  const cart = getCookie(c, COOKIES.cart)
  c.set('cartToken', cart && isCartToken(cart) ? cart : undefined)
  c.set('customer', undefined)
  c.set('accessToken', undefined)
  await next()
})

/** For pages that depend on who is signed in (never cached ones). */
export const withCustomer = createMiddleware<ShopEnv>(async (c, next) => {
  const session = await loadCustomer(c)
  c.set('customer', session?.user)
  c.set('accessToken', session?.token)
  await next()
})

async function loadCustomer(c: ShopContext): Promise<{ user: AuthUser; token: string } | undefined> {
  const access = getCookie(c, COOKIES.access)
  if (access) {
    try {
      return { user: await verifyAccessToken(c.env, access), token: access }
    } catch {
      // expired or forged: try the refresh token
    }
  }
  const refresh = getCookie(c, COOKIES.refresh)
  if (!refresh) return undefined
  const res = await callApi<TokenPair & { user: { id: string; email: string; role: AuthUser['role'] } }>(
    c,
    'POST',
    '/api/v1/auth/refresh',
    {
      body: { refresh_token: refresh },
    },
  )
  if (res.status !== 200) {
    clearSession(c)
    return undefined
  }
  setSession(c, res.body)
  return { user: { id: res.body.user.id, email: res.body.user.email, role: res.body.user.role }, token: res.body.access_token }
}

/** Headers that make an internal API call act for this visitor: their bearer token or guest cart. */
export function visitorHeaders(c: ShopContext): Record<string, string> {
  const h: Record<string, string> = {}
  const access = c.get('accessToken')
  if (access) h.Authorization = `Bearer ${access}`
  else if (c.get('cartToken')) h['X-Cart-Token'] = c.get('cartToken')!
  return h
}
