// Saved views on the Orders and Products lists: the list's filters and sort (its URL query) saved
// under a name, listed as links that apply them, and deleted after a confirmation. Kept in this
// browser's localStorage per account (`ec-dashboard-views:<user id>`), not on the server: a view
// is a bookmark of a URL every staff member can already share, so nothing needs to sync.
import { useState } from 'preact/hooks'
import { currentUser } from './api'
import { t } from './i18n'
import { link, type Route } from './router'
import { CANCELLED, confirmAction, Field, formValues, invalid, submit, useAction } from './ui'
import { FormErrors } from './feedback'

export type ViewList = 'orders' | 'products'
export interface SavedView {
  name: string
  /** The list's URL query, e.g. `status=paid&sort=total_desc`. */
  query: string
}

const MAX_VIEWS = 20
const storageKey = () => `ec-dashboard-views:${currentUser()?.id ?? 'anonymous'}`

function readAll(): Partial<Record<ViewList, SavedView[]>> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey()) ?? '{}')
    return parsed && typeof parsed === 'object' ? (parsed as Partial<Record<ViewList, SavedView[]>>) : {}
  } catch {
    return {}
  }
}

export const savedViews = (list: ViewList): SavedView[] =>
  (readAll()[list] ?? []).filter((v) => typeof v?.name === 'string' && typeof v?.query === 'string')

function writeViews(list: ViewList, views: SavedView[]) {
  localStorage.setItem(storageKey(), JSON.stringify({ ...readAll(), [list]: views }))
}

/** The query a view keeps: the URL's, in a stable order, without empty values. */
function viewQuery(query: URLSearchParams): string {
  const kept = [...query.entries()].filter(([, v]) => v !== '').sort(([a], [b]) => a.localeCompare(b))
  return new URLSearchParams(kept).toString()
}

export function SavedViews({ list, route }: { list: ViewList; route: Route }) {
  const [views, setViews] = useState(() => savedViews(list))
  const current = viewQuery(route.query)
  const save = useAction(async (form: HTMLFormElement) => {
    const name = String(formValues(form).name ?? '').trim()
    if (!name) throw invalid(t('views.nameRequired'), { name: t('error.required') })
    if (name.length > 60) throw invalid(t('views.nameTooLong'), { name: t('views.nameTooLongField') })
    const others = views.filter((v) => v.name !== name)
    if (others.length >= MAX_VIEWS) throw invalid(t('views.tooMany', { max: MAX_VIEWS }))
    // The same name replaces the earlier view (keeps its place in the list).
    const at = views.findIndex((v) => v.name === name)
    const next = at >= 0 ? views.map((v, i) => (i === at ? { name, query: current } : v)) : [...views, { name, query: current }]
    writeViews(list, next)
    setViews(next)
    form.reset()
    return t('views.saved', { name })
  })
  const remove = useAction(async (view: SavedView) => {
    const ok = await confirmAction({
      title: t('views.deleteTitle', { name: view.name }),
      body: [t('views.deleteBody')],
      confirm: t('views.deleteConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    const next = savedViews(list).filter((v) => v.name !== view.name)
    writeViews(list, next)
    setViews(next)
    return t('views.deleted', { name: view.name })
  })
  return (
    <section class="saved-views" aria-labelledby={`views-${list}`}>
      <h2 id={`views-${list}`}>{t('views.title')}</h2>
      {views.length === 0 ? (
        <p class="muted">{t('views.none')}</p>
      ) : (
        <ul>
          {views.map((v) => (
            <li key={v.name}>
              <a href={v.query ? `${link(list)}?${v.query}` : link(list)} aria-current={v.query === current ? 'page' : undefined}>
                {v.name}
              </a>
              <button type="button" class="danger" aria-label={t('views.deleteLabel', { name: v.name })} onClick={() => void remove.run(v)}>
                {t('views.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormErrors error={save.error ?? remove.error}>
        <form class="inline" onSubmit={submit((f) => void save.run(f))}>
          <Field label={t('views.name')}>
            <input name="name" maxLength={60} autoComplete="off" />
          </Field>
          <button type="submit" disabled={save.busy}>
            {t('views.save')}
          </button>
        </form>
      </FormErrors>
    </section>
  )
}
