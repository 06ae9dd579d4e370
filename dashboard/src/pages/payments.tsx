// Payments (all providers) with filters, and payment alerts (amount/currency mismatches…).
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import { Badge, compact, Field, formatDate, formValues, Loading, Pager, PageTitle, PaymentCells, PaymentHeadings, submit, useLoad, usePager } from '../ui'

type PaymentStatus = Schemas['PaymentStatus']

function Alerts() {
  const list = useLoad(() => unwrap(api.GET('/api/v1/admin/payment-alerts', { params: { query: { limit: 20 } } })), [])
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">No payment alerts.</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Kind</th>
              <th scope="col">Order</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((a) => (
              <tr key={a.id}>
                <td>{formatDate(a.created_at)}</td>
                <td>
                  <Badge value={a.kind} />
                </td>
                <td>{a.order_id ? <a href={link(`orders/${a.order_id}`)}>{a.order_id}</a> : '—'}</td>
                <td class="small">
                  <code>{JSON.stringify(a.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

export function PaymentsPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? '') as PaymentStatus | ''
  const provider = route.query.get('provider') ?? ''
  const orderId = route.query.get('order_id') ?? ''
  const pager = usePager(`${status}|${provider}|${orderId}`)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/payments', {
          params: { query: compact({ status: status || undefined, provider, order_id: orderId, cursor: pager.cursor, limit: 25 }) },
        }),
      ),
    [status, provider, orderId, pager.cursor],
  )
  return (
    <section>
      <PageTitle>Payments</PageTitle>
      <form
        class="filters"
        role="search"
        aria-label="Filter payments"
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('payments', { status: String(v.status), provider: String(v.provider), order_id: String(v.order_id).trim() })
        })}
      >
        <Field label="Status">
          <select name="status" defaultValue={status}>
            <option value="">Any</option>
            {enums.PaymentStatus.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Provider">
          <select name="provider" defaultValue={provider}>
            <option value="">Any</option>
            {enums['CheckoutBody.payment_provider'].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Order id">
          <input name="order_id" defaultValue={orderId} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">No payments match.</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Order</th>
              <PaymentHeadings />
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((p) => (
              <tr key={p.id}>
                <td>{formatDate(p.created_at)}</td>
                <td>
                  <a href={link(`orders/${p.order_id}`)}>
                    <code>{p.order_id}</code>
                  </a>
                </td>
                <PaymentCells payment={p} />
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
      <Alerts />
    </section>
  )
}
