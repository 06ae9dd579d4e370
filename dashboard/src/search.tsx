// Global search (Ctrl/Cmd-K): orders by number, email or customer name; accounts; products by
// name or SKU. Backed by GET /api/v1/admin/search; results are links into the dashboard.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from './api'
import { link } from './router'
import { Badge, ErrorBox, formatMoney } from './ui'
import { t } from './i18n'

type Result = Schemas['AdminSearchResult']

export function GlobalSearch() {
  const dialog = useRef<HTMLDialogElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const [q, setQ] = useState('')
  const [result, setResult] = useState<Result | null>(null)
  const [error, setError] = useState<unknown>(null)
  const open = () => {
    if (!dialog.current?.open) dialog.current?.showModal()
    input.current?.select()
  }
  const close = () => dialog.current?.close()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        open()
      }
    }
    addEventListener('keydown', onKey)
    addEventListener('hashchange', close)
    return () => {
      removeEventListener('keydown', onKey)
      removeEventListener('hashchange', close)
    }
  }, [])
  useEffect(() => {
    const text = q.trim()
    if (text.length < 2) {
      setResult(null)
      setError(null)
      return
    }
    let live = true
    // Wait for a pause in typing so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      unwrap(api.GET('/api/v1/admin/search', { params: { query: { q: text, limit: 5 } } })).then(
        (r) => live && (setResult(r), setError(null)),
        (e: unknown) => live && setError(e),
      )
    }, 200)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [q])
  const empty = result && result.orders.length + result.customers.length + result.products.length === 0
  return (
    <>
      <button type="button" class="search-open" onClick={open} aria-keyshortcuts="Control+K Meta+K">
        {t('search.open')} <kbd>Ctrl K</kbd>
      </button>
      <dialog ref={dialog} class="search" aria-label={t('search.dialog')}>
        <form method="dialog" role="search" onSubmit={(e) => e.preventDefault()}>
          <label class="label" for="global-search">
            {t('search.label')}
          </label>
          <input
            id="global-search"
            ref={input}
            type="search"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
            placeholder={t('search.placeholder')}
            autoComplete="off"
          />
        </form>
        <ErrorBox error={error} />
        {empty ? <p class="muted">{t('search.nothing', { query: result.query })}</p> : null}
        {result && result.orders.length > 0 ? (
          <section aria-label={t('search.orders')}>
            <h2>{t('search.orders')}</h2>
            <ul class="results">
              {result.orders.map((o) => (
                <li key={o.id}>
                  <a href={link(`orders/${o.id}`)}>
                    <code>{o.id}</code>
                  </a>{' '}
                  <Badge value={o.status} /> {o.customer_name ?? o.email ?? ''} · {formatMoney(o.total.amount, o.total.currency)}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {result && result.customers.length > 0 ? (
          <section aria-label={t('search.customers')}>
            <h2>{t('search.customers')}</h2>
            <ul class="results">
              {result.customers.map((c) => (
                <li key={c.id}>
                  <a href={link(`customers/${c.id}`)}>{c.name}</a> <span class="muted">{c.email}</span> <Badge value={c.role} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {result && result.products.length > 0 ? (
          <section aria-label={t('search.products')}>
            <h2>{t('search.products')}</h2>
            <ul class="results">
              {result.products.map((p) => (
                <li key={p.id}>
                  <a href={link(`products/${p.id}`)}>{p.name}</a> {p.sku ? <code>{p.sku}</code> : null} <Badge value={p.status} />
                  {p.seller_name ? <span class="muted small"> · {p.seller_name}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <div class="actions">
          <button type="button" onClick={close}>
            {t('common.close')}
          </button>
        </div>
      </dialog>
    </>
  )
}
