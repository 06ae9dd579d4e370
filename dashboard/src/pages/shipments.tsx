// Carrier shipments: labels bought for orders (UPS, FedEx), their tracking status and the scans the
// tracking cron recorded, with the label download (the label route needs the session's token, so the
// file is fetched and opened as a blob rather than linked).
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { navigate, link, type Route } from '../router'
import { Badge, ErrorBox, Field, formatDate, formValues, Loading, PageTitle, submit, useAction, useLoad } from '../ui'
import { statusLabel, t } from '../i18n'

type Shipment = Schemas['Shipment']
const STATUSES = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'voided'] as const

/** Open a shipment's label in a new tab (fetched with the session's token). */
export function LabelButton({ shipment }: { shipment: Shipment }) {
  const [error, setError] = useState<unknown>(null)
  if (!shipment.label_url) return null
  const open = async () => {
    setError(null)
    try {
      const { data, response } = await api.GET('/api/v1/shipments/{id}/label', { params: { path: { id: shipment.id } }, parseAs: 'blob' })
      if (!response.ok || !data) throw new Error(t('shipments.labelFailed', { status: String(response.status) }))
      window.open(URL.createObjectURL(data as Blob), '_blank', 'noopener')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={open}>
        {t('shipments.label', { carrier: shipment.carrier_name, tracking: shipment.tracking_number ?? '' })}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  )
}

/** The scans of one shipment, oldest first. */
export function TrackingEvents({ shipment }: { shipment: Shipment }) {
  if (!shipment.events.length) return <p class="muted small">{t('shipments.noScans')}</p>
  return (
    <ol class="small">
      {shipment.events.map((e) => (
        <li key={`${e.at}-${e.code}`}>
          {formatDate(e.at)} · <Badge value={e.status} /> {e.description}
          {e.location ? ` (${e.location})` : ''}
        </li>
      ))}
    </ol>
  )
}

function ShipmentRow({ s }: { s: Shipment }) {
  const [open, setOpen] = useState(false)
  const detail = useLoad(
    () => (open ? unwrap(api.GET('/api/v1/admin/orders/{id}/shipments', { params: { path: { id: s.order_id } } })) : Promise.resolve(null)),
    [open, s.order_id],
  )
  const full = detail.data?.data.find((x) => x.id === s.id)
  return (
    <>
      <tr>
        <td>{formatDate(s.created_at)}</td>
        <td>
          <a href={link(`orders/${s.order_id}`)}>{s.order_id}</a>
        </td>
        <td>
          {s.carrier_name} <code class="small">{s.service_code}</code>
        </td>
        <td>
          <code>{s.tracking_number ?? '—'}</code>
        </td>
        <td>
          <Badge value={s.status} />
        </td>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t('shipments.hideScans') : t('shipments.scans')}
          </button>{' '}
          <LabelButton shipment={s} />
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>{full ? <TrackingEvents shipment={full} /> : <Loading loaded={detail} />}</td>
        </tr>
      ) : null}
    </>
  )
}

export function ShipmentsPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? undefined) as (typeof STATUSES)[number] | undefined
  const list = useLoad(
    () => unwrap(api.GET('/api/v1/admin/shipments', { params: { query: { limit: 50, ...(status ? { status } : {}) } } })),
    [status],
  )
  return (
    <section>
      <PageTitle>{t('nav.shipments')}</PageTitle>
      <p class="muted">{t('shipments.intro')}</p>
      <label>
        {t('payment.status')}{' '}
        <select
          value={status ?? ''}
          onChange={(e) => navigate('shipments', { status: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">{t('common.any')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">{t('shipments.none')}</p> : null}
      {list.data && list.data.data.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('shipments.bought')}</th>
              <th scope="col">{t('payments.order')}</th>
              <th scope="col">{t('path.carrier')}</th>
              <th scope="col">{t('shipments.tracking')}</th>
              <th scope="col">{t('payment.status')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((s) => (
              <ShipmentRow key={s.id} s={s} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

type AdminOrder = Schemas['AdminOrder']

/**
 * The order page's carrier panel: its shipments (label, scans) and, while lines are unshipped and the
 * order can ship, a form that buys one label for the checked lines. One Idempotency-Key per form, so a
 * double click buys one label; a new key after each purchase.
 */
export function OrderShipmentsPanel({ order, onChanged }: { order: AdminOrder; onChanged: () => void }) {
  const list = useLoad(
    () => unwrap(api.GET('/api/v1/admin/orders/{id}/shipments', { params: { path: { id: order.id } } })),
    [order.id, order.updated_at],
  )
  const [key, setKey] = useState(() => crypto.randomUUID())
  const buy = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const line_ids = order.lines.filter((l) => v[`line-${l.id}`] === true).map((l) => l.id)
    if (!line_ids.length) throw new Error(t('shipments.checkLine'))
    const carrier = String(v.carrier ?? '')
    const service_code = String(v.service_code ?? '').trim()
    const weight = String(v.weight_grams ?? '').trim()
    const shipment = await unwrap(
      api.POST('/api/v1/admin/orders/{id}/shipments', {
        params: { path: { id: order.id }, header: { 'idempotency-key': key } },
        body: {
          line_ids,
          ...(carrier === 'ups' || carrier === 'fedex' ? { carrier, service_code } : {}),
          ...(weight ? { weight_grams: Number(weight) } : {}),
        },
      }),
    )
    setKey(crypto.randomUUID())
    list.reload()
    onChanged()
    return t('shipments.labelBought', { carrier: shipment.carrier_name, tracking: shipment.tracking_number ?? '' })
  })
  const unshipped = order.lines.filter((l) => l.fulfilment_status === 'unfulfilled')
  const canShip = order.status === 'paid' || order.status === 'partially_refunded'
  return (
    <section aria-labelledby="shipments-title">
      <h2 id="shipments-title">{t('shipments.carrierShipments')}</h2>
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">{t('shipments.noLabels')}</p> : null}
      {list.data?.data.map((s) => (
        <div key={s.id} class="detail">
          <p>
            <Badge value={s.status} /> {s.carrier_name} <code>{s.tracking_number ?? '—'}</code> ·{' '}
            {t('count.lines', { count: s.line_ids.length })} · {t('shipments.boughtAt', { at: formatDate(s.created_at) })}{' '}
            <LabelButton shipment={s} />
          </p>
          <TrackingEvents shipment={s} />
        </div>
      ))}
      {canShip && unshipped.length ? (
        <form onSubmit={submit((f) => void buy.run(f))}>
          <fieldset>
            <legend>{t('shipments.buyLegend')}</legend>
            {unshipped.map((l) => (
              <label key={l.id}>
                <input type="checkbox" name={`line-${l.id}`} defaultChecked /> {l.product_name} × {l.quantity}
              </label>
            ))}
            <Field label={t('path.carrier')} hint={t('shipments.carrierHint')}>
              <select name="carrier">
                <option value="">{t('shipments.ordersMethod')}</option>
                <option value="ups">UPS</option>
                <option value="fedex">FedEx</option>
              </select>
            </Field>
            <Field label={t('shipments.service')} hint={t('shipments.serviceHint')}>
              <input name="service_code" />
            </Field>
            <Field label={t('shipments.weight')} hint={t('shipments.weightHint')}>
              <input name="weight_grams" type="number" min={1} inputMode="numeric" />
            </Field>
            <button type="submit" disabled={buy.busy}>
              {buy.busy ? t('shipments.buying') : t('shipments.buy')}
            </button>
            {buy.error ? <ErrorBox error={buy.error} /> : null}
          </fieldset>
        </form>
      ) : null}
    </section>
  )
}
