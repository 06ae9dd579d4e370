// Orders for staff/admin: list with filters, detail with lines, payments and the status timeline,
// transitions (ship with tracking, deliver, cancel…), manual payment confirmation and refunds.
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import {
  Badge,
  compact,
  Done,
  ErrorBox,
  Field,
  formatDate,
  formValues,
  Loading,
  Money,
  Pager,
  PageTitle,
  PaymentCells,
  PaymentHeadings,
  submit,
  toMajor,
  toMinor,
  useAction,
  useLoad,
  usePager,
} from '../ui'

type Order = Schemas['Order']
type OrderStatus = Schemas['OrderStatus']

/** A date input (YYYY-MM-DD, local day) as the ISO instant the API filters on. */
const dayStart = (day: string, plusDays = 0) => {
  if (!day) return undefined
  const d = new Date(`${day}T00:00:00`)
  d.setDate(d.getDate() + plusDays)
  return d.toISOString()
}

export function OrdersPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? '') as OrderStatus | ''
  const userId = route.query.get('user_id') ?? ''
  const from = route.query.get('from') ?? ''
  const to = route.query.get('to') ?? ''
  const pager = usePager([status, userId, from, to].join('|'))
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/orders', {
          params: {
            query: compact({
              status: status || undefined,
              user_id: userId,
              from: dayStart(from),
              // "to" is inclusive in the form, exclusive in the API.
              to: dayStart(to, 1),
              cursor: pager.cursor,
              limit: 25,
            }),
          },
        }),
      ),
    [status, userId, from, to, pager.cursor],
  )
  return (
    <section>
      <PageTitle>Orders</PageTitle>
      <form
        class="filters"
        role="search"
        aria-label="Filter orders"
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('orders', { status: String(v.status), user_id: String(v.user_id).trim(), from: String(v.from), to: String(v.to) })
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
        <Field label="Customer id">
          <input name="user_id" defaultValue={userId} />
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
      {list.data ? (
        list.data.data.length === 0 ? (
          <p class="muted">No orders match.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Created</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Items
                </th>
                <th scope="col" class="num">
                  Total
                </th>
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
                  <td>{o.email ?? o.shipping_address.name}</td>
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

function Timeline({ order }: { order: Order }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Status timeline</h2>
      <ol class="timeline">
        {order.timeline.map((t, i) => (
          <li key={i}>
            <time dateTime={t.at}>{formatDate(t.at)}</time>
            <div>
              {t.from ? (
                <>
                  <Badge value={t.from} /> →{' '}
                </>
              ) : null}
              <Badge value={t.to} />
              <span class="muted small">
                {' '}
                by {t.actor.type}
                {t.actor.id ? ` ${t.actor.id}` : ''}
              </span>
              {t.reason ? <div>{t.reason}</div> : null}
              {t.meta && Object.keys(t.meta).length > 0 ? (
                <div class="muted small">
                  {Object.entries(t.meta)
                    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(' · ')}
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}

function Lines({ order }: { order: Order }) {
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">Lines</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">SKU</th>
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
  const loaded = useLoad(() => unwrap(api.GET('/api/v1/admin/orders/{id}/payments', { params: { path: { id: orderId } } })), [orderId, version])
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

function Actions({ order, onChanged }: { order: Order; onChanged: (o: Order | null) => void }) {
  const transition = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const next = await unwrap(
      api.POST('/api/v1/admin/orders/{id}/transition', {
        params: { path: { id: order.id } },
        body: {
          to: String(v.to) as OrderStatus,
          ...compact({
            reason: String(v.reason).trim(),
            carrier: String(v.carrier).trim(),
            tracking_number: String(v.tracking_number).trim(),
          }),
        },
      }),
    )
    onChanged(next)
    return `Order is now ${next.status.replace(/_/g, ' ')}.`
  })
  const confirmPayment = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    await unwrap(
      api.POST('/api/v1/admin/orders/{id}/confirm-payment', {
        params: { path: { id: order.id } },
        body: compact({ reference: String(v.reference).trim(), note: String(v.note).trim() }),
      }),
    )
    onChanged(null)
    return 'Payment confirmed: the order is paid.'
  })
  const refund = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const amount = String(v.amount).trim()
    const result = await unwrap(
      api.POST('/api/v1/admin/orders/{id}/refunds', {
        params: { path: { id: order.id }, header: { 'idempotency-key': String(v.key) } },
        body: {
          ...(amount ? { amount: toMinor(amount, order.currency) } : {}),
          ...compact({ reason: String(v.reason).trim() }),
          restock: v.restock === true,
        },
      }),
    )
    onChanged(null)
    return `Refunded ${toMajor(result.refund.amount.amount, result.refund.amount.currency)} ${result.refund.amount.currency}; the order is ${result.order.status.replace(/_/g, ' ')}.`
  })
  const remaining = order.total.amount - order.refunded.amount
  return (
    <section aria-labelledby="actions-title" class="panels">
      <h2 id="actions-title" class="sr-only">
        Actions
      </h2>
      <form class="stack card" onSubmit={submit((f) => void transition.run(f))} aria-labelledby="transition-title">
        <h3 id="transition-title">Change status</h3>
        <p class="muted small">Shipping needs a carrier and tracking number; the API refuses transitions the order cannot make.</p>
        <ErrorBox error={transition.error} />
        <Done message={transition.done} />
        <Field label="New status">
          <select name="to" defaultValue={order.status === 'paid' ? 'shipped' : order.status === 'shipped' ? 'delivered' : ''} required>
            <option value="" disabled>
              Choose…
            </option>
            {enums.OrderStatus.filter((s) => s !== order.status).map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Carrier">
          <input name="carrier" />
        </Field>
        <Field label="Tracking number">
          <input name="tracking_number" />
        </Field>
        <Field label="Reason or note">
          <input name="reason" />
        </Field>
        <button class="primary" type="submit" disabled={transition.busy}>
          Apply status
        </button>
      </form>
      {order.payment_provider === 'manual' && (order.status === 'pending' || order.status === 'processing') ? (
        <form class="stack card" onSubmit={submit((f) => void confirmPayment.run(f))} aria-labelledby="confirm-title">
          <h3 id="confirm-title">Confirm manual payment</h3>
          <ErrorBox error={confirmPayment.error} />
          <Done message={confirmPayment.done} />
          <Field label="Bank reference or receipt">
            <input name="reference" />
          </Field>
          <Field label="Note">
            <input name="note" />
          </Field>
          <button type="submit" disabled={confirmPayment.busy}>
            Confirm payment received
          </button>
        </form>
      ) : null}
      <form class="stack card" onSubmit={submit((f) => void refund.run(f))} aria-labelledby="refund-title">
        <h3 id="refund-title">Refund</h3>
        <p class="muted small">
          Refunded so far <Money value={order.refunded} /> of <Money value={order.total} />.
        </p>
        <ErrorBox error={refund.error} />
        <Done message={refund.done} />
        {/* One key per form instance: a double submit or a retry after a network error refunds once. */}
        <input type="hidden" name="key" value={`dash-${order.id}-${order.refunded.amount}-${order.updated_at}`} />
        <Field label={`Amount (${order.currency})`} hint={`Empty refunds the remainder (${toMajor(remaining, order.currency)})`}>
          <input name="amount" inputMode="decimal" />
        </Field>
        <Field label="Reason">
          <input name="reason" />
        </Field>
        <label class="check">
          <input name="restock" type="checkbox" /> Put the items back in stock
        </label>
        <button type="submit" class="danger" disabled={refund.busy}>
          Refund
        </button>
      </form>
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
      <PageTitle actions={<a class="button" href={link('orders')}>All orders</a>}>{`Order ${order.id}`}</PageTitle>
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
            {order.email ?? '—'} ·{' '}
            <a href={link('orders', { user_id: order.user_id })}>
              <code>{order.user_id}</code>
            </a>
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
            {order.payment_provider}
            {order.payment_due_at ? <span class="muted"> · due {formatDate(order.payment_due_at)}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDate(order.created_at)}</dd>
        </div>
      </dl>
      <Lines order={order} />
      <Actions order={order} onChanged={() => loaded.reload()} />
      <Payments orderId={order.id} version={order.updated_at} />
      <Timeline order={order} />
    </section>
  )
}
