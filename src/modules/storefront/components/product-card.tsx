import { t, type Locale } from '../i18n'
import { price } from '../format'

export interface ProductSummary {
  id: string
  name: string
  slug: string
  currency: string
  price_min: number
  price_max: number
  in_stock: boolean
  stock_total: number
  rating: { average: number; count: number }
  image_url: string | null
  category_id: string | null
}

/** `srcset` only where resized copies exist: Cloudflare Image Resizing (IMAGE_RESIZING=cloudflare). */
export function imageSources(url: string, resizing: boolean, widths = [320, 640, 960]) {
  if (!resizing || !url.startsWith('/images/')) return { src: url }
  const at = (w: number) => `/cdn-cgi/image/width=${w},format=auto${url}`
  return { src: at(widths[1] ?? 640), srcset: widths.map((w) => `${at(w)} ${w}w`).join(', ') }
}

export function PriceRange(props: { p: Pick<ProductSummary, 'price_min' | 'price_max' | 'currency'>; locale: Locale }) {
  const { p, locale } = props
  return (
    <span class="price">
      {price(p.price_min, p.currency, locale)}
      {p.price_max > p.price_min ? ` – ${price(p.price_max, p.currency, locale)}` : ''}
    </span>
  )
}

export function Stars(props: { average: number; count: number; locale: Locale }) {
  if (!props.count) return null
  const label = t(props.locale, '{avg} out of 5 ({n} reviews)', { avg: props.average.toFixed(1), n: props.count })
  return (
    <span class="stars" role="img" aria-label={label} title={label}>
      {'★'.repeat(Math.round(props.average))}
      {'☆'.repeat(5 - Math.round(props.average))} <span class="muted">({props.count})</span>
    </span>
  )
}

export function ProductCard(props: { p: ProductSummary; locale: Locale; resizing: boolean }) {
  const { p, locale } = props
  const img = p.image_url ? imageSources(p.image_url, props.resizing, [200, 400, 600]) : null
  return (
    <li class="card">
      <a href={`/p/${p.slug}`}>
        {img ? (
          <img
            src={img.src}
            srcset={img.srcset}
            sizes="(max-width: 600px) 50vw, 240px"
            alt=""
            width={240}
            height={240}
            loading="lazy"
            decoding="async"
          />
        ) : (
          <span class="img-placeholder" aria-hidden="true"></span>
        )}
        <span class="name">{p.name}</span>
      </a>
      <PriceRange p={p} locale={locale} />
      <Stars average={p.rating.average} count={p.rating.count} locale={locale} />
      {p.in_stock ? null : <span class="badge soldout">{t(locale, 'Sold out')}</span>}
    </li>
  )
}

export function ProductGrid(props: { products: ProductSummary[]; locale: Locale; resizing: boolean }) {
  if (!props.products.length) return <p>{t(props.locale, 'No products found.')}</p>
  return (
    <ul class="grid">
      {props.products.map((p) => (
        <ProductCard p={p} locale={props.locale} resizing={props.resizing} />
      ))}
    </ul>
  )
}
