// Review moderation: every review newest first (product, author, rating, text, state), filtered by
// state and product; staff hide a review (with a reason) or restore it, after a confirmation.
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { t } from '../i18n'
import { link, navigate, type Route } from '../router'
import {
  Badge,
  CANCELLED,
  compact,
  confirmAction,
  Field,
  FormErrors,
  formatDate,
  formValues,
  invalid,
  Loading,
  PageTitle,
  Pager,
  submit,
  useAction,
  useLoad,
  usePager,
} from '../ui'

type Review = Schemas['AdminReview']
type ReviewStatus = Review['status']

function ModeratedNote({ review: r }: { review: Review }) {
  if (!r.moderated_at) return null
  const params = {
    state: t(r.status === 'hidden' ? 'status.hidden' : 'status.published'),
    who: r.moderated_by ?? '—',
    when: formatDate(r.moderated_at),
  }
  return (
    <p class="small muted">
      {r.moderation_reason ? t('reviews.moderated', { ...params, reason: r.moderation_reason }) : t('reviews.moderatedNoReason', params)}
    </p>
  )
}

function ReviewRow({ review: r, onChanged }: { review: Review; onChanged: () => void }) {
  const who = { author: r.author_name, rating: r.rating, product: r.product_name }
  const hide = useAction(async (form: HTMLFormElement) => {
    const reason = String(formValues(form).reason ?? '').trim()
    if (!reason) throw invalid(t('reviews.reasonRequired'), { reason: t('reviews.reasonRequired') })
    const ok = await confirmAction({
      title: t('reviews.hideTitle'),
      body: [t('reviews.hideBody', { ...who, reason })],
      confirm: t('reviews.hideConfirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/reviews/{id}/hide', { params: { path: { id: r.id } }, body: { reason } }))
    onChanged()
    return t('reviews.hidden')
  })
  const restore = useAction(async () => {
    const ok = await confirmAction({
      title: t('reviews.restoreTitle'),
      body: [t('reviews.restoreBody', who)],
      confirm: t('reviews.restoreConfirm'),
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/reviews/{id}/restore', { params: { path: { id: r.id } }, body: {} }))
    onChanged()
    return t('reviews.restored')
  })
  return (
    <tr data-review={r.id}>
      <td>{formatDate(r.created_at)}</td>
      <td>
        {r.product_name}
        <br />
        <a class="small" href={link('reviews', { product_id: r.product_id })}>
          {t('reviews.onlyThisProduct')}
        </a>
      </td>
      <td>
        {r.author_name}
        {r.verified_purchase ? <p class="small">{t('reviews.verified')}</p> : null}
      </td>
      <td class="num">{t('reviews.ratingValue', { rating: r.rating })}</td>
      <td>
        {r.title ? <strong>{r.title}</strong> : null}
        {r.body ? <p>{r.body}</p> : null}
      </td>
      <td>
        <Badge value={r.status} />
        <ModeratedNote review={r} />
      </td>
      <td class="row-actions">
        {r.status === 'published' ? (
          <FormErrors error={hide.error}>
            <form class="inline" onSubmit={submit((f) => void hide.run(f))}>
              <Field label={t('reviews.reason')}>
                <input name="reason" maxLength={500} />
              </Field>
              <button type="submit" class="danger" disabled={hide.busy}>
                {t('reviews.hide')}
              </button>
            </form>
          </FormErrors>
        ) : (
          <FormErrors error={restore.error}>
            <button type="button" disabled={restore.busy} onClick={() => void restore.run()}>
              {t('reviews.restore')}
            </button>
          </FormErrors>
        )}
      </td>
    </tr>
  )
}

export function ReviewsPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? '') as ReviewStatus | ''
  const productId = route.query.get('product_id') ?? ''
  const pager = usePager(`${status}|${productId}`)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/reviews', {
          params: { query: compact({ status: status || undefined, product_id: productId || undefined, cursor: pager.cursor, limit: 25 }) },
        }),
      ),
    [status, productId, pager.cursor],
  )
  return (
    <section>
      <PageTitle>{t('reviews.title')}</PageTitle>
      <form
        class="filters"
        role="search"
        aria-label={t('reviews.filterLabel')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('reviews', { status: String(v.status) || undefined, product_id: String(v.product_id).trim() || undefined })
        })}
      >
        <Field label={t('reviews.state')}>
          <select name="status" defaultValue={status}>
            <option value="">{t('reviews.any')}</option>
            {enums['ReviewStatus'].map((s) => (
              <option key={s} value={s}>
                {t(s === 'hidden' ? 'status.hidden' : 'status.published')}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reviews.product')}>
          <input name="product_id" defaultValue={productId} key={productId} placeholder="prd_…" />
        </Field>
        <button type="submit">{t('reviews.filter')}</button>
        {productId ? (
          <button type="button" onClick={() => navigate('reviews', { status: status || undefined })}>
            {t('reviews.clearProduct')}
          </button>
        ) : null}
      </form>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('reviews.empty')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('reviews.when')}</th>
              <th scope="col">{t('reviews.productCol')}</th>
              <th scope="col">{t('reviews.author')}</th>
              <th scope="col" class="num">
                {t('reviews.rating')}
              </th>
              <th scope="col">{t('reviews.text')}</th>
              <th scope="col">{t('reviews.stateCol')}</th>
              <th scope="col">{t('reviews.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((r) => (
              <ReviewRow key={r.id} review={r} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
    </section>
  )
}
