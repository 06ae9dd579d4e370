// A seller's own order lines, with fulfilment: ship a line with carrier and tracking number.
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { navigate, type Route } from '../router'
import {
  Badge,
  compact,
  ErrorBox,
  Field,
  formatDate,
  formValues,
  Loading,
  Money,
  PageTitle,
  Pager,
  submit,
  useAction,
  useLoad,
  usePager,
} from '../ui'
import { statusLabel, t } from '../i18n'

type Line = Schemas['SellerOrderLine']
type Fulfilment = Line['fulfilment_status']

function ShipForm({ line, onShipped }: { line: Line; onShipped: () => void }) {
  const ship = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    await unwrap(
      api.POST('/api/v1/seller/order-lines/{id}/ship', {
        params: { path: { id: line.id } },
        body: { carrier: String(v.carrier), tracking_number: String(v.tracking_number) },
      }),
    )
    onShipped()
  })
  return (
    <form
      class="inline"
      onSubmit={submit((f) => void ship.run(f))}
      aria-label={t('lines.shipForm', { sku: line.sku, order: line.order_id })}
    >
      <Field label={t('path.carrier')}>
        <input name="carrier" size={10} required />
      </Field>
      <Field label={t('path.tracking_number')}>
        <input name="tracking_number" size={14} required />
      </Field>
      <button type="submit" disabled={ship.busy}>
        {t('lines.ship')}
      </button>
      <ErrorBox error={ship.error} />
    </form>
  )
}

export function SellerLinesPage({ route }: { route: Route }) {
  const status = (route.query.get('fulfilment_status') ?? '') as Fulfilment | ''
  const pager = usePager(status)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/seller/order-lines', {
          params: { query: compact({ fulfilment_status: status || undefined, cursor: pager.cursor, limit: 25 }) },
        }),
      ),
    [status, pager.cursor],
  )
  const shipped = useAction(async () => {
    list.reload()
    return t('lines.shipped')
  })
  return (
    <section>
      <PageTitle>{t('nav.lines')}</PageTitle>
      <form
        class="filters"
        aria-label={t('lines.filter')}
        onSubmit={submit((f) => navigate('lines', { fulfilment_status: String(formValues(f).fulfilment_status) }))}
      >
        <Field label={t('lines.fulfilment')}>
          <select name="fulfilment_status" defaultValue={status}>
            <option value="">{t('common.any')}</option>
            {enums['OrderLine.fulfilment_status'].map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('lines.none')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('payments.order')}</th>
              <th scope="col">{t('analytics.product')}</th>
              <th scope="col" class="num">
                {t('lines.qty')}
              </th>
              <th scope="col" class="num">
                {t('lines.total')}
              </th>
              <th scope="col">{t('lines.shipTo')}</th>
              <th scope="col">{t('lines.fulfilment')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((l) => (
              <tr key={`${l.id}-${l.fulfilment_status}`}>
                <td>
                  <code>{l.order_id}</code>
                  <div>
                    <Badge value={l.order_status} />
                  </div>
                  <div class="small muted">{formatDate(l.created_at)}</div>
                </td>
                <td>
                  {l.product_name}
                  {l.variant_name ? <span class="muted"> · {l.variant_name}</span> : null}
                  <div class="small">
                    <code>{l.sku}</code>
                  </div>
                </td>
                <td class="num">{l.quantity}</td>
                <td class="num">
                  <Money value={l.total} />
                </td>
                <td class="small">
                  {l.shipping_address.name}, {l.shipping_address.city}, {l.shipping_address.country}
                </td>
                <td>
                  <Badge value={l.fulfilment_status} />
                  {l.tracking_number ? (
                    <div class="small">
                      {l.carrier} <code>{l.tracking_number}</code>
                    </div>
                  ) : null}
                  {/* The API decides whether the order can ship yet (paid, not refunded); it explains a refusal. */}
                  {l.fulfilment_status === 'unfulfilled' ? <ShipForm line={l} onShipped={() => void shipped.run()} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
    </section>
  )
}
