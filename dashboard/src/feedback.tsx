// Feedback shared by every view: the one message area (cleared on navigation), confirmation
// dialogs that spell out what an action will do, and API errors mapped to the fields they concern.
import { createContext, type ComponentChildren } from 'preact'
import { useContext, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from './api'
import { t, type Key } from './i18n'

// ---------- the message area

export type Message = { kind: 'done'; text: string; error?: undefined } | { kind: 'error'; error: unknown; text?: string }

let current: Message | null = null
let pending: Message | null = null
const listeners = new Set<(m: Message | null) => void>()

function publish(next: Message | null) {
  current = next
  for (const fn of listeners) fn(next)
}

/** Shows a message in the page's message area, replacing the previous one. */
export const announce = (message: Message) => publish(message)

/** Clears the message area (a new action started, or the view changed). */
export const clearMessage = () => {
  if (current) publish(null)
}

/** A message for the next view (e.g. "Product created." before navigating to its page). */
export const announceAfterNavigation = (message: Message) => {
  pending = message
}

/** Called by the layout when the route's path changes: old messages go, a pending one shows. */
export function routeChanged() {
  const next = pending
  pending = null
  publish(next)
}

export function MessageArea() {
  const [message, setMessage] = useState(current)
  useEffect(() => {
    listeners.add(setMessage)
    return () => void listeners.delete(setMessage)
  }, [])
  return (
    <div class="messages" role="status" aria-live="polite">
      {message?.kind === 'done' ? <p class="done">{message.text}</p> : null}
      {message?.kind === 'error' ? (
        <>
          {message.text ? <p class="done">{message.text}</p> : null}
          <ErrorSummary error={message.error} />
        </>
      ) : null}
    </div>
  )
}

// ---------- errors

/** API field paths with a label of their own (`path.<name>` in i18n.ts), and the arrays whose
 * items are numbered ("variants.0" → "Variant 1"). */
const PATH_KEYS = new Set([
  'amount',
  'refund_amount',
  'price',
  'compare_at_price',
  'stock',
  'sku',
  'name',
  'slug',
  'email',
  'password',
  'rate',
  'carrier',
  'tracking_number',
  'reason',
  'currency',
  'value',
  'code',
])
const ITEM_KEYS = new Set(['variants', 'images', 'lines', 'countries', 'items', 'rows'])
const label = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())

/** "variants.0.price" → "Variant 1: Price". */
export function humanPath(path: string, labels?: Map<string, string>): string {
  const own = labels?.get(path) ?? labels?.get(path.split('.').pop() ?? '')
  if (own) return own
  const parts = path.split('.')
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!
    const next = parts[i + 1]
    if (next !== undefined && /^\d+$/.test(next)) {
      out.push(ITEM_KEYS.has(p) ? t(`path.${p}` as Key, { n: Number(next) + 1 }) : `${label(p)} ${Number(next) + 1}`)
      i++
    } else out.push(PATH_KEYS.has(p) ? t(`path.${p}` as Key) : label(p))
  }
  return out.join(': ')
}

/** Zod's wording ("Invalid input: expected number, received null") in plain words. */
export function humanMessage(message: string): string {
  if (/expected (number|string|boolean), received (null|undefined)/i.test(message) || /^Required$/i.test(message))
    return t('error.required')
  if (/expected number, received/i.test(message)) return t('error.number')
  if (/expected int/i.test(message)) return t('error.integer')
  return message.replace(/^Invalid input: /, '')
}

interface FieldErrorState {
  errors: Map<string, string>
  labels: Map<string, string>
}
const FieldErrorContext = createContext<FieldErrorState | null>(null)

/** The error's field messages by path (also by the path's last part, for nested fields). */
function fieldErrors(error: unknown): Map<string, string> {
  const out = new Map<string, string>()
  if (!(error instanceof ApiError)) return out
  for (const d of error.details) {
    if (!d.path) continue
    out.set(d.path, humanMessage(d.message))
  }
  return out
}

/**
 * Wraps a form's fields: a Field whose control's `name` matches an error's path shows the message
 * under itself (aria-invalid, aria-describedby); the summary above names fields by their labels.
 */
export function FormErrors({ error, children }: { error: unknown; children: ComponentChildren }) {
  const labels = useRef(new Map<string, string>()).current
  const state: FieldErrorState = { errors: fieldErrors(error), labels }
  return (
    <FieldErrorContext.Provider value={state}>
      <ErrorSummary error={error} labels={labels} focus />
      {children}
    </FieldErrorContext.Provider>
  )
}

/** Field-level lookup for `Field`: registers the label, returns the message for `name`. */
export function useFieldError(name: string | undefined, label: string): string | undefined {
  const ctx = useContext(FieldErrorContext)
  if (!ctx || !name) return undefined
  ctx.labels.set(name, label)
  return ctx.errors.get(name)
}

export function ErrorSummary({ error, labels, focus }: { error: unknown; labels?: Map<string, string>; focus?: boolean }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // After a failed action, focus the summary so keyboard and screen-reader users land on it.
    if (error && focus) box.current?.focus()
  }, [error])
  if (!error) return null
  const e = error instanceof ApiError ? error : null
  const message = e ? e.message : error instanceof Error ? error.message : String(error)
  return (
    <div class="error" role="alert" tabIndex={-1} ref={box}>
      <strong>{message}</strong>
      {e && e.code !== 'http_error' && e.code !== 'validation_error' ? <span class="code small"> ({e.code})</span> : null}
      {e && e.details.length > 0 ? (
        <ul>
          {e.details.map((d, i) => (
            <li key={i}>
              {d.path ? <>{humanPath(d.path, labels)} </> : null}
              {humanMessage(d.message)}
            </li>
          ))}
        </ul>
      ) : null}
      {e?.requestId ? <small>{t('error.requestId', { id: e.requestId })}</small> : null}
    </div>
  )
}

/** A local validation failure shown like an API one: `fields` maps control names to messages. */
export function invalid(message: string, fields: Record<string, string> = {}): ApiError {
  return new ApiError(
    400,
    'validation_error',
    message,
    Object.entries(fields).map(([path, m]) => ({ path, message: m })),
  )
}

// ---------- confirmation

export interface Confirmation {
  title: string
  /** Sentences that spell out what will happen (amounts, order numbers). */
  body: string[]
  confirm: string
  danger?: boolean
}

let ask: ((c: Confirmation) => Promise<boolean>) | null = null

/** Asks the user to confirm in a modal dialog; resolves false when they cancel. */
export const confirmAction = (c: Confirmation): Promise<boolean> =>
  ask ? ask(c) : Promise.resolve(window.confirm([c.title, ...c.body].join('\n')))

/** The dialog `confirmAction` opens; rendered once by the layout. */
export function ConfirmHost() {
  const [open, setOpen] = useState<{ c: Confirmation; resolve: (ok: boolean) => void } | null>(null)
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ask = (c) => new Promise((resolve) => setOpen({ c, resolve }))
    return () => {
      ask = null
    }
  }, [])
  useEffect(() => {
    if (open && dialog.current && !dialog.current.open) dialog.current.showModal()
  }, [open])
  const close = (ok: boolean) => {
    dialog.current?.close()
    open?.resolve(ok)
    setOpen(null)
  }
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" onCancel={(e) => (e.preventDefault(), close(false))}>
      {open ? (
        <form method="dialog" onSubmit={(e) => (e.preventDefault(), close(true))}>
          <h2 id="confirm-title">{open.c.title}</h2>
          {open.c.body.map((line, i) => (
            <p key={i}>{line}</p>
          ))}
          <div class="actions">
            <button type="button" onClick={() => close(false)} autoFocus>
              {t('common.cancel')}
            </button>
            <button type="submit" class={open.c.danger ? 'danger-solid' : 'primary'}>
              {open.c.confirm}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  )
}
