// Small shared pieces: data loading hooks, a cursor pager, money formatting, labelled fields,
// error and status messages.
import { cloneElement, isValidElement, type ComponentChildren, type JSX } from 'preact'
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks'
import type { Schemas } from './api'
import { announce, announceAfterNavigation, clearMessage, ErrorSummary, useFieldError } from './feedback'
import { currentLang, LANGS, locale, setLang, statusLabel, t, type Key, type Lang } from './i18n'

export { confirmAction, FormErrors, invalid } from './feedback'

// ---------- loading and actions

export interface Loaded<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
}

/** Runs `fn` when `deps` change (and on reload), keeping the last data while a reload runs. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setState((s) => ({ data: s.data, loading: true }))
    fn().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    )
    return () => {
      live = false
    }
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

/** Thrown by an action the user called off (e.g. declined its confirmation). */
export const CANCELLED = Symbol('cancelled')

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>
  busy: boolean
  error: unknown
  done: string | null
  reset: () => void
}

/**
 * Wraps a submit handler: busy flag and the error to show beside the form; the success message
 * goes to the page's one message area. Throw `CANCELLED` to stop quietly (a declined confirmation).
 */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<string | void>): Action<A> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [done, setDone] = useState<string | null>(null)
  const fnRef = useRef(fn)
  fnRef.current = fn
  const run = useCallback(async (...args: A) => {
    setBusy(true)
    setError(null)
    setDone(null)
    clearMessage()
    try {
      const message = (await fnRef.current(...args)) ?? null
      setDone(message)
      if (message) announce({ kind: 'done', text: message })
      return true
    } catch (err) {
      if (err !== CANCELLED) setError(err)
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  const reset = useCallback(() => {
    setError(null)
    setDone(null)
  }, [])
  return { run, busy, error, done, reset }
}

/** Cursor pagination: a stack of the cursors that led to the current page. */
export function usePager(resetKey: string) {
  const [stack, setStack] = useState<string[]>([])
  useEffect(() => setStack([]), [resetKey])
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (cursor: string) => setStack((s) => [...s, cursor]),
    prev: () => setStack((s) => s.slice(0, -1)),
  }
}

export function Pager({ pager, nextCursor }: { pager: ReturnType<typeof usePager>; nextCursor: string | null | undefined }) {
  if (pager.page === 1 && !nextCursor) return null
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <button type="button" disabled={pager.page === 1} onClick={pager.prev}>
        {t('pager.prev')}
      </button>
      <span>{t('pager.page', { page: pager.page })}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        {t('pager.next')}
      </button>
    </nav>
  )
}

// ---------- money and dates

const digitsCache = new Map<string, number>()

/** Minor-unit digits of a currency (2 for USD, 0 for JPY), from Intl. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency)
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      d = 2
    }
    digitsCache.set(currency, d)
  }
  return d
}

/** An amount in minor units, in its own currency, written the chosen language's way. */
export function formatMoney(amount: number, currency: string): string {
  const digits = currencyDigits(currency)
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(amount / 10 ** digits)
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`
  }
}

export const Money = ({ value }: { value: { amount: number; currency: string } | null | undefined }) =>
  value ? <span class="money">{formatMoney(value.amount, value.currency)}</span> : <span>—</span>

/** A major-unit string as typed ("12.5") to the integer minor units the API wants (1250). */
export function toMinor(input: string, currency: string): number {
  const text = input.trim().replace(',', '.')
  const digits = currencyDigits(currency)
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!m || (!m[2] && !m[3])) return Number.NaN
  const frac = (m[3] ?? '').padEnd(digits, '0')
  // More decimals than the currency has: let the API refuse a non-integer instead of rounding here.
  if (frac.length > digits) return Number(`${m[1]}${m[2] || '0'}.${m[3]}`) * 10 ** digits
  return Number(`${m[1]}${m[2] || '0'}${frac}`)
}

export const toMajor = (amount: number, currency: string) => (amount / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency))

/** "1 order", "2 orders" (English only: use `t('count.…', { count })` in new code). */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** A number in the chosen language's way (1,234.5 / 1 234,5). */
export const formatNumber = (n: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale(), options).format(n)

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
}

/** A date without the time ("1 Dec 2026"), in the chosen language. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(locale(), { dateStyle: 'medium', timeZone: 'UTC' })
}

/**
 * `t` with elements in its placeholders: `tx('app.toStorefront', { link: <a …>…</a> })` keeps the
 * sentence's word order per language while the link stays a real element.
 */
export function tx(key: Key, parts: Record<string, ComponentChildren>, params?: Record<string, string | number>): ComponentChildren[] {
  const marks = Object.fromEntries(Object.keys(parts).map((name) => [name, `\u0000${name}\u0000`]))
  return t(key, { ...params, ...marks })
    .split('\u0000')
    .map((piece, i) => (i % 2 === 1 && piece in parts ? parts[piece] : piece))
}

/** The language switcher in the header and on the sign-in page (the choice is saved in this browser). */
export function LanguageSwitch() {
  const id = useId()
  return (
    <span class="lang">
      <label for={id} class="sr-only">
        {t('app.language')}
      </label>
      <select id={id} value={currentLang()} onChange={(e) => void setLang(e.currentTarget.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l.lang} value={l.lang} lang={l.lang}>
            {l.name}
          </option>
        ))}
      </select>
    </span>
  )
}

// ---------- messages and fields

/** An error (API envelope or local) with its field paths in human words; not focused. */
export const ErrorBox = ({ error }: { error: unknown }) => <ErrorSummary error={error} />

export function Field({ label, children, hint, wide }: { label: string; children: ComponentChildren; hint?: string; wide?: boolean }) {
  const id = useId()
  const name = isValidElement(children) ? (children.props as { name?: string }).name : undefined
  const problem = useFieldError(name, label)
  const describedBy = [hint ? `${id}-hint` : '', problem ? `${id}-err` : ''].filter(Boolean).join(' ')
  // `for`/`id` rather than a wrapping label: a wrapped <select> would lend its options' text to
  // the label. The hint describes the control (aria-describedby) without becoming its name.
  const control = isValidElement(children)
    ? cloneElement(children, {
        id: `${id}-c`,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(problem ? { 'aria-invalid': 'true' } : {}),
      })
    : children
  return (
    <div class={wide ? 'field wide' : 'field'}>
      <label class="label" for={`${id}-c`}>
        {label}
      </label>
      {control}
      {hint ? (
        <small class="hint" id={`${id}-hint`}>
          {hint}
        </small>
      ) : null}
      {problem ? (
        <small class="field-error" id={`${id}-err`}>
          {t('error.field', { label, problem })}
        </small>
      ) : null}
    </div>
  )
}

export const Badge = ({ value }: { value: string }) => <span class={`badge badge-${value}`}>{statusLabel(value)}</span>

/** Column headings matching PaymentCells, so the two stay in step. */
export const PaymentHeadings = () => (
  <>
    <th scope="col">{t('payment.provider')}</th>
    <th scope="col">{t('payment.status')}</th>
    <th scope="col" class="num">
      {t('payment.amount')}
    </th>
    <th scope="col" class="num">
      {t('payment.received')}
    </th>
    <th scope="col" class="num">
      {t('payment.refunded')}
    </th>
  </>
)

/** Provider, status and amount cells of a payment row (the order page and the payments list). */
export const PaymentCells = ({ payment: p }: { payment: Schemas['Payment'] }) => (
  <>
    <td>
      {p.provider}
      {p.provider_ref ? <div class="small muted">{p.provider_ref}</div> : null}
    </td>
    <td>
      <Badge value={p.status} />
      {p.failure_reason ? <div class="small">{p.failure_reason}</div> : null}
    </td>
    <td class="num">
      <Money value={p.amount} />
    </td>
    <td class="num">
      <Money value={p.amount_received} />
    </td>
    <td class="num">
      <Money value={p.amount_refunded} />
    </td>
  </>
)

/** The load error, or "Loading…" the first time (a reload keeps showing the old data instead). */
export function Loading({ loaded }: { loaded: { loading: boolean; error: unknown; data?: unknown } }) {
  if (loaded.error) return <ErrorBox error={loaded.error} />
  return loaded.loading && loaded.data === undefined ? (
    <p class="muted" aria-live="polite">
      {t('common.loading')}
    </p>
  ) : null
}

export function PageTitle({ children, actions }: { children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = t('app.title', { page: typeof children === 'string' ? children : t('app.dashboard') })
  }, [children])
  return (
    <header class="page-head">
      <h1>{children}</h1>
      {actions ? <div class="actions">{actions}</div> : null}
    </header>
  )
}

/** Form values by control name: strings for inputs and selects, booleans for checkboxes. */
export function formValues(form: HTMLFormElement): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {}
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) || !el.name) continue
    out[el.name] = el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value
  }
  return out
}

export type SubmitEvent = JSX.TargetedEvent<HTMLFormElement, Event>

/** `onSubmit` handler that prevents navigation and hands over the form. */
export const submit = (fn: (form: HTMLFormElement) => void) => (e: SubmitEvent) => {
  e.preventDefault()
  fn(e.currentTarget)
}

/** Omits empty strings so optional query parameters are left out. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Partial<T> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== '' && v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v
  return out
}

/** A message for the next view (e.g. "created, but the image upload failed"). */
export const setFlash = (next: { error?: unknown; done?: string }) =>
  announceAfterNavigation(next.error ? { kind: 'error', error: next.error, text: next.done } : { kind: 'done', text: next.done ?? '' })

// ---------- sortable column headings

/**
 * A column heading that sorts the list through the URL: `asc`/`desc` are the list's sort values
 * for this column (`desc` omitted: one direction only). Marks the column with aria-sort.
 */
export function SortHeading({
  label,
  current,
  asc,
  desc,
  href,
  num,
}: {
  label: string
  current: string
  asc: string
  desc?: string
  href: (sort: string) => string
  num?: boolean
}) {
  const active = current === asc ? 'ascending' : desc && current === desc ? 'descending' : undefined
  const next = active === 'ascending' && desc ? desc : asc
  return (
    <th scope="col" class={num ? 'num' : undefined} aria-sort={active ?? 'none'}>
      <a class="sort" href={href(next)}>
        {label}
        <span aria-hidden="true">{active === 'ascending' ? ' ▲' : active === 'descending' ? ' ▼' : ' ↕'}</span>
        <span class="sr-only">
          {active ? t(active === 'ascending' ? 'sort.ascending' : 'sort.descending') : ''}
          {t('sort.sort')}
        </span>
      </a>
    </th>
  )
}
