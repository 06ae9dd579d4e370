// Orders for staff/admin: list with filters, detail with lines, payments and the status timeline,
// transitions (ship with tracking, deliver, cancel…), manual payment confirmation and refunds.
import { api, ApiError, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import type { paths } from '../api-types'
import { link, navigate, type Route } from '../router'
import { providerLabel } from './payments'
import {
  SortHeading,
  Badge,
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
        Orders
      </PageTitle>
      <form
        class="filters"
        role="search"
        aria-label="Filter orders"
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
        <Field label="Status">
          <select name="status" defaultValue={status}>
            <option value="">Any</option>
            {enums.OrderStatus.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Customer email or id">
          <input name="customer" defaultValue={email || (route.query.get('user_id') ?? '')} />
        </Field>
        <Field label="Created from">
          <input name="from" type="date" defaultValue={from} />
        </Field>
        <Field label="Created to">
          <input name="to" type="date" defaultValue={to} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={list} />
      {/* biome-ignore lint/nursery/noMisusedPromises: list.data is the loaded value (the rule reads the async loader's type) */}
      {list.data ? (
        list.data.data.length === 0 ? (
          <p class="muted">{'noAccount' in list.data ? `No account has the email ${email}.` : 'No orders match.'}</p>
        ) : (
          <table aria-label="Orders">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <SortHeading label="Created" current={sort || 'newest'} asc="oldest" desc="newest" href={sortHref} />
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Items
                </th>
                <SortHeading label="Total" num current={sort} asc="total_asc" desc="total_desc" href={sortHref} />
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
  const label = key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())
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
    if (!text) throw invalid('Write the note first.', { text: 'is required' })
    if (text.length > 2000) throw invalid('The note is too long.', { text: `must be at most 2000 characters (it has ${text.length})` })
    await unwrap(api.POST('/api/v1/admin/orders/{id}/notes', { params: { path: { id: order.id } }, body: { text } }))
    form.reset()
    onChanged()
    return 'Note added.'
  })
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">
        {order.timeline.map((t, i) => (
          <li key={i} class={t.kind === 'note' ? 'note' : undefined}>
            <time dateTime={t.at}>{formatDate(t.at)}</time>
            <div>
              {t.kind === 'note' ? (
                <strong>Note</strong>
              ) : (
                <>
                  {t.from ? (
                    <>
                      <Badge value={t.from} /> →{' '}
                    </>
                  ) : null}
                  <Badge value={t.to} />
                </>
              )}
              <span class="muted small"> by {t.actor.name ? `${t.actor.name} (${t.actor.type})` : t.actor.type}</span>
              {t.reason ? <div class={t.kind === 'note' ? 'note-text' : undefined}>{t.reason}</div> : null}
              {t.meta && Object.keys(t.meta).length > 0 ? (
                <div class="muted small">
                  {Object.entries(t.meta)
                    .map(([k, v]) => metaText(k, v, order.currency))
                    .join(' · ')}
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <form class="stack card" onSubmit={submit((f) => void add.run(f))} aria-labelledby="note-title" noValidate>
        <h3 id="note-title">Add a note</h3>
        <FormErrors error={add.error}>
          <Field label="Note" hint="Only staff see notes; the customer and the sellers never do." wide>
            <textarea name="text" rows={2} maxLength={2000} required />
          </Field>
        </FormErrors>
        <button type="submit" disabled={add.busy}>
          Add note
        </button>
      </form>
    </section>
  )
}

function Lines({ order }: { order: AdminOrder }) {
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">Lines</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">SKU</th>
            <th scope="col">Seller</th>
            <th scope="col" class="num">
              Qty
            </th>
            <th scope="col" class="num">
              Unit
            </th>
            <th scope="col" class="num">
              Total
            </th>
            <th scope="col">Fulfilment</th>
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
      <h2 id="payments-title">Payments and refunds</h2>
      <Loading loaded={loaded} />
      {data && data.payments.length === 0 ? <p class="muted">No payment recorded yet.</p> : null}
      {data && data.payments.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Payment</th>
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
        <table aria-label="Refunds">
          <thead>
            <tr>
              <th scope="col">Refund</th>
              <th scope="col">Provider</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">Restock</th>
              <th scope="col" class="num">
                Amount
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
                <td>{r.restock ? 'yes' : 'no'}</td>
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
  const items = `${order.item_count} ${order.item_count === 1 ? 'item' : 'items'}`
  const move = async (body: Schemas['AdminOrderTransition']) => {
    const next = await unwrap(api.POST('/api/v1/admin/orders/{id}/transition', { params: { path: { id: order.id } }, body }))
    onChanged()
    return `Order ${order.id} is now ${next.status.replace(/_/g, ' ')}.`
  }
  const ship = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const carrier = String(v.carrier).trim()
    const tracking = String(v.tracking_number).trim()
    const missing: Record<string, string> = {}
    if (!carrier) missing.carrier = 'is required'
    if (!tracking) missing.tracking_number = 'is required'
    if (Object.keys(missing).length) throw invalid('Shipping needs the carrier and the tracking number.', missing)
    const ok = await confirmAction({
      title: `Ship order ${order.id}?`,
      body: [
        `${items} to ${order.shipping_address.name} go out with ${carrier}, tracking number ${tracking}.`,
        'The customer is notified.',
      ],
      confirm: 'Mark as shipped',
    })
    if (!ok) throw CANCELLED
    return move({ to: 'shipped', carrier, tracking_number: tracking, ...compact({ reason: String(v.reason).trim() }) })
  })
  const deliver = useAction(async () => {
    const ok = await confirmAction({
      title: `Mark order ${order.id} delivered?`,
      body: [`${items} to ${order.shipping_address.name} arrived.`],
      confirm: 'Mark as delivered',
    })
    if (!ok) throw CANCELLED
    return move({ to: 'delivered' })
  })
  const cancel = useAction(async (form: HTMLFormElement) => {
    const reason = String(formValues(form).reason).trim()
    const ok = await confirmAction({
      title: `Cancel order ${order.id}?`,
      body: [
        `The order of ${formatMoney(order.total.amount, order.currency)} is cancelled and its reserved stock released. This cannot be undone.`,
      ],
      confirm: 'Cancel the order',
      danger: true,
    })
    if (!ok) throw CANCELLED
    return move({ to: 'cancelled', ...compact({ reason }) })
  })
  const confirmPayment = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const ok = await confirmAction({
      title: `Confirm payment of order ${order.id}?`,
      body: [`You received ${formatMoney(order.total.amount, order.currency)} for this order.`],
      confirm: 'Confirm payment received',
    })
    if (!ok) throw CANCELLED
    await unwrap(
      api.POST('/api/v1/admin/orders/{id}/confirm-payment', {
        params: { path: { id: order.id } },
        body: compact({ reference: String(v.reference).trim(), note: String(v.note).trim() }),
      }),
    )
    onChanged()
    return `Payment confirmed: order ${order.id} is paid.`
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
        throw invalid('The refund amount is not a valid amount.', { amount: `must be a positive amount in ${order.currency}` })
      if (amount > remaining) throw invalid(`The refund is more than the ${left} left to refund.`, { amount: `can be at most ${left}` })
    }
    const restock = v.restock === true
    const what = amount === undefined ? `everything left, ${left},` : `${formatMoney(amount, order.currency)} of the ${left} left`
    const ok = await confirmAction({
      title: `Refund order ${order.id}?`,
      body: [
        `Refund ${what} on order ${order.id} (total ${formatMoney(order.total.amount, order.currency)}) to the customer through ${providerLabel(order.payment_provider)}.`,
        restock ? 'The items go back in stock.' : 'The items are not put back in stock.',
      ],
      confirm: `Refund ${amount === undefined ? left : formatMoney(amount, order.currency)}`,
      danger: true,
    })
    if (!ok) throw CANCELLED
    let result
    try {
      result = await unwrap(
        api.POST('/api/v1/admin/orders/{id}/refunds', {
          params: { path: { id: order.id }, header: { 'idempotency-key': String(v.key) } },
          body: { ...(amount !== undefined ? { amount } : {}), ...compact({ reason: String(v.reason).trim() }), restock },
        }),
      )
    } catch (err) {
      const limit = err instanceof ApiError ? (err.details[0] as { refundable?: unknown } | undefined)?.refundable : undefined
      if (typeof limit === 'number') {
        const max = formatMoney(limit, order.currency)
        throw invalid(`The refund is more than the ${max} left to refund.`, { amount: `can be at most ${max}` })
      }
      throw err
    }
    onChanged()
    return `Refunded ${formatMoney(result.refund.amount.amount, result.refund.amount.currency)} through ${providerLabel(result.refund.provider)} on order ${order.id}; it is now ${result.order.status.replace(/_/g, ' ')}.`
  })
  if (allowed.size === 0) {
    return (
      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <p class="muted">Nothing more can be done with a {order.status.replace(/_/g, ' ')} order.</p>
      </section>
    )
  }
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div class="panels">
        {allowed.has('confirm_payment') ? (
          <form class="stack card" onSubmit={submit((f) => void confirmPayment.run(f))} aria-labelledby="confirm-pay-title" noValidate>
            <h3 id="confirm-pay-title">Confirm manual payment</h3>
            <FormErrors error={confirmPayment.error}>
              <Field label="Bank reference or receipt">
                <input name="reference" maxLength={200} />
              </Field>
              <Field label="Note">
                <input name="note" maxLength={500} />
              </Field>
            </FormErrors>
            <button type="submit" class="primary" disabled={confirmPayment.busy}>
              Confirm payment received
            </button>
          </form>
        ) : null}
        {allowed.has('ship') ? (
          <form class="stack card" onSubmit={submit((f) => void ship.run(f))} aria-labelledby="ship-title" noValidate>
            <h3 id="ship-title">Ship</h3>
            <FormErrors error={ship.error}>
              <Field label="Carrier">
                <input name="carrier" maxLength={100} required />
              </Field>
              <Field label="Tracking number">
                <input name="tracking_number" maxLength={100} required />
              </Field>
              <Field label="Note">
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <button class="primary" type="submit" disabled={ship.busy}>
              Ship
            </button>
          </form>
        ) : null}
        {allowed.has('deliver') ? (
          <div class="stack card" role="group" aria-labelledby="deliver-title">
            <h3 id="deliver-title">Deliver</h3>
            <ErrorBox error={deliver.error} />
            <p class="muted small">When the carrier reports the parcel delivered.</p>
            <button type="button" class="primary" disabled={deliver.busy} onClick={() => void deliver.run()}>
              Mark as delivered
            </button>
          </div>
        ) : null}
        {allowed.has('refund') ? (
          <form class="stack card" onSubmit={submit((f) => void refund.run(f))} aria-labelledby="refund-title" noValidate>
            <h3 id="refund-title">Refund</h3>
            <p class="muted small">
              Refunded so far <Money value={order.refunded} /> of <Money value={order.total} />. The money goes back through{' '}
              {providerLabel(order.payment_provider)}, which took it.
            </p>
            {/* One key per form instance: a double submit or a retry after a network error refunds once. */}
            <input type="hidden" name="key" value={`dash-${order.id}-${order.refunded.amount}-${order.updated_at}`} />
            <FormErrors error={refund.error}>
              <Field label={`Amount (${order.currency})`} hint={`Leave empty to refund everything left: ${left}`}>
                <input name="amount" inputMode="decimal" pattern="[0-9]*[.,]?[0-9]*" />
              </Field>
              <Field label="Reason">
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <label class="check">
              <input name="restock" type="checkbox" /> Put the items back in stock
            </label>
            <button type="submit" class="danger" disabled={refund.busy}>
              Refund
            </button>
          </form>
        ) : null}
        {allowed.has('cancel') ? (
          <form class="stack card" onSubmit={submit((f) => void cancel.run(f))} aria-labelledby="cancel-title" noValidate>
            <h3 id="cancel-title">Cancel</h3>
            <FormErrors error={cancel.error}>
              <Field label="Reason">
                <input name="reason" maxLength={500} />
              </Field>
            </FormErrors>
            <button type="submit" class="danger" disabled={cancel.busy}>
              Cancel order
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
            All orders
          </a>
        }
      >{`Order ${order.id}`}</PageTitle>
      {loaded.error ? <ErrorBox error={loaded.error} /> : null}
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <Badge value={order.status} />
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>
            <Money value={order.total} />
            <span class="muted small">
              {' '}
              (items <Money value={order.subtotal} />, discount <Money value={order.discount} />, tax <Money value={order.tax} />, shipping{' '}
              <Money value={order.shipping} />)
            </span>
          </dd>
        </div>
        <div>
          <dt>Refunded</dt>
          <dd>
            <Money value={order.refunded} />
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <a href={link(`customers/${order.user_id}`)}>{order.customer_name ?? order.shipping_address.name}</a>
            {order.email ? <span class="muted"> · {order.email}</span> : null} ·{' '}
            <a href={link('orders', { user_id: order.user_id })}>all their orders</a>
          </dd>
        </div>
        <div>
          <dt>Ship to</dt>
          <dd>
            {[a.name, a.line1, a.line2, a.postal_code, a.city, a.region, a.country].filter(Boolean).join(', ')}
            {order.shipping_method ? <span class="muted"> · {order.shipping_method.name}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Payment</dt>
          <dd>
            {providerLabel(order.payment_provider)}
            {order.payment_due_at && (order.status === 'pending' || order.status === 'processing') ? (
              <span class="muted"> · due {formatDate(order.payment_due_at)}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
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
