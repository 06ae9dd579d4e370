// Returns (RMA): the list with filters, and one return's card with the staff actions its state allows
// (approve, refuse with a note, receive with restock per line, retry a refund), each confirmed with the
// amounts spelled out. The card is also the return panel of the order page (OrderReturnsPanel).
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { t } from '../i18n'
import { link, navigate, type Route } from '../router'
import {
  Badge,
  CANCELLED,
  confirmAction,
  ErrorBox,
  Field,
  formatDate,
  formatMoney,
  formValues,
  Loading,
  PageTitle,
  submit,
  useAction,
  useLoad,
} from '../ui'

type Return = Schemas['Return']
const STATUSES = ['requested', 'approved', 'refused', 'cancelled', 'received', 'refunded'] as const
type Status = (typeof STATUSES)[number]

const money = (m: { amount: number; currency: string }) => formatMoney(m.amount, m.currency)
const itemsOf = (r: Return) => r.lines.map((l) => `${l.product_name ?? l.sku ?? l.line_id} × ${l.quantity}`).join(', ')

/** Open the return label in a new tab (fetched with the session's token). */
function ReturnLabelButton({ ret }: { ret: Return }) {
  const [error, setError] = useState<unknown>(null)
  if (!ret.label) return null
  const open = async () => {
    setError(null)
    try {
      const { data, response } = await api.GET('/api/v1/returns/{id}/label', { params: { path: { id: ret.id } }, parseAs: 'blob' })
      if (!response.ok || !data) throw new Error(t('returns.labelFailed', { status: response.status }))
      window.open(URL.createObjectURL(data as Blob), '_blank', 'noopener')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={open}>
        {t('returns.label', { carrier: ret.label.carrier, tracking: ret.label.tracking_number })}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  )
}

/** One return: its lines and amounts, history, and the staff actions its status allows. */
export function ReturnCard({ ret, onChanged }: { ret: Return; onChanged: () => void }) {
  const [receiveKey, setReceiveKey] = useState(() => crypto.randomUUID())
  const total = money(ret.refund)
  const approve = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const ok = await confirmAction({
      title: t('returns.approve.title', { id: ret.id }),
      body: [t('returns.approve.body', { items: itemsOf(ret), amount: total }), t('returns.approve.label')],
      confirm: t('returns.approve.confirm'),
    })
    if (!ok) throw CANCELLED
    const note = String(v.note ?? '').trim()
    const instructions = String(v.instructions ?? '').trim()
    const out = await unwrap(
      api.POST('/api/v1/admin/returns/{id}/approve', {
        params: { path: { id: ret.id } },
        body: { ...(note ? { note } : {}), ...(instructions ? { instructions } : {}) },
      }),
    )
    onChanged()
    return out.return.label
      ? t('returns.approved.label', { id: ret.id, carrier: out.return.label.carrier })
      : t('returns.approved.instructions', { id: ret.id })
  })
  const refuse = useAction(async (form: HTMLFormElement) => {
    const note = String(formValues(form).refuse_note ?? '').trim()
    if (!note) throw new Error(t('returns.refuse.noteRequired'))
    const ok = await confirmAction({
      title: t('returns.refuse.title', { id: ret.id }),
      body: [t('returns.refuse.body', { items: itemsOf(ret), amount: total }), `“${note}”`],
      confirm: t('returns.refuse.confirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/returns/{id}/refuse', { params: { path: { id: ret.id } }, body: { note } }))
    onChanged()
    return t('returns.refused', { id: ret.id })
  })
  const receive = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const lines = ret.lines.map((l) => ({ line_id: l.line_id, restock: v[`restock-${l.line_id}`] === true }))
    const restocked = ret.lines.filter((l) => v[`restock-${l.line_id}`] === true).map((l) => `${l.product_name ?? l.sku} × ${l.quantity}`)
    const ok = await confirmAction({
      title: t('returns.receive.title', { id: ret.id }),
      body: [
        t('returns.receive.body', { amount: total }),
        ...ret.lines.map((l) => t('returns.receive.line', { item: `${l.product_name ?? l.sku} × ${l.quantity}`, amount: money(l.amount) })),
        restocked.length ? t('returns.receive.restock', { items: restocked.join(', ') }) : t('returns.receive.noRestock'),
      ],
      confirm: t('returns.receive.confirm', { amount: total }),
    })
    if (!ok) throw CANCELLED
    const out = await unwrap(
      api.POST('/api/v1/admin/returns/{id}/receive', {
        params: { path: { id: ret.id }, header: { 'idempotency-key': receiveKey } },
        body: { lines },
      }),
    )
    setReceiveKey(crypto.randomUUID())
    onChanged()
    if (out.refund_error) throw new Error(t('returns.refundPending', { error: out.refund_error }))
    return t('returns.receivedRefunded', { id: ret.id, amount: total, provider: out.refund?.provider ?? '—' })
  })
  const retry = useAction(async () => {
    const ok = await confirmAction({
      title: t('returns.retry.title', { id: ret.id }),
      body: [t('returns.retry.body', { amount: total })],
      confirm: t('returns.retry.confirm'),
    })
    if (!ok) throw CANCELLED
    await unwrap(
      api.POST('/api/v1/admin/returns/{id}/refund', {
        params: { path: { id: ret.id }, header: { 'idempotency-key': crypto.randomUUID() } },
      }),
    )
    onChanged()
    return t('returns.refundedOnly', { id: ret.id, amount: total })
  })

  return (
    <article class="detail" aria-labelledby={`ret-${ret.id}`}>
      <h3 id={`ret-${ret.id}`}>
        {t('returns.heading', { id: ret.id })} <Badge value={ret.status} />
      </h3>
      <p>
        {t('returns.summary', { reason: ret.reason, amount: total, at: formatDate(ret.created_at) })}
        {ret.comment ? ` — “${ret.comment}”` : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('returns.col.item')}</th>
            <th scope="col">{t('returns.col.quantity')}</th>
            <th scope="col">{t('returns.col.amount')}</th>
            <th scope="col">{t('returns.col.restock')}</th>
          </tr>
        </thead>
        <tbody>
          {ret.lines.map((l) => (
            <tr key={l.line_id}>
              <td>
                {l.product_name ?? l.line_id} <code class="small">{l.sku}</code>
              </td>
              <td>{l.quantity}</td>
              <td>{money(l.amount)}</td>
              <td>{l.restock === null ? '—' : l.restock ? t('returns.yes') : t('returns.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ret.note ? <p>{t('returns.note', { note: ret.note })}</p> : null}
      {ret.instructions ? <p class="small">{t('returns.instructions', { text: ret.instructions })}</p> : null}
      <ReturnLabelButton ret={ret} />
      <ol class="small">
        {ret.history.map((h, i) => (
          <li key={i}>
            {formatDate(h.at)} · <Badge value={h.status} /> {h.actor.type}
            {h.note ? ` — ${h.note}` : ''}
          </li>
        ))}
      </ol>
      {ret.status === 'requested' ? (
        <div class="actions-row">
          <form onSubmit={submit((f) => void approve.run(f))}>
            <fieldset>
              <legend>{t('returns.approve.legend')}</legend>
              <Field label={t('returns.approve.instructionsField')} hint={t('returns.approve.instructionsHint')}>
                <textarea name="instructions" rows={2} />
              </Field>
              <Field label={t('returns.noteField')}>
                <input name="note" />
              </Field>
              <button type="submit" class="primary" disabled={approve.busy}>
                {approve.busy ? t('returns.busy') : t('returns.approve.button')}
              </button>
              {approve.error ? <ErrorBox error={approve.error} /> : null}
            </fieldset>
          </form>
          <form onSubmit={submit((f) => void refuse.run(f))}>
            <fieldset>
              <legend>{t('returns.refuse.legend')}</legend>
              <Field label={t('returns.refuse.noteField')}>
                <input name="refuse_note" required />
              </Field>
              <button type="submit" class="danger" disabled={refuse.busy}>
                {refuse.busy ? t('returns.busy') : t('returns.refuse.button')}
              </button>
              {refuse.error ? <ErrorBox error={refuse.error} /> : null}
            </fieldset>
          </form>
        </div>
      ) : null}
      {ret.status === 'approved' ? (
        <form onSubmit={submit((f) => void receive.run(f))}>
          <fieldset>
            <legend>{t('returns.receive.legend')}</legend>
            {ret.lines.map((l) => (
              <label key={l.line_id}>
                <input type="checkbox" name={`restock-${l.line_id}`} defaultChecked />{' '}
                {t('returns.receive.restockLine', { item: `${l.product_name ?? l.sku} × ${l.quantity}` })}
              </label>
            ))}
            <button type="submit" class="primary" disabled={receive.busy}>
              {receive.busy ? t('returns.busy') : t('returns.receive.button', { amount: total })}
            </button>
            {receive.error ? <ErrorBox error={receive.error} /> : null}
          </fieldset>
        </form>
      ) : null}
      {ret.status === 'received' && ret.refund_attempt?.status === 'pending' ? (
        <p role="status">{t('returns.refundAttempt.pending', { provider: ret.refund_attempt.provider })}</p>
      ) : null}
      {ret.status === 'received' && ret.refund_attempt?.status === 'failed' ? (
        <p class="error" role="alert">
          {t('returns.refundAttempt.failed', {
            provider: ret.refund_attempt.provider,
            reason: ret.refund_attempt.failure_reason ?? '—',
            at: formatDate(ret.refund_attempt.updated_at),
          })}
        </p>
      ) : null}
      {ret.status === 'received' ? (
        <p>
          <button type="button" disabled={retry.busy} onClick={() => void retry.run()}>
            {t('returns.retry.button', { amount: total })}
          </button>
          {retry.error ? <ErrorBox error={retry.error} /> : null}
        </p>
      ) : null}
    </article>
  )
}

/** The returns of one order, for the order page. */
export function OrderReturnsPanel({ order, onChanged }: { order: { id: string; updated_at: string }; onChanged: () => void }) {
  const list = useLoad(
    () => unwrap(api.GET('/api/v1/admin/returns', { params: { query: { limit: 50, order_id: order.id } } })),
    [order.id, order.updated_at],
  )
  if (list.data && !list.data.data.length) return null
  return (
    <section aria-labelledby="returns-title">
      <h2 id="returns-title">{t('returns.panelTitle')}</h2>
      <Loading loaded={list} />
      {list.data?.data.map((r) => (
        <ReturnCard
          key={r.id}
          ret={r}
          onChanged={() => {
            list.reload()
            onChanged()
          }}
        />
      ))}
    </section>
  )
}

function ReturnRow({ r, onChanged }: { r: Return; onChanged: () => void }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <tr>
        <td>{formatDate(r.created_at)}</td>
        <td>
          <code>{r.id}</code>
        </td>
        <td>
          <a href={link(`orders/${r.order_id}`)}>{r.order_id}</a>
        </td>
        <td>{itemsOf(r)}</td>
        <td>{money(r.refund)}</td>
        <td>
          <Badge value={r.status} />
        </td>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t('returns.hide') : t('returns.open')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={7}>
            <ReturnCard ret={r} onChanged={onChanged} />
          </td>
        </tr>
      ) : null}
    </>
  )
}

export function ReturnsPage({ route }: { route: Route }) {
  const q = route.query
  const status = (q.get('status') ?? undefined) as Status | undefined
  const orderId = q.get('order_id') ?? undefined
  const from = q.get('from') ?? undefined
  const to = q.get('to') ?? undefined
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/returns', {
          params: {
            query: {
              limit: 50,
              ...(status ? { status } : {}),
              ...(orderId ? { order_id: orderId } : {}),
              ...(from ? { from: new Date(from).toISOString() } : {}),
              ...(to ? { to: new Date(to).toISOString() } : {}),
            },
          },
        }),
      ),
    [status, orderId, from, to],
  )
  // The filter form is uncontrolled and keyed by the query: a list reload (after an action) never
  // resets what staff are choosing, and a new query starts from its own values.
  const query = q.toString()
  const filter = (form: HTMLFormElement) => {
    const v = formValues(form)
    const str = (k: string) => String(v[k] ?? '').trim() || undefined
    const next = { status: str('status'), order_id: str('order_id'), from: str('from'), to: str('to') }
    // The same filter again still reads the list again (the hash does not change, so only a reload does).
    if (link('returns', next) === link('returns', { status, order_id: orderId, from, to })) list.reload()
    else navigate('returns', next)
  }
  return (
    <section>
      <PageTitle>{t('returns.title')}</PageTitle>
      <p class="muted">{t('returns.intro')}</p>
      <form class="filters" key={query} onSubmit={submit(filter)}>
        <Field label={t('returns.filter.status')}>
          <select name="status" defaultValue={status ?? ''}>
            <option value="">{t('returns.filter.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`returns.status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('returns.filter.order')}>
          <input name="order_id" defaultValue={orderId ?? ''} />
        </Field>
        <Field label={t('returns.filter.from')}>
          <input name="from" type="date" defaultValue={from ?? ''} />
        </Field>
        <Field label={t('returns.filter.to')}>
          <input name="to" type="date" defaultValue={to ?? ''} />
        </Field>
        <button type="submit">{t('returns.filter.apply')}</button>
      </form>
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">{t('returns.none')}</p> : null}
      {list.data && list.data.data.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('returns.col.asked')}</th>
              <th scope="col">{t('returns.col.return')}</th>
              <th scope="col">{t('returns.col.order')}</th>
              <th scope="col">{t('returns.col.items')}</th>
              <th scope="col">{t('returns.col.refund')}</th>
              <th scope="col">{t('returns.col.status')}</th>
              <th scope="col">{t('returns.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {/* Keyed by the query too: a new filter shows its rows closed; a reload keeps an open card open. */}
            {list.data.data.map((r) => (
              <ReturnRow key={`${query} ${r.id}`} r={r} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
