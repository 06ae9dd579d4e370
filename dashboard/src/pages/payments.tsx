// Payments (all providers) with filters, the providers enabled on this store, and payment alerts
// (amount/currency mismatches, late payments that need a manual refund…).
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import {
  Badge,
  compact,
  Field,
  formatDate,
  formValues,
  Loading,
  Pager,
  PageTitle,
  PaymentCells,
  PaymentHeadings,
  submit,
  useLoad,
  usePager,
  type Loaded,
} from '../ui'
import { statusLabel, t } from '../i18n'

type PaymentStatus = Schemas['PaymentStatus']
type PaymentMethod = Schemas['PaymentMethods']['data'][number]

const PROVIDER_LABELS: Record<string, string> = {
  stripe: 'Stripe',
  manual: 'Manual',
  paypal: 'PayPal',
  paystack: 'Paystack',
  chapa: 'Chapa',
  mpesa: 'M-Pesa',
  kaspi: 'Kaspi Pay',
}

/** A provider key as staff know it ("kaspi" → "Kaspi Pay"). */
export const providerLabel = (provider: string) =>
  provider === 'stripe' ? t('payments.stripe') : provider === 'manual' ? t('payments.manual') : (PROVIDER_LABELS[provider] ?? provider)

/** The providers shoppers can pay with now (GET /payment-methods), each linking to its payments. */
function EnabledProviders({ methods }: { methods: Loaded<{ data: PaymentMethod[] }> }) {
  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">{t('payments.enabled')}</h2>
      <Loading loaded={methods} />
      {methods.data && methods.data.data.length === 0 ? <p class="muted">{t('payments.noneEnabled')}</p> : null}
      {methods.data && methods.data.data.length > 0 ? (
        <table aria-label={t('payments.enabledTable')}>
          <thead>
            <tr>
              <th scope="col">{t('payment.provider')}</th>
              <th scope="col">{t('payments.currencies')}</th>
              <th scope="col">{t('payments.confirmedBy')}</th>
              <th scope="col">{t('payments.refunds')}</th>
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
                <td>{m.currencies ? m.currencies.join(', ') : t('payments.anyCurrency')}</td>
                <td>{m.confirmed_by === 'webhook' ? t('payments.byWebhook') : t('payments.byStaff')}</td>
                <td>
                  {m.refunds === 'api'
                    ? t('payments.refundThrough', { provider: providerLabel(m.provider) })
                    : m.provider === 'manual'
                      ? t('payments.refundManual')
                      : t('payments.refundCabinet', { provider: providerLabel(m.provider) })}
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
      <h2 id="alerts-title">{t('payments.alerts')}</h2>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('payments.noAlerts')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('payments.when')}</th>
              <th scope="col">{t('payments.kind')}</th>
              <th scope="col">{t('payments.order')}</th>
              <th scope="col">{t('payments.details')}</th>
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
      <PageTitle>{t('nav.payments')}</PageTitle>
      <form
        class="filters"
        role="search"
        aria-label={t('payments.filter')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('payments', { status: String(v.status), provider: String(v.provider), order_id: String(v.order_id).trim() })
        })}
      >
        <Field label={t('payment.status')}>
          <select name="status" defaultValue={status}>
            <option value="">{t('common.any')}</option>
            {enums.PaymentStatus.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('payment.provider')}>
          <select name="provider" defaultValue={provider}>
            <option value="">{t('common.any')}</option>
            {/* Every known provider: past payments may come from one that is no longer enabled. */}
            {enums['CheckoutBody.payment_provider'].map((p) => (
              <option key={p} value={p}>
                {providerLabel(p)}
                {methods.data && !enabled.has(p) ? ' (not enabled)' : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('payments.orderId')}>
          <input name="order_id" defaultValue={orderId} />
        </Field>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('payments.noneMatch')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('payments.created')}</th>
              <th scope="col">{t('payments.order')}</th>
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
