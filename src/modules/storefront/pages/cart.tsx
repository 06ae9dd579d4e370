import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { type CartView, emptyView } from '../../cart/service'
import { callApi, errorMessages } from '../api'
import { CountrySelect } from '../components/forms'
import { Messages } from '../components/layout'
import { COOKIES, clearShopCookie, setShopCookie, visitorHeaders, withCustomer, type ShopContext, type ShopEnv } from '../context'
import { flash, safeBack, takeFlash } from '../flash'
import { price } from '../format'
import { t, type Locale } from '../i18n'
import { privatePage } from '../render'

export const CART_COOKIE_MAX_AGE = 30 * 86_400

/** The visitor's cart priced for their country and discount code (tax, shipping estimate). */
export async function loadCart(c: ShopContext, extra: Record<string, string> = {}): Promise<CartView> {
  const q = new URLSearchParams({ country: c.get('country'), ...extra })
  const code = getCookie(c, COOKIES.discount)
  if (code) q.set('discount_code', code)
  const res = await callApi<CartView>(c, 'GET', `/api/v1/cart?${q}`, { headers: visitorHeaders(c) })
  if (res.status !== 200) return emptyView()
  return res.body
}

export function Totals(props: {
  cart: Pick<CartView, 'subtotal' | 'discount' | 'tax' | 'shipping' | 'total' | 'tax_inclusive' | 'discount_code' | 'shipping_method'>
  currency: string
  locale: Locale
}) {
  const { cart, currency, locale: l } = props
  const m = (n: number) => price(n, currency, l)
  return (
    <dl class="totals">
      <dt>{t(l, 'Subtotal')}</dt>
      <dd>{m(cart.subtotal)}</dd>
      {cart.discount ? (
        <>
          <dt>
            {t(l, 'Discount')} {cart.discount_code ? `(${cart.discount_code})` : ''}
          </dt>
          <dd>−{m(cart.discount)}</dd>
        </>
      ) : null}
      <dt>
        {t(l, 'Shipping')} {cart.shipping_method ? <span class="muted">({cart.shipping_method.name})</span> : null}
      </dt>
      <dd>{m(cart.shipping)}</dd>
      <dt>{cart.tax_inclusive ? t(l, 'Tax (included)') : t(l, 'Tax')}</dt>
      <dd>{m(cart.tax)}</dd>
      <dt class="grand">{t(l, 'Total')}</dt>
      <dd class="grand" data-total>
        {m(cart.total)}
      </dd>
    </dl>
  )
}

export const cartPages = new Hono<ShopEnv>()
cartPages.use('/cart', withCustomer)
cartPages.use('/cart/*', withCustomer)

cartPages.get('/cart', async (c) => {
  const l = c.get('locale')
  const cart = await loadCart(c)
  const { errors, notice } = takeFlash(c)
  const problems = cart.problems.filter((p) => p.code.startsWith('discount')).map((p) => p.message)
  return privatePage(
    c,
    { title: t(l, 'Cart') },
    <>
      <h1>{t(l, 'Cart')}</h1>
      <Messages errors={[...(errors ?? []), ...problems]} notice={notice} locale={l} />
      {cart.items.length === 0 ? (
        <p>
          {t(l, 'Your cart is empty.')} <a href="/">{t(l, 'Continue shopping')}</a>
        </p>
      ) : (
        <>
          <ul class="cart-lines">
            {cart.items.map((it) => (
              <li class="cart-line">
                {it.image_url ? <img src={it.image_url} alt="" width={64} height={64} loading="lazy" /> : null}
                <div class="what">
                  <a href={it.product_slug ? `/p/${it.product_slug}` : '#'}>{it.product_name ?? it.sku}</a>
                  <span class="muted"> {it.variant_name}</span>
                  {it.unit_price !== null && cart.currency ? <span> · {price(it.unit_price, cart.currency, l)}</span> : null}
                  {it.problems.map((p) => (
                    <p class="field-error">{p.message}</p>
                  ))}
                </div>
                <form method="post" action="/cart/update" class="qty">
                  <input type="hidden" name="variant_id" value={it.variant_id} />
                  <label>
                    <span class="visually-hidden">
                      {t(l, 'Quantity')}: {it.product_name}
                    </span>
                    <input type="number" name="quantity" value={String(it.quantity)} min={0} max={99} inputmode="numeric" />
                  </label>
                  <button type="submit">{t(l, 'Update')}</button>
                </form>
                <form method="post" action="/cart/remove">
                  <input type="hidden" name="variant_id" value={it.variant_id} />
                  <button type="submit" class="link" aria-label={`${t(l, 'Remove')}: ${it.product_name ?? ''}`}>
                    {t(l, 'Remove')}
                  </button>
                </form>
                {cart.currency ? <span class="line-total">{price(it.total, cart.currency, l)}</span> : null}
              </li>
            ))}
          </ul>
          <div class="cart-side">
            <form method="post" action="/cart/discount" class="inline">
              <label for="discount">{t(l, 'Discount code')}</label>
              <input
                id="discount"
                name="code"
                value={cart.discount_code ?? getCookie(c, COOKIES.discount) ?? ''}
                maxlength={64}
                autocomplete="off"
              />
              <button type="submit">{t(l, 'Apply code')}</button>
              {cart.discount_code ? (
                <button type="submit" name="remove" value="1" class="link">
                  {t(l, 'Remove code')}
                </button>
              ) : null}
            </form>
            <form method="post" action="/preferences/country" class="inline">
              <label for="ship-country">{t(l, 'Shipping to')}</label>
              <CountrySelect name="country" id="ship-country" value={c.get('country')} locale={l} />
              <input type="hidden" name="back" value="/cart" />
              <button type="submit">{t(l, 'Update')}</button>
            </form>
            {cart.currency ? <Totals cart={cart} currency={cart.currency} locale={l} /> : null}
            {!cart.shipping_method ? <p class="field-error">{t(l, 'No shipping method delivers to this country.')}</p> : null}
            <a class="button primary" href="/checkout">
              {t(l, 'Go to checkout')}
            </a>
          </div>
        </>
      )}
    </>,
  )
})

async function form(c: ShopContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v
  return out
}

/** Keep the guest cart token the API handed out. */
function rememberCartToken(c: ShopContext, headers: Headers) {
  const token = headers.get('X-Cart-Token')
  if (token && !c.get('customer') && token !== c.get('cartToken')) {
    setShopCookie(c, COOKIES.cart, token, CART_COOKIE_MAX_AGE)
    c.set('cartToken', token)
  }
}

const quantityOf = (raw: string | undefined, min: number) => {
  const n = Number(raw ?? '')
  return Number.isInteger(n) && n >= min && n <= 99 ? n : undefined
}

cartPages.post('/cart/add', async (c) => {
  const l = c.get('locale')
  const f = await form(c)
  const back = safeBack(f.back, '/cart')
  const quantity = quantityOf(f.quantity || '1', 1)
  if (!f.variant_id) {
    flash(c, 'error', [l === 'ru' ? 'Выберите вариант товара.' : 'Choose an option first.'])
    return c.redirect(back, 303)
  }
  if (quantity === undefined) {
    flash(c, 'error', [l === 'ru' ? 'Количество — целое число от 1 до 99.' : 'Quantity must be a whole number from 1 to 99.'])
    return c.redirect(back, 303)
  }
  const res = await callApi(c, 'POST', '/api/v1/cart/items', { headers: visitorHeaders(c), body: { variant_id: f.variant_id, quantity } })
  rememberCartToken(c, res.headers)
  if (res.status !== 200) {
    flash(c, 'error', errorMessages(res, t(l, 'Something went wrong. Please try again.')))
    return c.redirect(back, 303)
  }
  flash(c, 'notice', [t(l, 'Added to your cart.')])
  return c.redirect('/cart', 303)
})

cartPages.post('/cart/update', async (c) => {
  const l = c.get('locale')
  const f = await form(c)
  const quantity = quantityOf(f.quantity, 0)
  if (!f.variant_id || quantity === undefined) {
    flash(c, 'error', [l === 'ru' ? 'Количество — целое число от 0 до 99.' : 'Quantity must be a whole number from 0 to 99.'])
    return c.redirect('/cart', 303)
  }
  const path = `/api/v1/cart/items/${encodeURIComponent(f.variant_id)}`
  const res =
    quantity === 0
      ? await callApi(c, 'DELETE', path, { headers: visitorHeaders(c) })
      : await callApi(c, 'PATCH', path, { headers: visitorHeaders(c), body: { quantity } })
  if (res.status !== 200) flash(c, 'error', errorMessages(res, t(l, 'Something went wrong. Please try again.')))
  return c.redirect('/cart', 303)
})

cartPages.post('/cart/remove', async (c) => {
  const f = await form(c)
  if (f.variant_id) await callApi(c, 'DELETE', `/api/v1/cart/items/${encodeURIComponent(f.variant_id)}`, { headers: visitorHeaders(c) })
  return c.redirect('/cart', 303)
})

cartPages.post('/cart/discount', async (c) => {
  const l = c.get('locale')
  const f = await form(c)
  const code = (f.code ?? '').trim().toUpperCase()
  if (f.remove || !code) {
    clearShopCookie(c, COOKIES.discount)
    return c.redirect('/cart', 303)
  }
  if (!/^[A-Z0-9_-]{1,64}$/.test(code)) {
    flash(c, 'error', [l === 'ru' ? 'Такого промокода нет.' : 'That discount code does not exist.'])
    return c.redirect('/cart', 303)
  }
  const preview = await callApi<CartView>(
    c,
    'GET',
    `/api/v1/cart?${new URLSearchParams({ country: c.get('country'), discount_code: code })}`,
    { headers: visitorHeaders(c) },
  )
  const problem = preview.status === 200 ? preview.body.problems.find((p) => p.code.startsWith('discount')) : undefined
  if (preview.status !== 200 || problem) {
    flash(c, 'error', problem ? [problem.message] : errorMessages(preview, t(l, 'Something went wrong. Please try again.')))
    return c.redirect('/cart', 303)
  }
  setShopCookie(c, COOKIES.discount, code, 7 * 86_400)
  return c.redirect('/cart', 303)
})
