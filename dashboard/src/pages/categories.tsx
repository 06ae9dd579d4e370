// Category tree: create, rename/move/reorder, delete (the API refuses non-empty ones).
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { CANCELLED, compact, confirmAction, ErrorBox, Field, formValues, Loading, PageTitle, submit, useAction, useLoad } from '../ui'
import { t } from '../i18n'

type Category = Schemas['Category']
export interface CategoryOption extends Category {
  depth: number
}

async function loadFlat(): Promise<CategoryOption[]> {
  const { data } = await unwrap(api.GET('/api/v1/categories', { params: { query: { format: 'flat' } } }))
  const flat = data as Category[]
  const byParent = new Map<string | null, Category[]>()
  for (const c of flat) byParent.set(c.parent_id, [...(byParent.get(c.parent_id) ?? []), c])
  const out: CategoryOption[] = []
  const walk = (parent: string | null, depth: number) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    for (const c of children) {
      out.push({ ...c, depth })
      walk(c.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

/** Categories in tree order with their depth, for selects. */
export function useCategoryOptions(): CategoryOption[] {
  return useLoad(loadFlat, []).data ?? []
}

function CategoryRow({ category, all, onChanged }: { category: CategoryOption; all: CategoryOption[]; onChanged: () => void }) {
  const [editing, setEditing] = useState(false)
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    await unwrap(
      api.PATCH('/api/v1/admin/categories/{id}', {
        params: { path: { id: category.id } },
        body: {
          name: String(v.name),
          slug: String(v.slug),
          parent_id: v.parent_id ? String(v.parent_id) : null,
          position: Number(v.position),
        },
      }),
    )
    setEditing(false)
    onChanged()
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: t('categories.deleteTitle', { name: category.name }),
      body: [t('categories.deleteBody')],
      confirm: t('categories.deleteConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.DELETE('/api/v1/admin/categories/{id}', { params: { path: { id: category.id } } }))
    onChanged()
  })
  return (
    <tr>
      <td style={{ paddingLeft: `${0.5 + category.depth * 1.25}rem` }}>
        {editing ? (
          <form class="inline" onSubmit={submit((f) => void save.run(f))} aria-label={t('categories.editForm', { name: category.name })}>
            <Field label={t('categories.name')}>
              <input name="name" defaultValue={category.name} required />
            </Field>
            <Field label={t('categories.slug')}>
              <input name="slug" defaultValue={category.slug} />
            </Field>
            <Field label={t('categories.parent')}>
              <select name="parent_id" defaultValue={category.parent_id ?? ''}>
                <option value="">{t('categories.topLevel')}</option>
                {all
                  .filter((c) => c.id !== category.id)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {'\u00a0\u00a0'.repeat(c.depth)}
                      {c.name}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label={t('categories.position')}>
              <input name="position" type="number" min={0} defaultValue={String(category.position)} size={4} />
            </Field>
            <button type="submit" disabled={save.busy}>
              {t('categories.save')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </form>
        ) : (
          <>
            {category.name} <span class="muted small">/{category.slug}</span>
          </>
        )}
        <ErrorBox error={save.error ?? remove.error} />
      </td>
      <td class="num">{category.product_count}</td>
      <td class="num">{category.total_product_count}</td>
      <td class="row-actions">
        {editing ? null : (
          <button type="button" onClick={() => setEditing(true)} aria-label={t('categories.editOne', { name: category.name })}>
            {t('categories.edit')}
          </button>
        )}
        <button
          type="button"
          class="danger"
          onClick={() => void remove.run()}
          aria-label={t('categories.deleteOne', { name: category.name })}
        >
          {t('categories.delete')}
        </button>
      </td>
    </tr>
  )
}

export function CategoriesPage() {
  const list = useLoad(loadFlat, [])
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const created = await unwrap(
      api.POST('/api/v1/admin/categories', {
        body: { name: String(v.name), ...compact({ slug: String(v.slug).trim() }), parent_id: v.parent_id ? String(v.parent_id) : null },
      }),
    )
    form.reset()
    list.reload()
    return t('categories.created', { name: created.name })
  })
  return (
    <section>
      <PageTitle>{t('nav.categories')}</PageTitle>
      <form class="inline add" onSubmit={submit((f) => void create.run(f))} aria-label={t('categories.new')}>
        <Field label={t('categories.newName')}>
          <input name="name" required />
        </Field>
        <Field label={t('categories.slugOptional')}>
          <input name="slug" />
        </Field>
        <Field label={t('categories.parent')}>
          <select name="parent_id">
            <option value="">{t('categories.topLevel')}</option>
            {(list.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {'\u00a0\u00a0'.repeat(c.depth)}
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <button class="primary" type="submit" disabled={create.busy}>
          {t('categories.create')}
        </button>
      </form>
      <ErrorBox error={create.error} />
      <Loading loaded={list} />
      {list.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('categories.category')}</th>
              <th scope="col" class="num">
                {t('categories.products')}
              </th>
              <th scope="col" class="num">
                {t('categories.withSub')}
              </th>
              <th scope="col">
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <CategoryRow key={`${c.id}-${c.updated_at}`} category={c} all={list.data ?? []} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
