// Payments (all providers) with filters, the providers enabled on this store, and payment alerts
// (amount/currency mismatches, late payments that need a manual refund…).
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import { Badge, compact, Field, formatDate, formValues, Loading, Pager, PageTitle, PaymentCells, PaymentHeadings, submit, useLoad, usePager, type Loaded } from '../ui'

type PaymentStatus = Schemas['PaymentStatus']
type PaymentMethod = Schemas['PaymentMethods']['data'][number]

const PROVIDER_LABELS: Record<string, string> = {
  stripe: 'Stripe (cards)',
  manual: 'Manual (bank transfer, cash)',
  paypal: 'PayPal',
  paystack: 'Paystack',
  chapa: 'Chapa',
  mpesa: 'M-Pesa',
  kaspi: 'Kaspi Pay',
}

/** A provider key as staff know it ("kaspi" → "Kaspi Pay"). */
export const providerLabel = (provider: string) => PROVIDER_LABELS[provider] ?? provider

/** The providers shoppers can pay with now (GET /payment-methods), each linking to its payments. */
function EnabledProviders({ methods }: { methods: Loaded<{ data: PaymentMethod[] }> }) {
  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">Enabled providers</h2>
      <Loading loaded={methods} />
      {methods.data && methods.data.data.length === 0 ? <p class="muted">No payment provider is enabled.</p> : null}
      {methods.data && methods.data.data.length > 0 ? (
        <table aria-label="Enabled payment providers">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Currencies</th>
              <th scope="col">Payment confirmed by</th>
              <th scope="col">Refunds</th>
            </tr>
          </thead>
          <tbody>
            {methods.data.data.map((m) => (
              <tr key={m.provider}>
                <td>
                  <a href={link('payments', { provider: m.provider })}>{providerLabel(m.provider)}</a>
                  <div class="small muted">
                    <code>{m.provider}</code>
                  </div>
                </td>
                <td>{m.currencies ? m.currencies.join(', ') : 'any'}</td>
                <td>{m.confirmed_by === 'webhook' ? 'the provider (webhook)' : 'staff'}</td>
                <td>
                  {m.refunds === 'api'
                    ? `through ${providerLabel(m.provider)}`
                    : m.provider === 'manual'
                      ? 'by hand, recorded here'
                      : `by hand in the ${providerLabel(m.provider)} cabinet`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

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
                  {typeof a.details.action === 'string' ? (
                    <div>
                      <strong>{a.details.action}</strong>
                    </div>
                  ) : null}
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
  const methods = useLoad(() => unwrap(api.GET('/api/v1/payment-methods')), [])
  const enabled = new Set(methods.data?.data.map((m) => m.provider))
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
            {/* Every known provider: past payments may come from one that is no longer enabled. */}
            {enums['CheckoutBody.payment_provider'].map((p) => (
              <option key={p} value={p}>
                {providerLabel(p)}
                {methods.data && !enabled.has(p) ? ' (not enabled)' : ''}
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
      <EnabledProviders methods={methods} />
      <Alerts />
    </section>
  )
}
