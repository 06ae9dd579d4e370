import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { getDb } from '../../../lib/db'
import type { Address } from '../../accounts/schema'
import { getActiveUserById } from '../../accounts/service'
import { startSession as startAccountSession } from '../../accounts/sessions'
import { verifyAccessToken } from '../../accounts/tokens'
import type { OrderSummary } from '../../orders/service'
import { callApi, errorMessages } from '../api'
import { CountrySelect, Field } from '../components/forms'
import { Messages } from '../components/layout'
import {
  COOKIES,
  clearSession,
  clearShopCookie,
  setSession,
  visitorHeaders,
  withCustomer,
  type ShopContext,
  type ShopEnv,
} from '../context'
import { flash, safeBack, takeFlash } from '../flash'
import { dateTime, price } from '../format'
import { t } from '../i18n'
import { privatePage } from '../render'
import { turnstileHeader, TurnstileWidget } from '../turnstile'
import { orderPath } from './checkout'

type Values = Record<string, string>

async function form(c: ShopContext): Promise<Values> {
  const body = await c.req.parseBody()
  const out: Values = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v.trim()
  return out
}

const fallback = (c: ShopContext) => t(c.get('locale'), 'Something went wrong. Please try again.')

function AccountNav(props: { c: ShopContext }) {
  const l = props.c.get('locale')
  return (
    <nav class="account-nav" aria-label={t(l, 'Account')}>
      <a href="/account">{t(l, 'Your orders')}</a>
      <a href="/account/addresses">{t(l, 'Addresses')}</a>
      <a href="/account/password">{t(l, 'Change password')}</a>
      <form method="post" action="/account/sign-out" class="inline">
        <button type="submit" class="link">
          {t(l, 'Sign out')}
        </button>
      </form>
    </nav>
  )
}

function signInPage(c: ShopContext, values: Values = {}, errors: string[] = [], status: 200 | 400 | 401 | 429 = 200) {
  const l = c.get('locale')
  const { notice } = takeFlash(c)
  return privatePage(
    c,
    { title: t(l, 'Sign in'), turnstile: true },
    <section class="narrow">
      <h1>{t(l, 'Sign in')}</h1>
      <Messages errors={errors} notice={notice} locale={l} />
      <form method="post" action="/account/sign-in">
        <input type="hidden" name="next" value={safeBack(values.next ?? c.req.query('next'), '/account')} />
        <Field label={t(l, 'Email')} name="email" type="email" value={values.email} required autocomplete="email" />
        <Field label={t(l, 'Password')} name="password" type="password" required autocomplete="current-password" />
        <TurnstileWidget c={c} />
        <button type="submit" class="primary">
          {t(l, 'Sign in')}
        </button>
      </form>
      <p>
        <a href="/forgot-password">{t(l, 'Forgot your password?')}</a>
      </p>
      <p>
        {t(l, 'No account yet?')} <a href="/account/sign-up">{t(l, 'Sign up')}</a>
      </p>
    </section>,
    status as 200,
  )
}

function signUpPage(c: ShopContext, values: Values = {}, errors: string[] = [], status: 200 | 400 | 409 = 200) {
  const l = c.get('locale')
  return privatePage(
    c,
    { title: t(l, 'Sign up'), turnstile: true },
    <section class="narrow">
      <h1>{t(l, 'Sign up')}</h1>
      <Messages errors={errors} locale={l} />
      <form method="post" action="/account/sign-up">
        <Field label={t(l, 'Name')} name="name" value={values.name} required autocomplete="name" maxlength={100} />
        <Field label={t(l, 'Email')} name="email" type="email" value={values.email} required autocomplete="email" />
        <Field label={t(l, 'Password')} name="password" type="password" required autocomplete="new-password" minlength={10} />
        <TurnstileWidget c={c} />
        <button type="submit" class="primary">
          {t(l, 'Sign up')}
        </button>
      </form>
      <p>
        {t(l, 'Already have an account?')} <a href="/account/sign-in">{t(l, 'Sign in')}</a>
      </p>
    </section>,
    status,
  )
}

interface Tokens {
  access_token: string
  refresh_token: string
  expires_in: number
}

/** After sign-in/up: the guest cart has merged into the account (the API did it), so forget its token. */
function startSession(c: ShopContext, tokens: Tokens) {
  setSession(c, tokens)
  clearShopCookie(c, COOKIES.cart)
}

export const accountPages = new Hono<ShopEnv>()
accountPages.use('/account', withCustomer)
accountPages.use('/account/*', withCustomer)

accountPages.get('/account/sign-in', async (c) => (c.get('customer') ? c.redirect('/account', 303) : signInPage(c)))

accountPages.post('/account/sign-in', async (c) => {
  const v = await form(c)
  const res = await callApi<Tokens>(c, 'POST', '/api/v1/auth/login', {
    body: { email: v.email ?? '', password: v.password ?? '' },
    headers: { ...turnstileHeader(v), ...(c.get('cartToken') ? { 'X-Cart-Token': c.get('cartToken')! } : {}) },
  })
  if (res.status !== 200) {
    const l = c.get('locale')
    const msg =
      res.status === 401
        ? [l === 'ru' ? 'Неверная почта или пароль.' : 'The email or password is incorrect.']
        : errorMessages(res, fallback(c))
    return signInPage(c, v, msg, res.status === 429 ? 429 : res.status === 401 ? 401 : 400)
  }
  startSession(c, res.body)
  return c.redirect(safeBack(v.next, '/account'), 303)
})

accountPages.get('/account/sign-up', async (c) => (c.get('customer') ? c.redirect('/account', 303) : signUpPage(c)))

accountPages.post('/account/sign-up', async (c) => {
  const v = await form(c)
  const created = await callApi(c, 'POST', '/api/v1/auth/register', {
    body: { email: v.email ?? '', password: v.password ?? '', name: v.name ?? '', locale: c.get('locale') },
    headers: turnstileHeader(v),
  })
  if (created.status !== 202) return signUpPage(c, v, errorMessages(created, fallback(c)), 400)
  // Sign-up answers the same whether or not the address already had an account; signing in tells.
  const res = await callApi<Tokens>(c, 'POST', '/api/v1/auth/login', {
    body: { email: v.email ?? '', password: v.password ?? '' },
    headers: c.get('cartToken') ? { 'X-Cart-Token': c.get('cartToken')! } : {},
  })
  if (res.status !== 200) {
    const ru = c.get('locale') === 'ru'
    return signInPage(c, { email: v.email ?? '' }, [
      ru
        ? 'Проверьте почту: мы отправили письмо о вашей учётной записи. Если она у вас уже есть, войдите или задайте новый пароль по ссылке из письма.'
        : 'Check your email: we have sent you a message about your account. If you already had one, sign in, or choose a new password with the link in that message.',
    ])
  }
  startSession(c, res.body)
  // Mail the verification link straight away: verifying is what attaches earlier guest orders.
  await callApi(c, 'POST', '/api/v1/auth/verify-email/request', { headers: { Authorization: `Bearer ${res.body.access_token}` } })
  flash(c, 'notice', [
    c.get('locale') === 'ru'
      ? 'Аккаунт создан. Мы отправили письмо для подтверждения почты.'
      : 'Account created. We have emailed you a link to confirm your address.',
  ])
  return c.redirect('/account', 303)
})

/**
 * A sign-in made in the dashboard (/admin) carried over to the storefront: the dashboard posts its
 * access token here (same origin; the csrf middleware checks the Origin), gets a storefront session
 * of its own (a new refresh-token family in the storefront's cookies), then ends its own session
 * and sends the customer to /account, so they never meet a second sign-in form.
 */
accountPages.post('/account/handoff', async (c) => {
  const v = await form(c)
  const user = await verifyAccessToken(c.env, v.access_token ?? '').catch(() => undefined)
  const active = user ? await getActiveUserById(getDb(c.env), user.id) : null
  if (!active) return c.json({ error: { code: 'invalid_token', message: 'The sign-in could not be carried over; sign in again.' } }, 401)
  const tokens = await startAccountSession(c.env, getDb(c.env), active)
  setSession(c, { access_token: tokens.access_token, refresh_token: tokens.refresh_token ?? '', expires_in: tokens.expires_in })
  return c.body(null, 204)
})

accountPages.post('/account/sign-out', async (c) => {
  const refresh = getCookie(c, COOKIES.refresh)
  if (refresh) await callApi(c, 'POST', '/api/v1/auth/logout', { body: { refresh_token: refresh } })
  clearSession(c)
  return c.redirect('/', 303)
})

accountPages.get('/account', async (c) => {
  const l = c.get('locale')
  if (!c.get('customer')) return c.redirect('/account/sign-in?next=/account', 303)
  const [orders, me] = await Promise.all([
    callApi<{ data: OrderSummary[]; next_cursor: string | null }>(
      c,
      'GET',
      `/api/v1/orders?limit=50${c.req.query('cursor') ? `&cursor=${encodeURIComponent(c.req.query('cursor')!)}` : ''}`,
      { headers: visitorHeaders(c) },
    ),
    callApi<{ email: string; name: string; email_verified_at: string | null }>(c, 'GET', '/api/v1/me', { headers: visitorHeaders(c) }),
  ])
  const { errors, notice } = takeFlash(c)
  const list = orders.status === 200 ? orders.body.data : []
  const links = await Promise.all(list.map((o) => orderPath(c.env, o.id)))
  return privatePage(
    c,
    { title: t(l, 'Your orders') },
    <>
      <h1>{t(l, 'Account')}</h1>
      <AccountNav c={c} />
      <Messages errors={errors} notice={notice} locale={l} />
      {me.status === 200 ? (
        <p>
          {me.body.name} · {me.body.email}
        </p>
      ) : null}
      {me.status === 200 && !me.body.email_verified_at ? (
        <form method="post" action="/account/verify-email" class="inline">
          <p>{l === 'ru' ? 'Почта не подтверждена.' : 'Your email address is not confirmed yet.'}</p>
          <button type="submit">{l === 'ru' ? 'Отправить письмо ещё раз' : 'Send the confirmation email again'}</button>
        </form>
      ) : null}
      <h2>{t(l, 'Your orders')}</h2>
      {list.length ? (
        <table class="orders">
          <thead>
            <tr>
              <th scope="col">{t(l, 'Order')}</th>
              <th scope="col">{t(l, 'Status')}</th>
              <th scope="col">{t(l, 'Total')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((o, i) => (
              <tr>
                <td>
                  <a href={links[i]}>{o.id}</a>
                  <br />
                  <span class="muted">{dateTime(o.created_at, l)}</span>
                </td>
                <td>{t(l, o.status)}</td>
                <td>{price(o.total.amount, o.currency, l)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t(l, 'You have no orders yet.')}</p>
      )}
      {orders.status === 200 && orders.body.next_cursor ? (
        <p>
          <a href={`/account?cursor=${encodeURIComponent(orders.body.next_cursor)}`}>{t(l, 'Next page')} →</a>
        </p>
      ) : null}
    </>,
  )
})

accountPages.post('/account/verify-email', async (c) => {
  if (!c.get('customer')) return c.redirect('/account/sign-in', 303)
  const res = await callApi(c, 'POST', '/api/v1/auth/verify-email/request', { headers: visitorHeaders(c) })
  if (res.status >= 400) flash(c, 'error', errorMessages(res, fallback(c)))
  else flash(c, 'notice', [c.get('locale') === 'ru' ? 'Письмо отправлено.' : 'We have sent the email.'])
  return c.redirect('/account', 303)
})

async function addressesPage(c: ShopContext, values: Values = {}, errors: string[] = [], status: 200 | 400 = 200) {
  const l = c.get('locale')
  const res = await callApi<{ data: Address[] }>(c, 'GET', '/api/v1/me/addresses', { headers: visitorHeaders(c) })
  const flashed = takeFlash(c)
  return privatePage(
    c,
    { title: t(l, 'Addresses') },
    <>
      <h1>{t(l, 'Addresses')}</h1>
      <AccountNav c={c} />
      <Messages errors={[...(flashed.errors ?? []), ...errors]} notice={flashed.notice} locale={l} />
      <ul class="addresses">
        {(res.status === 200 ? res.body.data : []).map((a) => (
          <li>
            {a.label ? <strong>{a.label}: </strong> : null}
            {a.name}, {a.line1}
            {a.line2 ? `, ${a.line2}` : ''}, {a.city}
            {a.postal_code ? ` ${a.postal_code}` : ''}, {a.country}
            <form method="post" action={`/account/addresses/${a.id}/delete`} class="inline">
              <button type="submit" class="link" aria-label={`${t(l, 'Delete')}: ${a.line1}`}>
                {t(l, 'Delete')}
              </button>
            </form>
          </li>
        ))}
      </ul>
      <h2>{t(l, 'Add an address')}</h2>
      <form method="post" action="/account/addresses">
        <Field label={t(l, 'Full name')} name="name" value={values.name} required autocomplete="name" />
        <Field label={t(l, 'Address line 1')} name="line1" value={values.line1} required autocomplete="address-line1" />
        <Field label={t(l, 'Address line 2 (optional)')} name="line2" value={values.line2} autocomplete="address-line2" />
        <Field label={t(l, 'City')} name="city" value={values.city} required autocomplete="address-level2" />
        <Field label={t(l, 'Postal code')} name="postal_code" value={values.postal_code} autocomplete="postal-code" />
        <p class="field">
          <label for="f-country">{t(l, 'Country')}</label>
          <CountrySelect name="country" id="f-country" value={values.country || c.get('country')} locale={l} />
        </p>
        <button type="submit" class="primary">
          {t(l, 'Save')}
        </button>
      </form>
    </>,
    status,
  )
}

accountPages.get('/account/addresses', async (c) =>
  c.get('customer') ? addressesPage(c) : c.redirect('/account/sign-in?next=/account/addresses', 303),
)

accountPages.post('/account/addresses', async (c) => {
  if (!c.get('customer')) return c.redirect('/account/sign-in', 303)
  const v = await form(c)
  const res = await callApi(c, 'POST', '/api/v1/me/addresses', {
    headers: visitorHeaders(c),
    body: {
      name: v.name ?? '',
      line1: v.line1 ?? '',
      line2: v.line2 || null,
      city: v.city ?? '',
      postal_code: v.postal_code || null,
      country: v.country ?? '',
      is_default: true,
    },
  })
  if (res.status >= 400) return addressesPage(c, v, errorMessages(res, fallback(c)), 400)
  flash(c, 'notice', [t(c.get('locale'), 'Address saved.')])
  return c.redirect('/account/addresses', 303)
})

accountPages.post('/account/addresses/:id/delete', async (c) => {
  if (!c.get('customer')) return c.redirect('/account/sign-in', 303)
  await callApi(c, 'DELETE', `/api/v1/me/addresses/${encodeURIComponent(c.req.param('id'))}`, { headers: visitorHeaders(c) })
  return c.redirect('/account/addresses', 303)
})

function passwordPage(c: ShopContext, errors: string[] = [], status: 200 | 400 | 401 = 200) {
  const l = c.get('locale')
  const flashed = takeFlash(c)
  return privatePage(
    c,
    { title: t(l, 'Change password') },
    <>
      <h1>{t(l, 'Change password')}</h1>
      <AccountNav c={c} />
      <Messages errors={errors} notice={flashed.notice} locale={l} />
      <form method="post" action="/account/password" class="narrow">
        <Field label={t(l, 'Current password')} name="current_password" type="password" required autocomplete="current-password" />
        <Field label={t(l, 'New password')} name="new_password" type="password" required autocomplete="new-password" minlength={10} />
        <button type="submit" class="primary">
          {t(l, 'Save')}
        </button>
      </form>
    </>,
    status as 200,
  )
}

accountPages.get('/account/password', async (c) =>
  c.get('customer') ? passwordPage(c) : c.redirect('/account/sign-in?next=/account/password', 303),
)

accountPages.post('/account/password', async (c) => {
  if (!c.get('customer')) return c.redirect('/account/sign-in', 303)
  const v = await form(c)
  const res = await callApi<Partial<Tokens>>(c, 'POST', '/api/v1/me/password', {
    headers: visitorHeaders(c),
    body: { current_password: v.current_password ?? '', new_password: v.new_password ?? '' },
  })
  if (res.status >= 400) return passwordPage(c, errorMessages(res, fallback(c)), 400)
  if (res.body?.access_token && res.body.refresh_token && res.body.expires_in) setSession(c, res.body as Tokens)
  flash(c, 'notice', [t(c.get('locale'), 'Password changed.')])
  return c.redirect('/account/password', 303)
})

// ---- links from emails, and the forgotten-password form (linked from the dashboard too) ----

export const accountFlowPages = new Hono<ShopEnv>()

/** The reset-request form: empty (with a flashed notice), or again with the email and the API's errors (400). */
function forgotPage(c: ShopContext, messages: { errors?: string[]; notice?: string }, email?: string, status: 200 | 400 = 200) {
  const l = c.get('locale')
  return privatePage(
    c,
    { title: t(l, 'Reset your password'), turnstile: true },
    <section class="narrow">
      <h1>{t(l, 'Reset your password')}</h1>
      <Messages errors={messages.errors} notice={messages.notice} locale={l} />
      <form method="post" action="/forgot-password">
        <Field label={t(l, 'Email')} name="email" type="email" value={email} required autocomplete="email" />
        <TurnstileWidget c={c} />
        <button type="submit" class="primary">
          {t(l, 'Send reset link')}
        </button>
      </form>
    </section>,
    status,
  )
}

accountFlowPages.get('/forgot-password', (c) => forgotPage(c, { notice: takeFlash(c).notice }))

accountFlowPages.post('/forgot-password', async (c) => {
  const v = await form(c)
  const res = await callApi(c, 'POST', '/api/v1/auth/password-reset/request', {
    body: { email: v.email ?? '' },
    headers: turnstileHeader(v),
  })
  if (res.status === 400 || res.status === 403) return forgotPage(c, { errors: errorMessages(res, fallback(c)) }, v.email, 400)
  if (res.status === 429)
    flash(c, 'notice', [
      c.get('locale') === 'ru' ? 'Слишком много запросов. Попробуйте позже.' : 'Too many requests. Please try again later.',
    ])
  else flash(c, 'notice', [t(c.get('locale'), 'If an account exists for that email, a reset link is on its way.')])
  return c.redirect('/forgot-password', 303)
})

function resetPage(c: ShopContext, token: string, errors: string[] = [], status: 200 | 400 = 200) {
  const l = c.get('locale')
  return privatePage(
    c,
    { title: t(l, 'Choose a new password') },
    <section class="narrow">
      <h1>{t(l, 'Choose a new password')}</h1>
      <Messages errors={errors} locale={l} />
      <form method="post" action="/reset-password">
        <input type="hidden" name="token" value={token} />
        <Field label={t(l, 'New password')} name="new_password" type="password" required autocomplete="new-password" minlength={10} />
        <button type="submit" class="primary">
          {t(l, 'Save')}
        </button>
      </form>
      <p>
        <a href="/forgot-password">{t(l, 'Send reset link')}</a>
      </p>
    </section>,
    status,
  )
}

accountFlowPages.get('/reset-password', (c) => resetPage(c, c.req.query('token') ?? ''))

accountFlowPages.post('/reset-password', async (c) => {
  const v = await form(c)
  const res = await callApi(c, 'POST', '/api/v1/auth/password-reset/confirm', {
    body: { token: v.token ?? '', new_password: v.new_password ?? '' },
  })
  if (res.status !== 200) return resetPage(c, v.token ?? '', errorMessages(res, fallback(c)), 400)
  clearSession(c)
  flash(c, 'notice', [t(c.get('locale'), 'Your password was changed. Sign in with the new one.')])
  return c.redirect('/account/sign-in', 303)
})

// A GET never spends the token (mail scanners open links): the page asks for one click.
accountFlowPages.get('/verify-email', (c) => {
  const l = c.get('locale')
  return privatePage(
    c,
    { title: t(l, 'Confirm your email') },
    <section class="narrow">
      <h1>{t(l, 'Confirm your email')}</h1>
      <form method="post" action="/verify-email">
        <input type="hidden" name="token" value={c.req.query('token') ?? ''} />
        <button type="submit" class="primary">
          {t(l, 'Confirm my email')}
        </button>
      </form>
    </section>,
  )
})

accountFlowPages.post('/verify-email', async (c) => {
  const l = c.get('locale')
  const v = await form(c)
  const res = await callApi(c, 'POST', '/api/v1/auth/verify-email/confirm', { body: { token: v.token ?? '' } })
  return privatePage(
    c,
    { title: t(l, 'Confirm your email') },
    <section class="narrow">
      <h1>{t(l, 'Confirm your email')}</h1>
      {res.status === 200 ? (
        <Messages notice={t(l, 'Your email address is verified.')} locale={l} />
      ) : (
        <Messages errors={errorMessages(res, fallback(c))} locale={l} />
      )}
      <p>
        <a href="/account">{t(l, 'Account')}</a>
      </p>
    </section>,
    res.status === 200 ? 200 : 400,
  )
})
