import { Hono } from 'hono'
import { ftsQuery } from '../../catalog/fts'
import { callApi, type ApiResult } from '../api'
import { ProductGrid, PriceRange, Stars, imageSources, type ProductSummary } from '../components/product-card'
import { Messages, jsonForScript } from '../components/layout'
import type { ShopContext, ShopEnv } from '../context'
import { LIST_TAG, productTag } from '../../catalog/cache'
import { cachedPage, type CachedPage } from '../html-cache'
import { t } from '../i18n'
import { parseMajor, price, toMajor } from '../format'
import { brandOf, originOf, renderPage, resizingOf } from '../render'
import { raw } from 'hono/html'

interface Category {
  id: string
  name: string
  slug: string
  description: string | null
  total_product_count: number
  children?: Category[]
}
interface CategoryDetail extends Category {
  ancestors: { id: string; name: string; slug: string }[]
  children: Category[]
}
interface Page<T> {
  data: T[]
  next_cursor: string | null
}
interface Variant {
  id: string
  sku: string
  name: string
  price: number
  compare_at_price: number | null
  currency: string
  stock: number
  attributes: Record<string, string | number | boolean>
}
interface Product extends ProductSummary {
  description: string
  category: { id: string; name: string; slug: string } | null
  variants: Variant[]
  images: { id: string; url: string; alt: string | null }[]
}
interface Review {
  id: string
  rating: number
  title: string | null
  body: string | null
  verified_purchase: boolean
  created_at: string
}

const SORTS = ['newest', 'price_asc', 'price_desc', 'rating'] as const
const sortLabel: Record<string, string> = {
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  rating: 'Top rated',
  relevance: 'Relevance',
}

/** An API read that failed for a reason of the moment: this visitor over the read limit (429), or D1 or the Worker failing (5xx). */
const failedNow = (...results: ApiResult<unknown>[]) => results.find((r) => r.status === 429 || r.status >= 500)

/**
 * The page when one of its API reads failed for a reason of the moment. It says so (429 with the
 * limit's Retry-After, or 503) and is never stored in the catalog cache (html-cache.ts keeps 200 and
 * 404 only), so one visitor's rate limit or a database blip never becomes every shopper's page.
 */
async function unavailablePage(c: ShopContext, failed: ApiResult<unknown>): Promise<CachedPage> {
  const l = c.get('locale')
  const limited = failed.status === 429
  const message = limited
    ? t(l, 'Too many requests from your network. Please try again in a minute.')
    : t(l, 'We could not load this page just now. Please try again.')
  return {
    status: limited ? 429 : 503,
    headers: { 'Retry-After': (limited && failed.headers.get('Retry-After')) || '5' },
    html: await renderPage(
      c,
      { title: t(l, 'Please try again'), noindex: true },
      <section>
        <h1>{t(l, 'Please try again')}</h1>
        <p class="alert error" role="alert" data-error="page-unavailable">
          {message}
        </p>
      </section>,
    ),
  }
}

async function notFoundPage(c: ShopContext) {
  const l = c.get('locale')
  return {
    status: 404,
    html: await renderPage(
      c,
      { title: t(l, 'Page not found'), noindex: true },
      <section>
        <h1>{t(l, 'Page not found')}</h1>
        <p>
          <a href="/">{t(l, 'Continue shopping')}</a>
        </p>
      </section>,
    ),
  }
}

function breadcrumbLd(origin: string, items: { name: string; path: string }[]) {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((it, i) => ({ '@type': 'ListItem', position: i + 1, name: it.name, item: `${origin}${it.path}` })),
  }
}

function Breadcrumbs(props: { items: { name: string; path: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      <ol>
        {props.items.map((it, i) =>
          i === props.items.length - 1 ? (
            <li aria-current="page">{it.name}</li>
          ) : (
            <li>
              <a href={it.path}>{it.name}</a>
            </li>
          ),
        )}
      </ol>
    </nav>
  )
}

/** Filters shared by category and search pages; JS-free (a GET form). */
function Filters(props: {
  c: ShopContext
  action: string
  q?: string
  sort: string
  min?: string
  max?: string
  inStock: boolean
  allowRelevance: boolean
}) {
  const l = props.c.get('locale')
  const sorts = props.allowRelevance ? ['relevance', ...SORTS] : [...SORTS]
  return (
    <form method="get" action={props.action} class="filters">
      {props.q !== undefined ? <input type="hidden" name="q" value={props.q} /> : null}
      <label>
        {t(l, 'Sort by')}
        <select name="sort">
          {sorts.map((s) => (
            <option value={s} selected={s === props.sort}>
              {t(l, sortLabel[s]!)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t(l, 'Min price')}
        <input name="min" inputmode="decimal" size={6} value={props.min ?? ''} />
      </label>
      <label>
        {t(l, 'Max price')}
        <input name="max" inputmode="decimal" size={6} value={props.max ?? ''} />
      </label>
      <label class="check">
        <input type="checkbox" name="in_stock" value="1" checked={props.inStock} /> {t(l, 'In stock only')}
      </label>
      <button type="submit">{t(l, 'Apply')}</button>
    </form>
  )
}

interface ListingQuery {
  sort: string
  min?: string
  max?: string
  inStock: boolean
  cursor?: string
  errors: string[]
  apiQuery: URLSearchParams
}

function listingQuery(c: ShopContext, allowRelevance: boolean): ListingQuery {
  const q = c.req.query()
  const errors: string[] = []
  const l = c.get('locale')
  const sort = (allowRelevance ? ['relevance', ...SORTS] : [...SORTS]).includes(q.sort as never)
    ? q.sort!
    : allowRelevance
      ? 'relevance'
      : 'newest'
  const apiQuery = new URLSearchParams({ sort, limit: '24' })
  const min = q.min?.trim() || undefined
  const max = q.max?.trim() || undefined
  const minor = (v: string | undefined, label: string, key: string) => {
    if (!v) return
    const n = parseMajor(v)
    if (n === undefined)
      errors.push(`${t(l, label)}: “${v}” — ${l === 'ru' ? 'введите число, например 25 или 25.50' : 'enter a number such as 25 or 25.50'}`)
    else apiQuery.set(key, String(n))
  }
  minor(min, 'Min price', 'min_price')
  minor(max, 'Max price', 'max_price')
  if (q.cursor && q.cursor.length <= 512) apiQuery.set('cursor', q.cursor)
  const inStock = q.in_stock === '1'
  // Filtered by the API's query, so every page of an in-stock listing is full and the cursor is right.
  if (inStock) apiQuery.set('in_stock', 'true')
  return { sort, min, max, inStock, cursor: q.cursor, errors, apiQuery }
}

function Pager(props: { c: ShopContext; next: string | null; first: boolean }) {
  const l = props.c.get('locale')
  const url = new URL(props.c.req.url)
  const link = (cursor: string | null) => {
    const u = new URL(url)
    if (cursor) u.searchParams.set('cursor', cursor)
    else u.searchParams.delete('cursor')
    return u.pathname + u.search
  }
  return (
    <nav class="pager" aria-label="Pagination">
      {props.first ? null : <a href={link(null)}>{t(l, 'First page')}</a>}
      {props.next ? (
        <a href={link(props.next)} rel="next">
          {t(l, 'Next page')} →
        </a>
      ) : null}
    </nav>
  )
}

export const catalogPages = new Hono<ShopEnv>()

catalogPages.get('/', (c) =>
  cachedPage(c, 'home', {}, async () => {
    const l = c.get('locale')
    const [cats, featured, fresh] = await Promise.all([
      callApi<{ data: Category[] }>(c, 'GET', '/api/v1/categories?format=tree'),
      callApi<Page<ProductSummary>>(c, 'GET', '/api/v1/products?sort=rating&limit=8'),
      callApi<Page<ProductSummary>>(c, 'GET', '/api/v1/products?sort=newest&limit=8'),
    ])
    const failed = failedNow(cats, featured, fresh)
    if (failed) return unavailablePage(c, failed)
    const origin = originOf(c)
    const resizing = resizingOf(c.env)
    const html = await renderPage(
      c,
      {
        title: l === 'ru' ? 'Магазин' : 'Shop',
        description: l === 'ru' ? `${brandOf(c.env)}: товары с доставкой` : `${brandOf(c.env)}: shop online, delivered to your door`,
        canonical: `${origin}/`,
        jsonLd: [
          {
            '@context': 'https://schema.org',
            '@type': 'WebSite',
            name: brandOf(c.env),
            url: `${origin}/`,
            potentialAction: {
              '@type': 'SearchAction',
              target: `${origin}/search?q={search_term_string}`,
              'query-input': 'required name=search_term_string',
            },
          },
        ],
      },
      <>
        <section aria-labelledby="cats">
          <h1 id="cats">{t(l, 'Categories')}</h1>
          <ul class="chips">
            {(cats.body?.data ?? []).map((cat) => (
              <li>
                <a href={`/c/${cat.slug}`}>
                  {cat.name} <span class="muted">({cat.total_product_count})</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="featured">
          <h2 id="featured">{t(l, 'Featured products')}</h2>
          <ProductGrid products={featured.body?.data ?? []} locale={l} resizing={resizing} />
        </section>
        <section aria-labelledby="new">
          <h2 id="new">{t(l, 'New arrivals')}</h2>
          <ProductGrid products={fresh.body?.data ?? []} locale={l} resizing={resizing} />
        </section>
      </>,
    )
    return { status: 200, html }
  }),
)

catalogPages.get('/c/:slug', (c) => {
  const slug = c.req.param('slug')
  const lq = listingQuery(c, false)
  return cachedPage(c, 'category', { slug, q: lq.apiQuery.toString(), inStock: lq.inStock, errors: lq.errors }, async () => {
    const l = c.get('locale')
    const cat = await callApi<CategoryDetail>(c, 'GET', `/api/v1/categories/${encodeURIComponent(slug)}`)
    if (failedNow(cat)) return unavailablePage(c, cat)
    if (cat.status !== 200) return notFoundPage(c)
    lq.apiQuery.set('category', cat.body.id)
    const list = await callApi<Page<ProductSummary>>(c, 'GET', `/api/v1/products?${lq.apiQuery}`)
    if (failedNow(list)) return unavailablePage(c, list)
    const errors = [...lq.errors]
    if (list.status !== 200)
      errors.push(
        (list.body as unknown as { error?: { message: string } })?.error?.message ?? t(l, 'Something went wrong. Please try again.'),
      )
    const products = list.status === 200 ? list.body.data : []
    const origin = originOf(c)
    const crumbs = [
      { name: t(l, 'Home'), path: '/' },
      ...cat.body.ancestors.map((a) => ({ name: a.name, path: `/c/${a.slug}` })),
      { name: cat.body.name, path: `/c/${cat.body.slug}` },
    ]
    const html = await renderPage(
      c,
      {
        title: cat.body.name,
        description: cat.body.description ?? `${cat.body.name} — ${cat.body.total_product_count} ${l === 'ru' ? 'товаров' : 'products'}`,
        canonical: `${origin}/c/${cat.body.slug}`,
        jsonLd: [breadcrumbLd(origin, crumbs)],
        noindex: Boolean(lq.cursor || lq.min || lq.max || lq.inStock),
      },
      <>
        <Breadcrumbs items={crumbs} />
        <h1>{cat.body.name}</h1>
        {cat.body.children.length ? (
          <ul class="chips">
            {cat.body.children.map((ch) => (
              <li>
                <a href={`/c/${ch.slug}`}>
                  {ch.name} <span class="muted">({ch.total_product_count})</span>
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        <Filters
          c={c}
          action={`/c/${cat.body.slug}`}
          sort={lq.sort}
          min={lq.min}
          max={lq.max}
          inStock={lq.inStock}
          allowRelevance={false}
        />
        <Messages errors={errors} locale={l} />
        <ProductGrid products={products} locale={l} resizing={resizingOf(c.env)} />
        <Pager c={c} next={list.status === 200 ? list.body.next_cursor : null} first={!lq.cursor} />
      </>,
    )
    return { status: 200, html }
  })
})

/** Matching active products per category, for the search page's facet list. */
async function searchFacets(c: ShopContext, q: string) {
  const match = ftsQuery(q)
  if (!match) return []
  const { results } = await c.env.DB.prepare(
    `SELECT c.slug AS slug, c.name AS name, count(*) AS n FROM products p JOIN categories c ON c.id = p.category_id
     WHERE p.status = 'active' AND p.id IN (SELECT product_id FROM products_fts WHERE products_fts MATCH ?)
     GROUP BY c.id ORDER BY n DESC, c.name LIMIT 20`,
  )
    .bind(match)
    .all<{ slug: string; name: string; n: number }>()
  return results
}

catalogPages.get('/search', (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 200)
  const lq = listingQuery(c, Boolean(q))
  return cachedPage(c, 'search', { q, api: lq.apiQuery.toString(), inStock: lq.inStock, errors: lq.errors }, async () => {
    const l = c.get('locale')
    if (q) lq.apiQuery.set('q', q)
    const [list, facets] = await Promise.all([
      callApi<Page<ProductSummary>>(c, 'GET', `/api/v1/products?${lq.apiQuery}`),
      q ? searchFacets(c, q) : Promise.resolve([]),
    ])
    if (failedNow(list)) return unavailablePage(c, list)
    const errors = [...lq.errors]
    if (list.status !== 200)
      errors.push(
        (list.body as unknown as { error?: { message: string } })?.error?.message ?? t(l, 'Something went wrong. Please try again.'),
      )
    const products = list.status === 200 ? list.body.data : []
    const total = facets.reduce((n, f) => n + f.n, 0)
    const html = await renderPage(
      c,
      { title: q ? `${t(l, 'Search')}: ${q}` : t(l, 'Search'), noindex: true, canonical: `${originOf(c)}/search` },
      <>
        <h1>{q ? t(l, '{n} results for “{q}”', { n: total, q }) : t(l, 'Search')}</h1>
        {facets.length ? (
          <nav aria-label={t(l, 'Results by category')}>
            <h2 class="visually-hidden">{t(l, 'Results by category')}</h2>
            <ul class="chips">
              {facets.map((f) => (
                <li>
                  <a href={`/c/${f.slug}`}>
                    {f.name} <span class="count">({f.n})</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <Filters c={c} action="/search" q={q} sort={lq.sort} min={lq.min} max={lq.max} inStock={lq.inStock} allowRelevance={Boolean(q)} />
        <Messages errors={errors} locale={l} />
        <ProductGrid products={products} locale={l} resizing={resizingOf(c.env)} />
        <Pager c={c} next={list.status === 200 ? list.body.next_cursor : null} first={!lq.cursor} />
      </>,
    )
    return { status: 200, html }
  })
})

function stockText(v: Variant, l: ReturnType<ShopContext['get']> & string) {
  if (v.stock <= 0) return t(l as never, 'Sold out')
  if (v.stock <= 5) return t(l as never, 'Only {n} left', { n: v.stock })
  return t(l as never, '{n} in stock', { n: v.stock })
}

catalogPages.get('/p/:slug', (c) => {
  const slug = c.req.param('slug')
  return cachedPage(
    c,
    'product',
    { slug },
    async () => {
      const l = c.get('locale')
      const res = await callApi<Product>(c, 'GET', `/api/v1/products/${encodeURIComponent(slug)}`)
      if (failedNow(res)) return unavailablePage(c, res)
      if (res.status !== 200) return notFoundPage(c)
      const p = res.body
      const reviews = await callApi<Page<Review>>(c, 'GET', `/api/v1/products/${p.id}/reviews?limit=10`)
      if (failedNow(reviews)) return unavailablePage(c, reviews)
      const origin = originOf(c)
      const resizing = resizingOf(c.env)
      const firstAvailable = p.variants.find((v) => v.stock > 0) ?? p.variants[0]
      const crumbs = [
        { name: t(l, 'Home'), path: '/' },
        ...(p.category ? [{ name: p.category.name, path: `/c/${p.category.slug}` }] : []),
        { name: p.name, path: `/p/${p.slug}` },
      ]
      const digits = 2
      const productLd: Record<string, unknown> = {
        '@context': 'https://schema.org',
        '@type': 'Product',
        name: p.name,
        description: p.description,
        sku: p.variants[0]?.sku,
        url: `${origin}/p/${p.slug}`,
        image: p.images.map((i) => `${origin}${i.url}`),
        offers: p.variants.map((v) => ({
          '@type': 'Offer',
          sku: v.sku,
          name: v.name,
          price: toMajor(v.price, digits),
          priceCurrency: v.currency,
          availability: v.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
          url: `${origin}/p/${p.slug}`,
        })),
        ...(p.rating.count
          ? {
              aggregateRating: {
                '@type': 'AggregateRating',
                ratingValue: p.rating.average,
                reviewCount: p.rating.count,
                bestRating: 5,
                worstRating: 1,
              },
            }
          : {}),
      }
      const variantData = p.variants.map((v) => ({
        id: v.id,
        price: price(v.price, v.currency, l),
        stock: stockText(v, l),
        available: v.stock > 0,
      }))
      const html = await renderPage(
        c,
        {
          title: p.name,
          description: p.description.slice(0, 160),
          canonical: `${origin}/p/${p.slug}`,
          image: p.images[0] ? `${origin}${p.images[0].url}` : undefined,
          ogType: 'product',
          jsonLd: [productLd, breadcrumbLd(origin, crumbs)],
          islands: ['product'],
        },
        <>
          <Breadcrumbs items={crumbs} />
          <article class="product">
            <div class="gallery">
              {p.images.length ? (
                p.images.map((img, i) => {
                  const s = imageSources(img.url, resizing)
                  return (
                    <img
                      src={s.src}
                      srcset={s.srcset}
                      sizes="(max-width: 700px) 100vw, 480px"
                      alt={img.alt ?? p.name}
                      width={480}
                      height={480}
                      loading={i ? 'lazy' : 'eager'}
                      decoding="async"
                    />
                  )
                })
              ) : (
                <span class="img-placeholder" aria-hidden="true"></span>
              )}
            </div>
            <div class="buy">
              <h1>{p.name}</h1>
              <p>
                <PriceRange p={p} locale={l} /> <Stars average={p.rating.average} count={p.rating.count} locale={l} />
              </p>
              {p.in_stock ? null : <p class="badge soldout">{t(l, 'Sold out')}</p>}
              <form method="post" action="/cart/add" class="add-to-cart" data-island="product">
                <script type="application/json" id="variant-data">
                  {raw(jsonForScript(variantData))}
                </script>
                <fieldset>
                  <legend>{t(l, 'Option')}</legend>
                  {p.variants.map((v) => (
                    <label class={`variant${v.stock > 0 ? '' : ' out'}`}>
                      <input
                        type="radio"
                        name="variant_id"
                        value={v.id}
                        checked={v.id === firstAvailable?.id}
                        disabled={v.stock <= 0}
                        required
                      />
                      <span class="v-name">{v.name}</span> <span class="v-price">{price(v.price, v.currency, l)}</span>
                      {v.compare_at_price && v.compare_at_price > v.price ? (
                        <s class="muted"> {price(v.compare_at_price, v.currency, l)}</s>
                      ) : null}{' '}
                      <span class="v-stock">{stockText(v, l)}</span>
                    </label>
                  ))}
                </fieldset>
                <p class="selected" aria-live="polite" id="selected-variant">
                  {firstAvailable ? `${price(firstAvailable.price, firstAvailable.currency, l)} · ${stockText(firstAvailable, l)}` : ''}
                </p>
                <label>
                  {t(l, 'Quantity')}
                  <input type="number" name="quantity" value="1" min={1} max={99} inputmode="numeric" required />
                </label>
                <input type="hidden" name="back" value={`/p/${p.slug}`} />
                <button type="submit" class="primary" disabled={!p.in_stock}>
                  {p.in_stock ? t(l, 'Add to cart') : t(l, 'Sold out')}
                </button>
              </form>
              <div class="description">
                {p.description.split(/\n{2,}/).map((para) => (
                  <p>{para}</p>
                ))}
              </div>
            </div>
          </article>
          <section aria-labelledby="reviews" class="reviews">
            <h2 id="reviews">{t(l, 'Reviews')}</h2>
            {p.rating.count ? (
              <p>{t(l, '{avg} out of 5 ({n} reviews)', { avg: p.rating.average.toFixed(1), n: p.rating.count })}</p>
            ) : (
              <p>{t(l, 'No reviews yet.')}</p>
            )}
            <ul>
              {(reviews.body?.data ?? []).map((r) => (
                <li>
                  <Stars average={r.rating} count={1} locale={l} /> {r.title ? <strong>{r.title}</strong> : null}
                  {r.verified_purchase ? <span class="verified">{t(l, 'Verified purchase')}</span> : null}
                  {r.body ? <p>{r.body}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        </>,
      )
      return { status: 200, html }
    },
    // Lists' tag too: it covers category names and a not-found answer for a slug created later.
    [LIST_TAG, productTag(slug)],
  )
})
