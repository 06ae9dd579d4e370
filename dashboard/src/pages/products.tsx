// Products for staff/admin (every product) and sellers (their own): list, create, edit, archive,
// variants and stock, images uploaded to R2 with a preview.
import { useEffect, useState } from 'preact/hooks'
import { api, unwrap, uploadImage, type Schemas } from '../api'
import { enums } from '../api-enums'
import type { paths } from '../api-types'
import { statusLabel, t, type Key } from '../i18n'
import { link, navigate, type Route } from '../router'
import { SavedViews } from '../saved-views'
import {
  Badge,
  CANCELLED,
  confirmAction,
  compact,
  ErrorBox,
  Field,
  FormErrors,
  formatDate,
  formatMoney,
  formatNumber,
  formValues,
  invalid,
  Loading,
  PageTitle,
  Pager,
  setFlash,
  SortHeading,
  submit,
  toMajor,
  toMinor,
  tx,
  useAction,
  useLoad,
  usePager,
} from '../ui'
import { useCategoryOptions } from './categories'
import { CsvDownload } from './import'
import { ReasonFields, STOCK_REASON_LABELS, stockReason } from './inventory'
import { validateBody } from '../validate'

export type Scope = 'admin' | 'seller'
type Product = Schemas['Product']
type Variant = Schemas['Variant']
type ProductStatus = Product['status']
type ListQuery = NonNullable<paths['/api/v1/admin/products']['get']['parameters']['query']>

const STATUSES: readonly ProductStatus[] = enums['Product.status']

// The seller and admin endpoints take and return the same shapes; only the path (and so the scope
// the server enforces) differs.
const products = {
  list: (scope: Scope, query: ListQuery) =>
    scope === 'admin'
      ? unwrap(api.GET('/api/v1/admin/products', { params: { query } }))
      : unwrap(api.GET('/api/v1/seller/products', { params: { query: { ...query, seller_id: undefined } } })),
  get: (scope: Scope, id: string) =>
    scope === 'admin'
      ? unwrap(api.GET('/api/v1/admin/products/{id}', { params: { path: { id } } }))
      : unwrap(api.GET('/api/v1/seller/products/{id}', { params: { path: { id } } })),
  create: (scope: Scope, body: Schemas['ProductCreate']) =>
    scope === 'admin' ? unwrap(api.POST('/api/v1/admin/products', { body })) : unwrap(api.POST('/api/v1/seller/products', { body })),
  update: (scope: Scope, id: string, body: Schemas['ProductUpdate']) =>
    scope === 'admin'
      ? unwrap(api.PATCH('/api/v1/admin/products/{id}', { params: { path: { id } }, body }))
      : unwrap(api.PATCH('/api/v1/seller/products/{id}', { params: { path: { id } }, body })),
  archive: (scope: Scope, id: string) =>
    scope === 'admin'
      ? unwrap(api.POST('/api/v1/admin/products/{id}/archive', { params: { path: { id } } }))
      : unwrap(api.POST('/api/v1/seller/products/{id}/archive', { params: { path: { id } } })),
  remove: (scope: Scope, id: string) =>
    scope === 'admin'
      ? unwrap(api.DELETE('/api/v1/admin/products/{id}', { params: { path: { id } } }))
      : unwrap(api.DELETE('/api/v1/seller/products/{id}', { params: { path: { id } } })),
  addVariant: (scope: Scope, id: string, body: Schemas['VariantCreate']) =>
    scope === 'admin'
      ? unwrap(api.POST('/api/v1/admin/products/{id}/variants', { params: { path: { id } }, body }))
      : unwrap(api.POST('/api/v1/seller/products/{id}/variants', { params: { path: { id } }, body })),
  updateVariant: (scope: Scope, id: string, variantId: string, body: Schemas['VariantUpdate']) =>
    scope === 'admin'
      ? unwrap(api.PATCH('/api/v1/admin/products/{id}/variants/{variantId}', { params: { path: { id, variantId } }, body }))
      : unwrap(api.PATCH('/api/v1/seller/products/{id}/variants/{variantId}', { params: { path: { id, variantId } }, body })),
  setStock: (scope: Scope, id: string, variantId: string, body: Schemas['StockChange']) =>
    scope === 'admin'
      ? unwrap(api.POST('/api/v1/admin/products/{id}/variants/{variantId}/stock', { params: { path: { id, variantId } }, body }))
      : unwrap(api.POST('/api/v1/seller/products/{id}/variants/{variantId}/stock', { params: { path: { id, variantId } }, body })),
  removeVariant: (scope: Scope, id: string, variantId: string) =>
    scope === 'admin'
      ? unwrap(api.DELETE('/api/v1/admin/products/{id}/variants/{variantId}', { params: { path: { id, variantId } } }))
      : unwrap(api.DELETE('/api/v1/seller/products/{id}/variants/{variantId}', { params: { path: { id, variantId } } })),
  stockHistory: (scope: Scope, id: string, variantId: string) =>
    scope === 'admin'
      ? unwrap(
          api.GET('/api/v1/admin/products/{id}/variants/{variantId}/stock', { params: { path: { id, variantId }, query: { limit: 20 } } }),
        )
      : unwrap(
          api.GET('/api/v1/seller/products/{id}/variants/{variantId}/stock', { params: { path: { id, variantId }, query: { limit: 20 } } }),
        ),
  removeImage: (scope: Scope, id: string, imageId: string) =>
    scope === 'admin'
      ? unwrap(api.DELETE('/api/v1/admin/products/{id}/images/{imageId}', { params: { path: { id, imageId } } }))
      : unwrap(api.DELETE('/api/v1/seller/products/{id}/images/{imageId}', { params: { path: { id, imageId } } })),
}

const priceRange = (p: { price_min: number; price_max: number; currency: string }) =>
  p.price_min === p.price_max
    ? formatMoney(p.price_min, p.currency)
    : `${formatMoney(p.price_min, p.currency)} – ${formatMoney(p.price_max, p.currency)}`

const SORT_LABELS: Record<Sort, Key> = {
  newest: 'products.sort.newest',
  price_asc: 'products.sort.priceAsc',
  price_desc: 'products.sort.priceDesc',
  rating: 'products.sort.rating',
  relevance: 'products.sort.relevance',
}
type Sort = NonNullable<ListQuery['sort']>

/** A typed price filter ("12.50") as minor units; prices are compared in the product's own currency. */
const priceParam = (text: string) => {
  const minor = text.trim() ? toMinor(text, 'USD') : Number.NaN
  return Number.isInteger(minor) && minor >= 0 ? minor : undefined
}

export function ProductsPage({ scope, route }: { scope: Scope; route: Route }) {
  const get = (k: string) => route.query.get(k) ?? ''
  const q = get('q')
  const sku = get('sku')
  const status = get('status') as ProductStatus | ''
  const sellerId = get('seller_id')
  const category = get('category')
  const minPrice = get('min_price')
  const maxPrice = get('max_price')
  const sort = (get('sort') || (q ? 'relevance' : 'newest')) as Sort
  const filters = { q, sku, status, seller_id: sellerId, category, min_price: minPrice, max_price: maxPrice, sort: get('sort') }
  const pager = usePager(Object.values(filters).join('|'))
  const query = compact({
    q,
    sku,
    status: status || undefined,
    seller_id: sellerId,
    category,
    min_price: priceParam(minPrice),
    max_price: priceParam(maxPrice),
    sort: get('sort') ? sort : undefined,
  }) as ListQuery
  // The download selects what the list shows: every filter, in the same units (only the order differs).
  const { sort: _sort, ...exportQuery } = query
  const list = useLoad(
    () => products.list(scope, { ...query, cursor: pager.cursor, limit: 25 }),
    [scope, ...Object.values(filters), pager.cursor],
  )
  const categories = useCategoryOptions()
  const sortHref = (next: string) => link('products', { ...filters, sort: next })
  // The selection is of this page's rows: a new filter or page starts with none.
  const [selected, setSelected] = useState<Map<string, Summary>>(new Map())
  const [failures, setFailures] = useState<Map<string, string>>(new Map())
  useEffect(() => {
    setSelected(new Map())
    setFailures(new Map())
  }, [scope, Object.values(filters).join('|'), pager.cursor])
  const rows = list.data?.data ?? []
  const toggle = (p: Summary, on: boolean) =>
    setSelected((s) => {
      const next = new Map(s)
      if (on) next.set(p.id, p)
      else next.delete(p.id)
      return next
    })
  const allOnPage = rows.length > 0 && rows.every((p) => selected.has(p.id))
  const bulkDone = (result: Schemas['BulkProductResult']) => {
    // What succeeded leaves the selection; what failed stays selected, its reason beside its row.
    setFailures(new Map(result.results.filter((r) => !r.ok).map((r) => [r.product_id, r.error?.message ?? t('products.bulk.failed')])))
    setSelected((s) => new Map([...s].filter(([id]) => result.results.some((r) => r.product_id === id && !r.ok))))
    list.reload()
  }
  return (
    <section>
      <PageTitle
        actions={
          <>
            {scope === 'admin' ? (
              <>
                <CsvDownload export={{ kind: 'products', query: exportQuery }} />
                <a class="button" href={link('import')}>
                  {t('products.importCsv')}
                </a>
              </>
            ) : null}
            <a class="button primary" href={link('products/new')}>
              {t('products.new')}
            </a>
          </>
        }
      >
        {scope === 'admin' ? t('products.title') : t('products.titleSeller')}
      </PageTitle>
      <form
        class="filters"
        role="search"
        aria-label={t('products.filter')}
        noValidate
        onSubmit={submit((f) => {
          const v = formValues(f)
          const text = (k: string) => String(v[k] ?? '').trim()
          navigate('products', {
            q: text('q'),
            sku: text('sku'),
            status: text('status'),
            seller_id: text('seller_id') || undefined,
            category: text('category'),
            min_price: text('min_price'),
            max_price: text('max_price'),
            sort: text('sort') === 'relevance' && !text('q') ? undefined : text('sort'),
          })
        })}
      >
        <Field label={t('products.search')}>
          <input name="q" type="search" defaultValue={q} maxLength={200} />
        </Field>
        <Field label={t('products.skuContains')}>
          <input name="sku" type="search" defaultValue={sku} maxLength={64} />
        </Field>
        <Field label={t('products.status')}>
          <select name="status" defaultValue={status}>
            <option value="">{t('products.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('products.category')}>
          <select name="category" defaultValue={category} key={`${categories.length}-${category}`}>
            <option value="">{t('products.any')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {'\u00a0\u00a0'.repeat(c.depth)}
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('products.priceFrom')}>
          <input name="min_price" inputMode="decimal" defaultValue={minPrice} size={8} />
        </Field>
        <Field label={t('products.priceTo')}>
          <input name="max_price" inputMode="decimal" defaultValue={maxPrice} size={8} />
        </Field>
        {scope === 'admin' ? (
          <SellerSelect name="seller_id" value={sellerId} label={t('products.seller')} anyLabel={t('products.any')} />
        ) : null}
        <Field label={t('products.sort')}>
          <select name="sort" defaultValue={get('sort')}>
            <option value="">{t('products.sort.default')}</option>
            {(Object.keys(SORT_LABELS) as Sort[]).map((s) => (
              <option key={s} value={s}>
                {t(SORT_LABELS[s])}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('products.filterButton')}</button>
      </form>
      <SavedViews list="products" route={route} />
      <Loading loaded={list} />
      {selected.size > 0 ? <BulkBar scope={scope} selected={[...selected.values()]} onResult={bulkDone} /> : null}
      {[...failures].some(([id]) => !rows.some((p) => p.id === id)) ? (
        <ul class="field-error" aria-label={t('products.bulk.notChangedList')}>
          {[...failures]
            .filter(([id]) => !rows.some((p) => p.id === id))
            .map(([id, message]) => (
              <li key={id}>{t('products.bulk.notChangedItem', { name: selected.get(id)?.name ?? id, message })}</li>
            ))}
        </ul>
      ) : null}
      {list.data ? (
        list.data.data.length === 0 ? (
          <p class="muted">{t('products.none')}</p>
        ) : (
          <table aria-label={t('products.title')}>
            <thead>
              <tr>
                <th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label={t('products.selectAll')}
                    checked={allOnPage}
                    onChange={(e) => {
                      const on = e.currentTarget.checked
                      setSelected(on ? new Map(rows.map((p) => [p.id, p])) : new Map())
                    }}
                  />
                </th>
                <th scope="col">
                  <span class="sr-only">{t('products.col.image')}</span>
                </th>
                <th scope="col">{t('products.col.name')}</th>
                <th scope="col">{t('products.status')}</th>
                <SortHeading label={t('products.col.price')} num current={sort} asc="price_asc" desc="price_desc" href={sortHref} />
                <th scope="col" class="num">
                  {t('products.col.stock')}
                </th>
                <SortHeading label={t('products.col.rating')} num current={sort} asc="rating" href={sortHref} />
                <SortHeading label={t('products.col.created')} current={sort} asc="newest" href={sortHref} />
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((p) => (
                <tr key={p.id} class={selected.has(p.id) ? 'selected' : undefined}>
                  <td class="check">
                    <input
                      type="checkbox"
                      aria-label={t('products.select', { name: p.name })}
                      checked={selected.has(p.id)}
                      onChange={(e) => toggle(p, e.currentTarget.checked)}
                      {...(failures.has(p.id) ? { 'aria-invalid': 'true', 'aria-describedby': `bulk-fail-${p.id}` } : {})}
                    />
                  </td>
                  <td class="thumb">{p.image_url ? <img src={p.image_url} alt="" width={40} height={40} loading="lazy" /> : null}</td>
                  <td>
                    <a href={link(`products/${p.id}`)}>{p.name}</a>
                    <div class="muted small">{p.slug}</div>
                    {failures.has(p.id) ? (
                      <div class="field-error" id={`bulk-fail-${p.id}`}>
                        {t('products.bulk.notChanged', { message: failures.get(p.id) ?? '' })}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <Badge value={p.status} />
                  </td>
                  <td class="num">{priceRange(p)}</td>
                  <td class="num">{formatNumber(p.stock_total)}</td>
                  <td class="num">
                    {p.rating.count
                      ? `${formatNumber(p.rating.average, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} (${formatNumber(p.rating.count)})`
                      : '—'}
                  </td>
                  <td>{formatDate(p.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
    </section>
  )
}

/** File input with a preview of the chosen image before it is uploaded. */
function ImagePicker({ file, onFile, label }: { file: File | null; onFile: (f: File | null) => void; label?: string }) {
  const [preview, setPreview] = useState<string | null>(null)
  useEffect(() => {
    if (!file) return setPreview(null)
    const url = URL.createObjectURL(file)
    setPreview(url)
    return () => URL.revokeObjectURL(url)
  }, [file])
  return (
    <div class="picker">
      <Field label={label ?? t('products.image')} hint={t('products.imageHint')}>
        <input name="image" type="file" accept="image/*" onChange={(e) => onFile(e.currentTarget.files?.[0] ?? null)} />
      </Field>
      {preview ? <img class="preview" src={preview} alt={t('products.imagePreview')} /> : null}
    </div>
  )
}

/** Staff/admin: choose a seller by name (the admin users list filtered to sellers). */
function SellerSelect({
  name,
  value,
  label,
  anyLabel,
  hint,
}: {
  name: string
  value: string
  label: string
  anyLabel: string
  hint?: string
}) {
  const sellers = useLoad(() => unwrap(api.GET('/api/v1/admin/users', { params: { query: { role: 'seller', limit: 100 } } })), [])
  return (
    <Field label={label} hint={hint}>
      <select name={name} defaultValue={value} key={`${sellers.data?.data.length ?? 0}-${value}`}>
        <option value="">{anyLabel}</option>
        {(sellers.data?.data ?? []).map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.email})
          </option>
        ))}
      </select>
    </Field>
  )
}

function CategorySelect({ value }: { value: string | null | undefined }) {
  const options = useCategoryOptions()
  return (
    <Field label={t('products.category')}>
      <select name="category_id" defaultValue={value ?? ''} key={`${options.length}-${value}`}>
        <option value="">{t('products.noCategory')}</option>
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {'\u00a0\u00a0'.repeat(c.depth)}
            {c.name}
          </option>
        ))}
      </select>
    </Field>
  )
}

function NewProduct({ scope }: { scope: Scope }) {
  const [file, setFile] = useState<File | null>(null)
  const [alt, setAlt] = useState('')
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const currency = String(v.currency).trim().toUpperCase()
    const body: Schemas['ProductCreate'] = {
      name: String(v.name).trim(),
      ...compact({ slug: String(v.slug).trim(), seller_id: v.seller_id ? String(v.seller_id).trim() : '' }),
      description: String(v.description),
      category_id: v.category_id ? String(v.category_id) : null,
      status: String(v.status) as ProductStatus,
      currency,
      variants: [
        {
          sku: String(v.sku).trim(),
          ...compact({ name: String(v.variant_name).trim() }),
          price: toMinor(String(v.price), currency),
          stock: String(v.stock).trim() === '' ? 0 : Number(v.stock),
        },
      ],
    }
    // The API's own rules (from its OpenAPI schema), checked here so each problem shows at its field.
    validateBody(
      'ProductCreate',
      body,
      {
        'variants.0.sku': 'sku',
        'variants.0.name': 'variant_name',
        'variants.0.price': 'price',
        'variants.0.stock': 'stock',
      },
      { price: { currency } },
    )
    const product = await products.create(scope, body)
    // The product exists now: whatever happens to the image, continue on its page (a second
    // submit here would create a second product).
    let uploadError: unknown
    if (file) await uploadImage(scope, product.id, file, alt || undefined).catch((err: unknown) => (uploadError = err))
    setFlash(uploadError ? { error: uploadError, done: t('products.createdNoImage') } : { done: t('products.created') })
    navigate(`products/${product.id}`)
  })
  return (
    <section>
      <PageTitle>{t('products.new')}</PageTitle>
      <form class="stack" onSubmit={submit((f) => void create.run(f))} aria-label={t('products.new')} noValidate>
        <FormErrors error={create.error}>
          <fieldset>
            <legend>{t('products.details')}</legend>
            <div class="grid">
              <Field label={t('products.name')}>
                <input name="name" required />
              </Field>
              <Field label={t('products.slug')} hint={t('products.slugHint')}>
                <input name="slug" />
              </Field>
              <CategorySelect value={null} />
              <Field label={t('products.status')}>
                <select name="status" defaultValue="draft">
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {statusLabel(s)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('products.currency')}>
                <input name="currency" defaultValue="USD" size={4} />
              </Field>
              {scope === 'admin' ? (
                <SellerSelect
                  name="seller_id"
                  value=""
                  label={t('products.seller')}
                  anyLabel={t('products.sellerMe')}
                  hint={t('products.sellerHint')}
                />
              ) : null}
            </div>
            <Field label={t('products.description')} wide>
              <textarea name="description" rows={4} />
            </Field>
          </fieldset>
          <fieldset>
            <legend>{t('products.firstVariant')}</legend>
            <div class="grid">
              <Field label={t('products.sku')}>
                <input name="sku" required />
              </Field>
              <Field label={t('products.variantName')} hint={t('products.variantNameHint')}>
                <input name="variant_name" />
              </Field>
              <Field label={t('products.price')} hint={t('products.priceHint')}>
                <input name="price" inputMode="decimal" required />
              </Field>
              <Field label={t('products.stock')}>
                <input name="stock" type="number" min={0} step={1} defaultValue="0" />
              </Field>
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('products.image')}</legend>
            <ImagePicker file={file} onFile={setFile} />
            <Field label={t('products.alt')}>
              <input name="alt" value={alt} onInput={(e) => setAlt(e.currentTarget.value)} />
            </Field>
          </fieldset>
        </FormErrors>
        <div class="actions">
          <button class="primary" type="submit" disabled={create.busy}>
            {create.busy ? t('products.creating') : t('products.create')}
          </button>
          <a class="button" href={link('products')}>
            {t('common.cancel')}
          </a>
        </div>
      </form>
    </section>
  )
}

function DetailsForm({ scope, product, onSaved }: { scope: Scope; product: Product; onSaved: (p: Product) => void }) {
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const body: Schemas['ProductUpdate'] = {
      name: String(v.name).trim(),
      slug: String(v.slug).trim(),
      description: String(v.description),
      category_id: v.category_id ? String(v.category_id) : null,
      status: String(v.status) as ProductStatus,
      currency: String(v.currency).trim().toUpperCase(),
    }
    validateBody('ProductUpdate', body)
    onSaved(await products.update(scope, product.id, body))
    return t('products.saved')
  })
  return (
    <form class="stack" onSubmit={submit((f) => void save.run(f))} aria-labelledby="details-title" noValidate>
      <h2 id="details-title">{t('products.details')}</h2>
      <FormErrors error={save.error}>
        <div class="grid">
          <Field label={t('products.name')}>
            <input name="name" defaultValue={product.name} required />
          </Field>
          <Field label={t('products.slug')}>
            <input name="slug" defaultValue={product.slug} />
          </Field>
          <CategorySelect value={product.category_id} />
          <Field label={t('products.status')}>
            <select name="status" defaultValue={product.status}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('products.currency')}>
            <input name="currency" defaultValue={product.currency} size={4} />
          </Field>
        </div>
        <Field label={t('products.description')} wide>
          <textarea name="description" rows={4} defaultValue={product.description} />
        </Field>
      </FormErrors>
      <div class="actions">
        <button class="primary" type="submit" disabled={save.busy}>
          {t('products.saveDetails')}
        </button>
      </div>
    </form>
  )
}

/** The variant's recent manual stock changes (who, set or delta, when). */
function StockHistory({ scope, productId, variant }: { scope: Scope; productId: string; variant: Variant }) {
  const history = useLoad(() => products.stockHistory(scope, productId, variant.id), [scope, productId, variant.id, variant.stock])
  if (!history.data) return <Loading loaded={history} />
  if (history.data.data.length === 0) return <p class="muted small">{t('products.history.none')}</p>
  return (
    <ul class="small history">
      {history.data.data.map((h) => (
        <li key={h.id}>
          {t('products.history.line', {
            when: formatDate(h.created_at),
            change:
              h.kind === 'set'
                ? t('products.history.set', { quantity: h.quantity })
                : `${h.quantity > 0 ? '+' : ''}${formatNumber(h.quantity)}`,
            reason: h.reason ? `, ${STOCK_REASON_LABELS[h.reason].toLowerCase()}` : '',
            note: h.note ? ` (“${h.note}”)` : '',
            who: h.user_name ?? t('products.history.deletedAccount'),
          })}
        </li>
      ))}
    </ul>
  )
}

function VariantRow({
  scope,
  product,
  variant,
  onSaved,
}: {
  scope: Scope
  product: Product
  variant: Variant
  onSaved: (p: Product) => void
}) {
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const stockChanged = String(v.stock).trim() !== String(variant.stock)
    const stock = Number(String(v.stock).trim())
    if (stockChanged && (!/^\d+$/.test(String(v.stock).trim()) || stock > 1_000_000_000))
      throw invalid(t('products.checkStock'), { stock: t('products.stockRange', { max: 1_000_000_000 }) })
    // A stock change says why (checked before anything is saved, so the form is all or nothing).
    const why = stockChanged ? stockReason(v) : undefined
    const body: Schemas['VariantUpdate'] = { name: String(v.name).trim(), price: toMinor(String(v.price), variant.currency) }
    validateBody('VariantUpdate', body, {}, { price: { currency: variant.currency } })
    if (why) validateBody('StockChange', { stock, ...why })
    let next = await products.updateVariant(scope, product.id, variant.id, body)
    if (why) next = await products.setStock(scope, product.id, variant.id, { stock, ...why })
    onSaved(next)
    return t('products.saved')
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: t('products.variant.deleteTitle', { sku: variant.sku }),
      body: [t('products.variant.deleteBody')],
      confirm: t('products.variant.deleteConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    onSaved(await products.removeVariant(scope, product.id, variant.id))
  })
  // Loaded only when opened: one request per variant would slow every product page down.
  const [historyOpen, setHistoryOpen] = useState(false)
  // The reason fields appear once the stock is edited: a stock change must say why.
  const [stockEdited, setStockEdited] = useState(false)
  useEffect(() => setStockEdited(false), [variant.stock])
  return (
    <tr>
      <td>
        <code>{variant.sku}</code>
      </td>
      <td colSpan={4}>
        <FormErrors error={save.error}>
          <form
            class="inline"
            onSubmit={submit((f) => void save.run(f))}
            aria-label={t('products.variant.edit', { sku: variant.sku })}
            noValidate
          >
            <Field label={t('products.name')}>
              <input name="name" defaultValue={variant.name} />
            </Field>
            <Field label={t('products.priceIn', { currency: variant.currency })}>
              <input name="price" inputMode="decimal" defaultValue={toMajor(variant.price, variant.currency)} size={8} />
            </Field>
            <Field label={t('products.stock')}>
              <input
                name="stock"
                type="number"
                step={1}
                defaultValue={String(variant.stock)}
                size={6}
                aria-label={t('products.variant.stockOf', { sku: variant.sku })}
                onInput={(e) => setStockEdited(e.currentTarget.value.trim() !== String(variant.stock))}
              />
            </Field>
            {stockEdited ? <ReasonFields /> : null}
            <button type="submit" disabled={save.busy}>
              {t('products.save')}
            </button>
            <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
              {t('products.delete')}
            </button>
            <ErrorBox error={remove.error} />
          </form>
        </FormErrors>
        <details class="stock-history" onToggle={(e) => setHistoryOpen(e.currentTarget.open)}>
          <summary>{t('products.history.title', { sku: variant.sku })}</summary>
          {historyOpen ? <StockHistory scope={scope} productId={product.id} variant={variant} /> : null}
        </details>
      </td>
    </tr>
  )
}

function Variants({ scope, product, onSaved }: { scope: Scope; product: Product; onSaved: (p: Product) => void }) {
  const add = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const body: Schemas['VariantCreate'] = {
      sku: String(v.sku).trim(),
      ...compact({ name: String(v.name).trim() }),
      price: toMinor(String(v.price), product.currency),
      stock: String(v.stock).trim() === '' ? 0 : Number(v.stock),
    }
    validateBody('VariantCreate', body, {}, { price: { currency: product.currency } })
    onSaved(await products.addVariant(scope, product.id, body))
    form.reset()
    return t('products.variant.added')
  })
  return (
    <section aria-labelledby="variants-title">
      <h2 id="variants-title">{t('products.variants')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('products.sku')}</th>
            <th scope="col" colSpan={4}>
              {t('products.variants.columns')}
            </th>
          </tr>
        </thead>
        <tbody>
          {product.variants.map((v) => (
            <VariantRow key={v.id} scope={scope} product={product} variant={v} onSaved={onSaved} />
          ))}
        </tbody>
      </table>
      <FormErrors error={add.error}>
        <form class="inline add" onSubmit={submit((f) => void add.run(f))} aria-label={t('products.variant.addForm')} noValidate>
          <Field label={t('products.variant.newSku')}>
            <input name="sku" required />
          </Field>
          <Field label={t('products.name')}>
            <input name="name" />
          </Field>
          <Field label={t('products.priceIn', { currency: product.currency })}>
            <input name="price" inputMode="decimal" size={8} required />
          </Field>
          <Field label={t('products.stock')}>
            <input name="stock" type="number" min={0} step={1} defaultValue="0" size={6} />
          </Field>
          <button type="submit" disabled={add.busy}>
            {t('products.variant.add')}
          </button>
        </form>
      </FormErrors>
    </section>
  )
}

function Images({ scope, product, onChanged }: { scope: Scope; product: Product; onChanged: () => void }) {
  const [file, setFile] = useState<File | null>(null)
  const [formKey, setFormKey] = useState(0)
  const upload = useAction(async (form: HTMLFormElement) => {
    if (!file) throw new Error(t('products.images.chooseFirst'))
    const alt = String(formValues(form).alt ?? '')
    await uploadImage(scope, product.id, file, alt || undefined)
    setFile(null)
    setFormKey((k) => k + 1)
    onChanged()
    return t('products.images.uploaded')
  })
  const remove = useAction(async (image: Schemas['ProductImage']) => {
    const ok = await confirmAction({
      title: t('products.images.removeTitle'),
      body: [t('products.images.removeBody', { image: image.alt ?? image.content_type, product: product.name })],
      confirm: t('products.images.removeConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await products.removeImage(scope, product.id, image.id)
    onChanged()
    return t('products.images.removed')
  })
  return (
    <section aria-labelledby="images-title">
      <h2 id="images-title">{t('products.images')}</h2>
      {product.images.length === 0 ? <p class="muted">{t('products.images.none')}</p> : null}
      <ul class="images">
        {product.images.map((img) => (
          <li key={img.id}>
            <img src={img.url} alt={img.alt ?? ''} width={120} height={120} />
            <span class="small">{img.alt ?? img.content_type}</span>
            <button
              type="button"
              class="danger"
              onClick={() => void remove.run(img)}
              aria-label={t('products.images.removeOne', { image: img.alt ?? img.id })}
            >
              {t('products.images.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form key={formKey} class="stack" onSubmit={submit((f) => void upload.run(f))} aria-label={t('products.images.uploadForm')}>
        <ImagePicker file={file} onFile={setFile} label={t('products.images.new')} />
        <Field label={t('products.alt')}>
          <input name="alt" />
        </Field>
        <div class="actions">
          <button type="submit" disabled={upload.busy || !file}>
            {upload.busy ? t('products.images.uploading') : t('products.images.upload')}
          </button>
        </div>
      </form>
      <ErrorBox error={upload.error ?? remove.error} />
    </section>
  )
}

export function ProductEditPage({ scope, id }: { scope: Scope; id: string }) {
  if (id === 'new') return <NewProduct scope={scope} />
  return <EditProduct scope={scope} id={id} />
}

function EditProduct({ scope, id }: { scope: Scope; id: string }) {
  const loaded = useLoad(() => products.get(scope, id), [scope, id])
  const [product, setProduct] = useState<Product | null>(null)
  useEffect(() => setProduct(loaded.data ?? null), [loaded.data])
  const archive = useAction(async () => {
    setProduct(await products.archive(scope, id))
    return t('products.archived')
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: product ? t('products.deleteTitle', { name: product.name }) : t('products.deleteThis'),
      body: [t('products.deleteBody')],
      confirm: t('products.deleteConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await products.remove(scope, id)
    navigate('products')
  })
  if (!product) return <Loading loaded={loaded} />
  return (
    <section>
      <PageTitle
        actions={
          <>
            {product.status === 'active' ? (
              <a class="button" href={`/api/v1/products/${encodeURIComponent(product.slug)}`} target="_blank" rel="noreferrer">
                {t('products.publicJson')}
              </a>
            ) : null}
            <a class="button" href={link('products')}>
              {t('products.all')}
            </a>
          </>
        }
      >
        {product.name}
      </PageTitle>
      <p class="muted">
        <Badge value={product.status} /> <code>{product.id}</code> ·{' '}
        {tx('products.sellerAndStock', { seller: product.seller_name ?? <code>{product.seller_id}</code> }, { stock: product.stock_total })}
      </p>
      <DetailsForm scope={scope} product={product} onSaved={setProduct} />
      <Variants scope={scope} product={product} onSaved={setProduct} />
      <Images scope={scope} product={product} onChanged={loaded.reload} />
      <section aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title">{t('products.lifecycle')}</h2>
        <ErrorBox error={archive.error ?? remove.error} />
        <div class="actions">
          <button type="button" disabled={archive.busy || product.status === 'archived'} onClick={() => void archive.run()}>
            {t('products.archive')}
          </button>
          <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            {t('products.delete')}
          </button>
        </div>
      </section>
    </section>
  )
}

// ---------- bulk actions on the selected rows

type Summary = Schemas['ProductSummary']
type BulkAction = Schemas['BulkProductAction']
type BulkKind = 'archive' | 'change_price' | 'set_stock'
type PriceChange = { kind: 'amount'; amount: number; currency: string } | { kind: 'percent'; basis_points: number }

/**
 * A price after a bulk change, in minor units: the API's rule (src/modules/bulk/service.ts
 * changedPrice), so the confirmation previews exactly what the server will store. A percentage is
 * `price × bp / 10000` rounded half away from zero.
 */
export function changedPrice(price: number, change: PriceChange): number {
  if (change.kind === 'amount') return Math.max(0, price + change.amount)
  const product = price * change.basis_points
  return Math.max(0, price + Math.trunc((product + (product >= 0 ? 5000 : -5000)) / 10_000))
}

/** "-2.5" (percent) → -250 basis points; NaN unless it has at most two decimals. */
const basisPoints = (text: string) =>
  /^[-+]?\d+([.,]\d{1,2})?$/.test(text.trim()) ? Math.round(Number(text.trim().replace(',', '.')) * 100) : Number.NaN

const bulkCall = (scope: Scope, body: BulkAction) =>
  scope === 'admin' ? unwrap(api.POST('/api/v1/admin/bulk/products', { body })) : unwrap(api.POST('/api/v1/seller/bulk/products', { body }))

/**
 * The action bar over the selected products: archive, change price (an amount in the products'
 * currency or a percentage, previewed old → new per product in the confirmation), set stock.
 * Reports per-product failures through `onResult`; the caller clears what succeeded.
 */
function BulkBar({
  scope,
  selected,
  onResult,
}: {
  scope: Scope
  selected: Summary[]
  onResult: (r: Schemas['BulkProductResult']) => void
}) {
  const [kind, setKind] = useState<BulkKind>('change_price')
  const [by, setBy] = useState<'amount' | 'percent'>('percent')
  const currencies = [...new Set(selected.map((p) => p.currency))]
  const run = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const ids = selected.map((p) => p.id)
    const names = (list: Summary[]) => list.map((p) => p.name).join(', ')
    let body: BulkAction
    let confirmation: Parameters<typeof confirmAction>[0]
    if (kind === 'archive') {
      body = { action: 'archive', product_ids: ids }
      confirmation = {
        title: t('products.bulk.archiveTitle', { count: ids.length }),
        body: [t('products.bulk.archiveBody', { names: names(selected) })],
        confirm: t('products.bulk.archiveConfirm', { count: ids.length }),
        danger: true,
      }
    } else if (kind === 'set_stock') {
      const text = String(v.bulk_stock ?? '').trim()
      const stock = Number(text)
      if (!/^\d+$/.test(text) || stock > 1_000_000_000)
        throw invalid(t('products.checkStock'), { bulk_stock: t('products.stockRange', { max: 1_000_000_000 }) })
      body = { action: 'set_stock', product_ids: ids, stock }
      confirmation = {
        title: t('products.bulk.stockTitle', { count: ids.length, stock }),
        body: [t('products.bulk.stockBody', { names: names(selected), units: t('count.units', { count: stock }) })],
        confirm: t('products.bulk.setStock'),
      }
    } else {
      const text = String(v.bulk_change ?? '').trim()
      let change: PriceChange
      if (by === 'amount') {
        if (currencies.length > 1)
          throw invalid(t('products.bulk.oneCurrency'), {
            bulk_change: t('products.bulk.mixedCurrencies', { currencies: currencies.join(', ') }),
          })
        const currency = currencies[0]!
        const amount = toMinor(text, currency)
        if (!Number.isSafeInteger(amount) || amount === 0)
          throw invalid(t('products.bulk.checkChange'), { bulk_change: t('products.bulk.badAmount', { currency }) })
        change = { kind: 'amount', amount, currency }
      } else {
        const bp = basisPoints(text)
        if (!Number.isSafeInteger(bp) || bp === 0 || bp < -10_000 || bp > 100_000)
          throw invalid(t('products.bulk.checkChange'), { bulk_change: t('products.bulk.badPercent') })
        change = { kind: 'percent', basis_points: bp }
      }
      const range = (min: number, max: number, currency: string) =>
        min === max ? formatMoney(min, currency) : `${formatMoney(min, currency)} – ${formatMoney(max, currency)}`
      const preview = selected.map((p) => ({ p, min: changedPrice(p.price_min, change), max: changedPrice(p.price_max, change) }))
      const zero = preview.filter((x) => x.min <= 0)
      if (zero.length)
        throw invalid(t('products.bulk.zeroTitle'), { bulk_change: t('products.bulk.zero', { names: names(zero.map((x) => x.p)) }) })
      body = { action: 'change_price', product_ids: ids, change }
      confirmation = {
        title: t('products.bulk.priceTitle', { count: ids.length }),
        body: preview.map(
          (x) => `${x.p.name}: ${range(x.p.price_min, x.p.price_max, x.p.currency)} → ${range(x.min, x.max, x.p.currency)}`,
        ),
        confirm: t('products.bulk.changePrices'),
      }
    }
    validateBody(
      'BulkProductAction',
      body,
      { 'change.amount': 'bulk_change', 'change.basis_points': 'bulk_change', stock: 'bulk_stock' },
      { 'change.amount': { currency: currencies[0] ?? 'USD' }, 'change.basis_points': 'percent' },
    )
    if (!(await confirmAction(confirmation))) throw CANCELLED
    const result = await bulkCall(scope, body)
    onResult(result)
    return result.failed === 0
      ? t('products.bulk.done', { count: result.succeeded })
      : t('products.bulk.partly', { count: result.succeeded, failed: result.failed })
  })
  return (
    <FormErrors error={run.error}>
      <form class="inline bulk" aria-label={t('products.bulk.form')} noValidate onSubmit={submit((f) => void run.run(f))}>
        <strong class="bulk-count">{t('products.bulk.selected', { count: selected.length })}</strong>
        <Field label={t('products.bulk.action')}>
          <select name="bulk_action" value={kind} onChange={(e) => setKind(e.currentTarget.value as BulkKind)}>
            <option value="change_price">{t('products.bulk.changePrice')}</option>
            <option value="set_stock">{t('products.bulk.setStock')}</option>
            <option value="archive">{t('products.archive')}</option>
          </select>
        </Field>
        {kind === 'change_price' ? (
          <>
            <Field label={t('products.bulk.by')}>
              <select name="bulk_by" value={by} onChange={(e) => setBy(e.currentTarget.value as 'amount' | 'percent')}>
                <option value="percent">{t('products.bulk.percent')}</option>
                <option value="amount">
                  {currencies.length === 1 ? t('products.bulk.amountIn', { currency: currencies[0]! }) : t('products.bulk.amount')}
                </option>
              </select>
            </Field>
            <Field
              label={by === 'percent' ? t('products.bulk.changePercent') : t('products.bulk.changeAmount')}
              hint={by === 'percent' ? t('products.bulk.percentHint') : t('products.bulk.amountHint')}
            >
              <input name="bulk_change" inputMode="decimal" size={8} />
            </Field>
          </>
        ) : null}
        {kind === 'set_stock' ? (
          <Field label={t('products.bulk.newStock')}>
            <input name="bulk_stock" type="number" min={0} step={1} size={6} />
          </Field>
        ) : null}
        <button type="submit" class="primary" disabled={run.busy}>
          {t('products.bulk.apply')}
        </button>
      </form>
    </FormErrors>
  )
}
