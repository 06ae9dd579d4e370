// The notifications log: deliveries per event and channel (status, attempts, errors), one
// delivery's rendered text (log provider), and the dead letters the queue gave up on.
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { navigate, type Route } from '../router'
import { Badge, compact, Field, formatDate, formValues, Loading, PageTitle, Pager, submit, useLoad, usePager } from '../ui'
import { statusLabel, t } from '../i18n'

type DeliveryStatus = Schemas['NotificationDelivery']['status']
type Channel = Schemas['NotificationDelivery']['channel']

function DeliveryDetail({ id }: { id: string }) {
  const one = useLoad(() => unwrap(api.GET('/api/v1/admin/notifications/{id}', { params: { path: { id } } })), [id])
  if (!one.data) return <Loading loaded={one} />
  const d = one.data
  return (
    <div class="detail">
      <p class="small">
        {t('notifications.event')} <code>{d.event_id}</code> · {t('notifications.providerMessage')}{' '}
        <code>{d.provider_message_id ?? '—'}</code> · {t('notifications.sentAt', { at: formatDate(d.sent_at) })}
      </p>
      {d.last_error ? <p class="small">{t('notifications.lastError', { error: d.last_error })}</p> : null}
      {d.subject ? (
        <p>
          <strong>{d.subject}</strong>
        </p>
      ) : null}
      {d.body ? <pre>{d.body}</pre> : <p class="muted small">{t('notifications.noBody')}</p>}
    </div>
  )
}

function DeadLetters() {
  const list = useLoad(() => unwrap(api.GET('/api/v1/admin/notifications/dead-letters', { params: { query: { limit: 20 } } })), [])
  return (
    <section aria-labelledby="dead-title">
      <h2 id="dead-title">{t('notifications.dead')}</h2>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('notifications.noDead')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('payments.when')}</th>
              <th scope="col">{t('notifications.event')}</th>
              <th scope="col" class="num">
                {t('notifications.attempts')}
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((d) => (
              <tr key={d.id}>
                <td>{formatDate(d.created_at)}</td>
                <td>
                  {d.event_type} <code class="small">{d.event_id}</code>
                </td>
                <td class="num">{d.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

export function NotificationsPage({ route }: { route: Route }) {
  const status = (route.query.get('status') ?? '') as DeliveryStatus | ''
  const channel = (route.query.get('channel') ?? '') as Channel | ''
  const eventType = route.query.get('event_type') ?? ''
  const pager = usePager(`${status}|${channel}|${eventType}`)
  const [open, setOpen] = useState<string | null>(null)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/notifications', {
          params: {
            query: compact({
              status: status || undefined,
              channel: channel || undefined,
              event_type: eventType,
              cursor: pager.cursor,
              limit: 25,
            }),
          },
        }),
      ),
    [status, channel, eventType, pager.cursor],
  )
  return (
    <section>
      <PageTitle>{t('nav.notifications')}</PageTitle>
      <form
        class="filters"
        role="search"
        aria-label={t('notifications.filter')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('notifications', { status: String(v.status), channel: String(v.channel), event_type: String(v.event_type).trim() })
        })}
      >
        <Field label={t('payment.status')}>
          <select name="status" defaultValue={status}>
            <option value="">{t('common.any')}</option>
            {enums['NotificationDelivery.status'].map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('notifications.channel')}>
          <select name="channel" defaultValue={channel}>
            <option value="">{t('common.any')}</option>
            {enums['NotificationDelivery.channel'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label={t('notifications.eventType')}>
          <input name="event_type" defaultValue={eventType} placeholder="order.shipped" />
        </Field>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('notifications.nothing')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('payments.when')}</th>
              <th scope="col">{t('notifications.event')}</th>
              <th scope="col">{t('notifications.channel')}</th>
              <th scope="col">{t('notifications.recipient')}</th>
              <th scope="col">{t('payment.status')}</th>
              <th scope="col" class="num">
                {t('notifications.attempts')}
              </th>
              <th scope="col">
                <span class="sr-only">{t('payments.details')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((d) => (
              <>
                <tr key={d.id}>
                  <td>{formatDate(d.created_at)}</td>
                  <td>
                    {d.event_type}
                    <div class="small muted">{d.template}</div>
                  </td>
                  <td>
                    {d.channel}
                    <div class="small muted">{d.provider}</div>
                  </td>
                  <td>{d.recipient}</td>
                  <td>
                    <Badge value={d.status} />
                    {d.last_error ? <div class="small">{d.last_error}</div> : null}
                  </td>
                  <td class="num">{d.attempts}</td>
                  <td>
                    <button type="button" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                      {open === d.id ? t('notifications.hide') : t('notifications.show')}
                    </button>
                  </td>
                </tr>
                {open === d.id ? (
                  <tr key={`${d.id}-detail`}>
                    <td colSpan={7}>
                      <DeliveryDetail id={d.id} />
                    </td>
                  </tr>
                ) : null}
              </>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
      <DeadLetters />
    </section>
  )
}
