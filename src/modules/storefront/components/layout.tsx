import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { t, type Locale } from '../i18n'

export interface PageMeta {
  title: string
  description?: string
  /** Absolute canonical URL. */
  canonical?: string
  image?: string
  ogType?: string
  /** JSON-LD objects, serialised into <script type="application/ld+json"> (data, never executed). */
  jsonLd?: unknown[]
  noindex?: boolean
  /** Islands to load (names of built files under /shop/). */
  islands?: string[]
  /** Re-render after this many seconds (payment confirmation), without script. */
  refreshSeconds?: number
  /** Where the refresh goes (default: the same URL). */
  refreshUrl?: string
  /** The page has a Turnstile widget: load its script (set by renderPage from TURNSTILE_SCRIPT_URL). */
  turnstile?: boolean
  turnstileScript?: string
}

/** JSON for a <script> data block: `<` escaped so no content can close the element. */
export const jsonForScript = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')

export function Layout(props: { locale: Locale; meta: PageMeta; path: string; brand: string; children?: Child }) {
  const { locale, meta, path } = props
  const other: Locale = locale === 'ru' ? 'en' : 'ru'
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{meta.title}</title>
        {meta.description ? <meta name="description" content={meta.description} /> : null}
        {meta.canonical ? <link rel="canonical" href={meta.canonical} /> : null}
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        {meta.refreshSeconds ? (
          <meta http-equiv="refresh" content={`${meta.refreshSeconds}${meta.refreshUrl ? `;url=${meta.refreshUrl}` : ''}`} />
        ) : null}
        <meta property="og:site_name" content={props.brand} />
        <meta property="og:title" content={meta.title} />
        {meta.description ? <meta property="og:description" content={meta.description} /> : null}
        <meta property="og:type" content={meta.ogType ?? 'website'} />
        {meta.canonical ? <meta property="og:url" content={meta.canonical} /> : null}
        {meta.image ? <meta property="og:image" content={meta.image} /> : null}
        <meta property="og:locale" content={locale === 'ru' ? 'ru_RU' : 'en_US'} />
        <meta name="twitter:card" content={meta.image ? 'summary_large_image' : 'summary'} />
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/icons/icon-192.png" />
        <link rel="manifest" href="/site.webmanifest" />
        <meta name="theme-color" content="#1d4ed8" />
        <link rel="stylesheet" href="/shop/styles.css" />
        {(meta.jsonLd ?? []).map((doc) => (
          <script type="application/ld+json">{raw(jsonForScript(doc))}</script>
        ))}
        {(meta.islands ?? []).map((name) => (
          <script type="module" src={`/shop/${name}.js`} defer></script>
        ))}
        {meta.turnstileScript ? <script src={meta.turnstileScript} async defer></script> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {t(locale, 'Skip to content')}
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              {props.brand}
            </a>
            <nav class="nav" aria-label="Main">
              <a href="/cart">{t(locale, 'Cart')}</a>
              <a href="/account">{t(locale, 'Account')}</a>
              <form method="post" action="/preferences/language" class="lang">
                <input type="hidden" name="locale" value={other} />
                <input type="hidden" name="back" value={path} />
                {/* The accessible name starts with the visible "RU"/"EN" (speech input users say what they see). */}
                <button type="submit">
                  {other === 'ru' ? 'RU' : 'EN'}
                  <span class="visually-hidden">
                    {' '}
                    ({t(locale, 'Language')}: <span lang={other}>{other === 'ru' ? 'Русский' : 'English'}</span>)
                  </span>
                </button>
              </form>
            </nav>
          </div>
          <form role="search" method="get" action="/search" class="search">
            <label for="site-search" class="visually-hidden">
              {t(locale, 'Search products')}
            </label>
            <input id="site-search" type="search" name="q" placeholder={t(locale, 'Search products')} maxlength={200} />
            <button type="submit">{t(locale, 'Search')}</button>
          </form>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <p>
            © {props.brand} · <a href="/docs">{t(locale, 'API reference')}</a> · <a href="/sitemap.xml">Sitemap</a>
          </p>
        </footer>
      </body>
    </html>
  )
}

/** Messages above a form: errors (role=alert) or a notice (role=status). */
export function Messages(props: { errors?: string[]; notice?: string; locale: Locale }) {
  return (
    <>
      {props.errors?.length ? (
        <div class="alert error" role="alert">
          <p>{t(props.locale, 'Please correct the following:')}</p>
          <ul>
            {props.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {props.notice ? (
        <div class="alert notice" role="status">
          {props.notice}
        </div>
      ) : null}
    </>
  )
}
