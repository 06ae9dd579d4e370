// Orders for staff/admin: list with filters, detail with lines, payments and the status timeline,
// transitions (ship with tracking, deliver, cancel…), manual payment confirmation and refunds.
import { api, ApiError, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import type { paths } from '../api-types'
import { statusLabel, t, tMaybe, type Key } from '../i18n'
import { link, navigate, type Route } from '../router'
import { SavedViews } from '../saved-views'
import { validateBody } from '../validate'
import { providerLabel } from './payments'
import {
  SortHeading,
  Badge,
  tx,
  CANCELLED,
  compact,
  confirmAction,
  ErrorBox,
  Field,
  formatDate,
  formatMoney,
  FormErrors,
  invalid,
  formValues,
  Loading,
  Money,
  Pager,
  PageTitle,
  PaymentCells,
  PaymentHeadings,
  submit,
  toMinor,
  useAction,
  useLoad,
  usePager,
} from '../ui'
import { CsvDownload } from './import'
import { OrderShipmentsPanel } from './shipments'
import { OrderReturnsPanel } from './returns'

type AdminOrder = Schemas['AdminOrder']
type OrderStatus = Schemas['OrderStatus']

/** A date input (YYYY-MM-DD, local day) as the ISO instant the API filters on. */
const dayStart = (day: string, plusDays = 0) => {
  if (!day) return undefined
  const d = new Date(`${day}T00:00:00`)
  d.setDate(d.getDate() + plusDays)
  return d.toISOString()
}

type OrderSort = NonNullable<NonNullable<paths['/api/v1/admin/orders']['get']['parameters']['query']>['sort']>

export function OrdersPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? '') as OrderStatus | ''
  const email = route.query.get('email') ?? ''
  const from = route.query.get('from') ?? ''
  const to = route.query.get('to') ?? ''
  const sort = (route.query.get('sort') ?? '') as OrderSort | ''
  const pager = usePager([status, route.query.get('user_id'), email, from, to, sort].join('|'))
  const filters = { status, user_id: route.query.get('user_id') ?? '', email, from, to }
  const sortHref = (next: string) => link('orders', { ...filters, sort: next === 'newest' ? '' : next })
  const list = useLoad(async () => {
    // A customer's email is looked up to their account: the orders API filters by account id.
    let userId = route.query.get('user_id') ?? ''
    if (email) {
      const found = await unwrap(api.GET('/api/v1/admin/users', { params: { query: { q: email, limit: 5 } } }))
      const account = found.data.find((u) => u.email.toLowerCase() === email.trim().toLowerCase())
      if (!account) return { data: [], next_cursor: null, noAccount: true }
      userId = account.id
    }
    return unwrap(
      api.GET('/api/v1/admin/orders', {
        params: {
          query: compact({
            status: status || undefined,
            user_id: userId,
            from: dayStart(from),
            // "to" is inclusive in the form, exclusive in the API.
            to: dayStart(to, 1),
            sort: sort || undefined,
            cursor: pager.cursor,
            limit: 25,
          }),
        },
      }),
    )
  }, [status, route.query.get('user_id'), email, from, to, sort, pager.cursor])
  return (
    <section>
      <PageTitle
        actions={
          <CsvDownload
            export={{
              kind: 'orders',
              query: compact({
                status: status || undefined,
                user_id: route.query.get('user_id') ?? '',
                email,
                from: dayStart(from),
                to: dayStart(to, 1),
              }),
            }}
          />
        }
      >
        {t('orders.title')}
      </PageTitle>
      <form
        class="filters"
        role="search"
        aria-label={t('orders.filterLabel')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          const who = String(v.customer).trim()
          navigate('orders', {
            status: String(v.status),
            ...(who.includes('@') ? { email: who } : { user_id: who }),
            from: String(v.from),
            to: String(v.to),
            sort,
          })
        })}
      >
        <Field label={t('orders.status')}>
          <select name="status" defaultValue={status}>
            <option value="">{t('orders.any')}</option>
            {enums.OrderStatus.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('orders.customerFilter')}>
          <input name="customer" defaultValue={email || (route.query.get('user_id') ?? '')} />
        </Field>
        <Field label={t('orders.from')}>
          <input name="from" type="date" defaultValue={from} />
        </Field>
        <Field label={t('orders.to')}>
          <input name="to" type="date" defaultValue={to} />
        </Field>
        <button type="submit">{t('orders.filter')}</button>
      </form>
      <SavedViews list="orders" route={route} />
      <Loading loaded={list} />
      {/* biome-ignore lint/nursery/noMisusedPromises: list.data is the loaded value (the rule reads the async loader's type) */}
      {list.data ? (
        list.data.data.length === 0 ? (
          <p class="muted">{'noAccount' in list.data ? t('orders.noAccount', { email }) : t('orders.noneMatch')}</p>
        ) : (
          <table aria-label={t('orders.table')}>
            <thead>
              <tr>
                <th scope="col">{t('orders.col.order')}</th>
                <SortHeading label={t('orders.col.created')} current={sort || 'newest'} asc="oldest" desc="newest" href={sortHref} />
                <th scope="col">{t('orders.col.customer')}</th>
                <th scope="col">{t('orders.col.status')}</th>
                <th scope="col" class="num">
                  {t('orders.col.items')}
                </th>
                <SortHeading label={t('orders.col.total')} num current={sort} asc="total_asc" desc="total_desc" href={sortHref} />
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((o) => (
                <tr key={o.id}>
                  <td>
                    <a href={link(`orders/${o.id}`)}>
                      <code>{o.id}</code>
                    </a>
                  </td>
                  <td>{formatDate(o.created_at)}</td>
                  <td>
                    <a href={link(`customers/${o.user_id}`)}>{o.customer_name ?? o.shipping_address.name}</a>
                    {o.email ? <div class="small muted">{o.email}</div> : null}
                  </td>
                  <td>
                    <Badge value={o.status} />
                  </td>
                  <td class="num">{o.item_count}</td>
                  <td class="num">
                    <Money value={o.total} />
                  </td>
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

/** A timeline detail in words: money keys (minor units) in the order's currency. */
function metaText(key: string, value: unknown, currency: string): string {
  const label = tMaybe(
    `orders.meta.${key}`,
    key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
  )
  if (typeof value === 'number' && /(^|_)(amount|total|refunded)$/.test(key)) return `${label}: ${formatMoney(value, currency)}`
  if (value && typeof value === 'object' && 'amount' in value && 'currency' in value) {
    const m = value as { amount: number; currency: string }
    return `${label}: ${formatMoney(m.amount, m.currency)}`
  }
  return `${label}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`
}

/** Status changes and staff-only notes, oldest first; a note is added at the end. */
function Timeline({ order, onChanged }: { order: AdminOrder; onChanged: () => void }) {
  const add = useAction(async (form: HTMLFormElement) => {
    const text = String(formValues(form).text).trim()
    validateBody('OrderNoteBody', { text })
    await unwrap(api.POST('/api/v1/admin/orders/{id}/notes', { params: { path: { id: order.id } }, body: { text } }))
    form.reset()
    onChanged()
    return t('orders.noteAdded')
  })
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('orders.timeline')}</h2>
      <ol class="timeline">
        {order.timeline.map((e, i) => (
          <li key={i} class={e.kind === 'note' ? 'note' : undefined}>
            <time dateTime={e.at}>{formatDate(e.at)}</time>
            <div>
              {e.kind === 'note' ? (
                <strong>{t('orders.note')}</strong>
              ) : (
                <>
                  {e.from ? (
                    <>
                      <Badge value={e.from} /> →{' '}
                    </>
                  ) : null}
                  <Badge value={e.to} />
                </>
              )}
              <span class="muted small">
                {' '}
                {t('orders.by', {
                  actor: e.actor.name
                    ? t('orders.actor', { name: e.actor.name, type: t(`orders.actor.${e.actor.type}` as Key) })
                    : t(`orders.actor.${e.actor.type}` as Key),
                })}
              </span>
              {e.reason ? <div class={e.kind === 'note' ? 'note-text' : undefined}>{e.reason}</div> : null}
              {e.meta && Object.keys(e.meta).length > 0 ? (
                <div class="muted small">
                  {Object.entries(e.meta)
                    .map(([k, v]) => metaText(k, v, order.currency))
                    .join(' · ')}
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <form class="stack card" onSubmit={submit((f) => void add.run(f))} aria-labelledby="note-title" noValidate>
        <h3 id="note-title">{t('orders.addNote')}</h3>
        <FormErrors error={add.error}>
          <Field label={t('orders.note')} hint={t('orders.noteHint')} wide>
            <textarea name="text" rows={2} maxLength={2000} required />
          </Field>
        </FormErrors>
        <button type="submit" disabled={add.busy}>
          {t('orders.addNoteButton')}
        </button>
      </form>
    </section>
  )
}

function Lines({ order }: { order: AdminOrder }) {
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">{t('orders.lines')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('orders.line.product')}</th>
            <th scope="col">{t('orders.line.sku')}</th>
            <th scope="col">{t('orders.line.seller')}</th>
            <th scope="col" class="num">
              {t('orders.line.qty')}
            </th>
            <th scope="col" class="num">
              {t('orders.line.unit')}
            </th>
            <th scope="col" class="num">
              {t('orders.line.total')}
            </th>
            <th scope="col">{t('orders.line.fulfilment')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.id}>
              <td>
                {l.product_name}
                {l.variant_name ? <span class="muted"> · {l.variant_name}</span> : null}
              </td>
              <td>
                <code>{l.sku}</code>
              </td>
              <td>{l.seller_name ?? '—'}</td>
              <td class="num">{l.quantity}</td>
              <td class="num">
                <Money value={l.unit_price} />
              </td>
              <td class="num">
                <Money value={l.total} />
              </td>
              <td>
                <Badge value={l.fulfilment_status} />
                {l.tracking_number ? (
                  <div class="small">
                    {l.carrier} <code>{l.tracking_number}</code>
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function Payments({ orderId, version }: { orderId: string; version: string }) {
  const loaded = useLoad(
    () => unwrap(api.GET('/api/v1/admin/orders/{id}/payments', { params: { path: { id: orderId } } })),
    [orderId, version],
  )
  const data = loaded.data
  return (
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">{t('orders.payments')}</h2>
      <Loading loaded={loaded} />
      {data && data.payments.length === 0 ? <p class="muted">{t('orders.noPayment')}</p> : null}
      {data && data.payments.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('orders.payment')}</th>
              <PaymentHeadings />
            </tr>
          </thead>
          <tbody>
            {data.payments.map((p) => (
              <tr key={p.id}>
                <td>
                  <code>{p.id}</code>
                  <div class="small muted">{formatDate(p.created_at)}</div>
                </td>
                <PaymentCells payment={p} />
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.refunds.length > 0 ? (
        <table aria-label={t('orders.refunds')}>
          <thead>
            <tr>
              <th scope="col">{t('orders.refund.id')}</th>
              <th scope="col">{t('orders.refund.provider')}</th>
              <th scope="col">{t('orders.refund.status')}</th>
              <th scope="col">{t('orders.refund.reason')}</th>
              <th scope="col">{t('orders.refund.restock')}</th>
              <th scope="col" class="num">
                {t('orders.refund.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.refunds.map((r) => (
              <tr key={r.id}>
                <td>
                  <code>{r.id}</code>
                  <div class="small muted">{formatDate(r.created_at)}</div>
                </td>
                <td>
                  {providerLabel(r.provider)}
                  {r.provider_ref ? <div class="small muted">{r.provider_ref}</div> : null}
                </td>
                <td>
                  <Badge value={r.status} />
                  {r.failure_reason ? <div class="small">{r.failure_reason}</div> : null}
                </td>
                <td>{r.reason ?? '—'}</td>
                <td>{r.restock ? t('orders.yes') : t('orders.no')}</td>
                <td class="num">
                  <Money value={r.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

type OrderAction = AdminOrder['allowed_actions'][number]

/** Staff actions the order's status allows (from the API's allowed_actions), each confirmed. */
function Actions({ order, onChanged }: { order: AdminOrder; onChanged: () => void }) {
  const allowed = new Set<OrderAction>(order.allowed_actions)
  const items = t('count.items', { count: order.item_count })
  const move = async (body: Schemas['AdminOrderTransition']) => {
    const next = await unwrap(api.POST('/api/v1/admin/orders/{id}/transition', { params: { path: { id: order.id } }, body }))
    onChanged()
    return t('orders.nowStatus', { id: order.id, status: statusLabel(next.status) })
  }
  const ship = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const carrier = String(v.carrier).trim()
    const tracking = String(v.tracking_number).trim()
    const body: Schemas['AdminOrderTransition'] = {
      to: 'shipped',
      carrier,
      tracking_number: tracking,
      ...compact({ reason: String(v.reason).trim() }),
    }
    validateBody('AdminOrderTransition', body)
    const ok = await confirmAction({
      title: t('orders.ship.title', { id: order.id }),
      body: [t('orders.ship.body', { items, name: order.shipping_address.name, carrier, tracking }), t('orders.ship.notified')],
      confirm: t('orders.ship.confirm'),
    })
    if (!ok) throw CANCELLED
    return move(body)
  })
  const deliver = useAction(async () => {
    const ok = await confirmAction({
      title: t('orders.deliver.title', { id: order.id }),
      body: [t('orders.deliver.body', { items, name: order.shipping_address.name })],
      confirm: t('orders.deliver.button'),
    })
    if (!ok) throw CANCELLED
    return move({ to: 'delivered' })
  })
  const cancel = useAction(async (form: HTMLFormElement) => {
    const reason = String(formValues(form).reason).trim()
    const body: Schemas['AdminOrderTransition'] = { to: 'cancelled', ...compact({ reason }) }
    validateBody('AdminOrderTransition', body)
    const ok = await confirmAction({
      title: t('orders.cancel.title', { id: order.id }),
      body: [t('orders.cancel.body', { total: formatMoney(order.total.amount, order.currency) })],
      confirm: t('orders.cancel.confirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    return move(body)
  })
  const confirmPayment = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const body = compact({ reference: String(v.reference).trim(), note: String(v.note).trim() })
    validateBody('ConfirmPaymentBody', body)
    const ok = await confirmAction({
      title: t('orders.pay.title', { id: order.id }),
      body: [t('orders.pay.body', { total: formatMoney(order.total.amount, order.currency) })],
      confirm: t('orders.pay.button'),
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/orders/{id}/confirm-payment', { params: { path: { id: order.id } }, body }))
    onChanged()
    return t('orders.pay.done', { id: order.id })
  })
  const remaining = order.total.amount - order.refunded.amount
  const left = formatMoney(remaining, order.currency)
  const refund = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const typed = String(v.amount).trim()
    let amount: number | undefined
    if (typed) {
      amount = toMinor(typed, order.currency)
      if (!Number.isInteger(amount) || amount <= 0)
        throw invalid(t('orders.refund.badAmount'), { amount: t('orders.refund.positive', { currency: order.currency }) })
      if (amount > remaining) throw invalid(t('orders.refund.tooMuch', { left }), { amount: t('orders.refund.atMost', { left }) })
    }
    const restock = v.restock === true
    const body: Schemas['RefundBody'] = {
      ...(amount !== undefined ? { amount } : {}),
      ...compact({ reason: String(v.reason).trim() }),
      restock,
    }
    validateBody('RefundBody', body, {}, { amount: { currency: order.currency } })
    const what =
      amount === undefined
        ? t('orders.refund.everything', { left })
        : t('orders.refund.part', { amount: formatMoney(amount, order.currency), left })
    const ok = await confirmAction({
      title: t('orders.refund.title', { id: order.id }),
      body: [
        t('orders.refund.body', {
          what,
          id: order.id,
          total: formatMoney(order.total.amount, order.currency),
          provider: providerLabel(order.payment_provider),
        }),
        restock ? t('orders.refund.restocks') : t('orders.refund.noRestock'),
      ],
      confirm: t('orders.refund.confirm', { amount: amount === undefined ? left : formatMoney(amount, order.currency) }),
      danger: true,
    })
    if (!ok) throw CANCELLED
    let result
    try {
      result = await unwrap(
        api.POST('/api/v1/admin/orders/{id}/refunds', {
          params: { path: { id: order.id }, header: { 'idempotency-key': String(v.key) } },
          body,
        }),
      )
    } catch (err) {
      const limit = err instanceof ApiError ? (err.details[0] as { refundable?: unknown } | undefined)?.refundable : undefined
      if (typeof limit === 'number') {
        const max = formatMoney(limit, order.currency)
        throw invalid(t('orders.refund.tooMuch', { left: max }), { amount: t('orders.refund.atMost', { left: max }) })
      }
      throw err
    }
    onChanged()
    return t('orders.refund.done', {
      amount: formatMoney(result.refund.amount.amount, result.refund.amount.currency),
      provider: providerLabel(result.refund.provider),
      id: order.id,
      status: statusLabel(result.order.status),
    })
  })
  if (allowed.size === 0) {
    return (
      <section aria-labelledby="actions-title">
        <h2 id="actions-title">{t('orders.actions')}</h2>
        <p class="muted">{t('orders.nothingMore', { status: statusLabel(order.status) })}</p>
      </section>
    )
  }
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">{t('orders.actions')}</h2>
      <div class="panels">
        {allowed.has('confirm_payment') ? (
          <form class="stack card" onSubmit={submit((f) => void confirmPayment.run(f))} aria-labelledby="confirm-pay-title" noValidate>
            <h3 id="confirm-pay-title">{t('orders.pay.legend')}</h3>
            <FormErrors error={confirmPayment.error}>
              <Field label={t('orders.pay.reference')}>
                <input name="reference" maxLength={200} />
              </Field>
              <Field label={t('orders.pay.note')}>
                <input name="note" maxLength={500} />
              </Field>
            </FormErrors>
            <button type="submit" class="primary" disabled={confirmPayment.busy}>
              {t('orders.pay.button')}
            </button>
          </form>
        ) : null}
        {allowed.has('ship') ? (
          <form class="stack card" onSubmit={submit((f) => void ship.run(f))} aria-labelledby="ship-title" noValidate>
            <h3 id="ship-title">{t('orders.ship')}</h3>
            <FormErrors error={ship.error}>
              <Field label={t('orders.ship.carrier')}>
                <input name="carrier" maxLength={100} required />
              </Field>
              <Field label={t('orders.ship.tracking')}>
                <input name="tracking_number" maxLength={100} required />
              </Field>
              <Field label={t('orders.ship.note')}>
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <button class="primary" type="submit" disabled={ship.busy}>
              {t('orders.ship')}
            </button>
          </form>
        ) : null}
        {allowed.has('deliver') ? (
          <div class="stack card" role="group" aria-labelledby="deliver-title">
            <h3 id="deliver-title">{t('orders.deliver')}</h3>
            <ErrorBox error={deliver.error} />
            <p class="muted small">{t('orders.deliver.hint')}</p>
            <button type="button" class="primary" disabled={deliver.busy} onClick={() => void deliver.run()}>
              {t('orders.deliver.button')}
            </button>
          </div>
        ) : null}
        {allowed.has('refund') ? (
          <form class="stack card" onSubmit={submit((f) => void refund.run(f))} aria-labelledby="refund-title" noValidate>
            <h3 id="refund-title">{t('orders.refund')}</h3>
            <p class="muted small">
              {tx('orders.refund.sofar', {
                refunded: <Money value={order.refunded} />,
                total: <Money value={order.total} />,
                provider: providerLabel(order.payment_provider),
              })}
            </p>
            {/* One key per form instance: a double submit or a retry after a network error refunds once. */}
            <input type="hidden" name="key" value={`dash-${order.id}-${order.refunded.amount}-${order.updated_at}`} />
            <FormErrors error={refund.error}>
              <Field label={t('orders.refund.amountField', { currency: order.currency })} hint={t('orders.refund.amountHint', { left })}>
                <input name="amount" inputMode="decimal" pattern="[0-9]*[.,]?[0-9]*" />
              </Field>
              <Field label={t('orders.refund.reasonField')}>
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <label class="check">
              <input name="restock" type="checkbox" /> {t('orders.refund.restockCheck')}
            </label>
            <button type="submit" class="danger" disabled={refund.busy}>
              {t('orders.refund.button')}
            </button>
          </form>
        ) : null}
        {allowed.has('cancel') ? (
          <form class="stack card" onSubmit={submit((f) => void cancel.run(f))} aria-labelledby="cancel-title" noValidate>
            <h3 id="cancel-title">{t('orders.cancel')}</h3>
            <FormErrors error={cancel.error}>
              <Field label={t('orders.cancel.reason')}>
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <button type="submit" class="danger" disabled={cancel.busy}>
              {t('orders.cancel.button')}
            </button>
          </form>
        ) : null}
      </div>
    </section>
  )
}

export function OrderDetailPage({ id }: { id: string }) {
  const loaded = useLoad(() => unwrap(api.GET('/api/v1/admin/orders/{id}', { params: { path: { id } } })), [id])
  const order = loaded.data
  if (!order) return <Loading loaded={loaded} />
  const a = order.shipping_address
  return (
    <section>
      <PageTitle
        actions={
          <a class="button" href={link('orders')}>
            {t('orders.all')}
          </a>
        }
      >
        {t('orders.pageTitle', { id: order.id })}
      </PageTitle>
      {loaded.error ? <ErrorBox error={loaded.error} /> : null}
      <dl class="facts">
        <div>
          <dt>{t('orders.fact.status')}</dt>
          <dd>
            <Badge value={order.status} />
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.total')}</dt>
          <dd>
            <Money value={order.total} />
            <span class="muted small">
              {' '}
              {tx('orders.fact.breakdown', {
                subtotal: <Money value={order.subtotal} />,
                discount: <Money value={order.discount} />,
                tax: <Money value={order.tax} />,
                shipping: <Money value={order.shipping} />,
              })}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.refunded')}</dt>
          <dd>
            <Money value={order.refunded} />
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.customer')}</dt>
          <dd>
            <a href={link(`customers/${order.user_id}`)}>{order.customer_name ?? order.shipping_address.name}</a>
            {order.email ? <span class="muted"> · {order.email}</span> : null} ·{' '}
            <a href={link('orders', { user_id: order.user_id })}>{t('orders.fact.allTheirOrders')}</a>
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.shipTo')}</dt>
          <dd>
            {[a.name, a.line1, a.line2, a.postal_code, a.city, a.region, a.country].filter(Boolean).join(', ')}
            {order.shipping_method ? <span class="muted"> · {order.shipping_method.name}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.payment')}</dt>
          <dd>
            {providerLabel(order.payment_provider)}
            {order.payment_due_at && (order.status === 'pending' || order.status === 'processing') ? (
              <span class="muted"> · {t('orders.fact.due', { at: formatDate(order.payment_due_at) })}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('orders.fact.created')}</dt>
          <dd>{formatDate(order.created_at)}</dd>
        </div>
      </dl>
      <Lines order={order} />
      <Actions order={order} onChanged={loaded.reload} />
      <OrderShipmentsPanel order={order} onChanged={loaded.reload} />
      <OrderReturnsPanel order={order} onChanged={loaded.reload} />
      <Payments orderId={order.id} version={order.updated_at} />
      <Timeline order={order} onChanged={loaded.reload} />
    </section>
  )
}
