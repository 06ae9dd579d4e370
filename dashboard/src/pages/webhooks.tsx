// Outgoing webhooks (admins): the endpoints integrators registered, their signing secret shown once at
// creation, edit / enable / disable / delete, and per endpoint the delivery log (each delivery's last
// attempt: HTTP status, latency, response excerpt) with paging and a Replay button per delivery.
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { statusLabel, t } from '../i18n'
import { navigate, type Route } from '../router'
import { validateBody } from '../validate'
import {
  Badge,
  CANCELLED,
  confirmAction,
  ErrorBox,
  Field,
  formatDate,
  FormErrors,
  formValues,
  invalid,
  Loading,
  PageTitle,
  submit,
  tx,
  useAction,
  useLoad,
} from '../ui'

type Endpoint = Schemas['WebhookEndpointListItem']
type EventType = Schemas['WebhookEventType']
type DeliveryStatus = Schemas['WebhookDelivery']['status']
type Cursor = { before: string; before_id: string }

/** The checked event types of a form whose checkboxes are named `event:<type>`. */
function checkedEvents(form: HTMLFormElement): EventType[] {
  const v = formValues(form)
  return enums.WebhookEventType.filter((type) => v[`event:${type}`] === true)
}

function EventChecks({ types, selected }: { types: readonly EventType[]; selected?: readonly EventType[] }) {
  return (
    <fieldset class="wide">
      <legend>{t('webhooks.events')}</legend>
      <div class="grid">
        {types.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" name={`event:${type}`} defaultChecked={selected?.includes(type)} /> {type}
          </label>
        ))}
      </div>
    </fieldset>
  )
}

/** Copies `text` and says so; the text stays selectable for browsers without clipboard access. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <>
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span class="small" aria-live="polite">
        {copied === true ? t('webhooks.copied') : copied === false ? t('webhooks.copyFailed') : ''}
      </span>
    </>
  )
}

/** The signing secret of a new endpoint: the API returns it in the create answer only. */
function SecretOnce({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  return (
    <div class="notice stack" role="region" aria-label={t('webhooks.secretRegion')}>
      <p>
        <strong>{t('webhooks.secretFor', { url })}</strong>. {tx('webhooks.secretOnce', { header: <code>webhook-signature</code> })}
      </p>
      <p>
        <code data-secret>{secret}</code>
      </p>
      <div class="inline">
        <CopyButton text={secret} label={t('webhooks.copySecret')} />
        <button type="button" onClick={onDone}>
          {t('webhooks.stored')}
        </button>
      </div>
    </div>
  )
}

function CreateEndpoint({ types, onCreated }: { types: readonly EventType[]; onCreated: (e: { url: string; secret: string }) => void }) {
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const events = checkedEvents(form)
    if (!events.length) throw invalid(t('webhooks.chooseEvent'), { events: t('webhooks.chooseEvent') })
    const description = String(v.description ?? '').trim()
    const body = { url: String(v.url ?? '').trim(), events, ...(description ? { description } : {}) }
    validateBody('WebhookEndpointCreate', body)
    const created = await unwrap(api.POST('/api/v1/admin/webhooks/endpoints', { body }))
    form.reset()
    onCreated({ url: created.url, secret: created.secret })
    return t('webhooks.added', { url: created.url })
  })
  return (
    <details class="card">
      <summary>{t('webhooks.add')}</summary>
      <form onSubmit={submit((f) => void create.run(f))} noValidate>
        <FormErrors error={create.error}>
          <div class="grid">
            <Field label={t('webhooks.url')} hint={t('webhooks.urlHint')} wide>
              <input name="url" inputMode="url" autoComplete="off" placeholder="https://erp.example.com/hooks/shop" />
            </Field>
            <Field label={t('webhooks.description')} wide>
              <input name="description" maxLength={200} />
            </Field>
            <EventChecks types={types} />
          </div>
        </FormErrors>
        <p>
          <button type="submit" class="primary" disabled={create.busy}>
            {create.busy ? t('webhooks.adding') : t('webhooks.addButton')}
          </button>
        </p>
      </form>
    </details>
  )
}

function EditEndpoint({
  endpoint,
  types,
  onDone,
}: {
  endpoint: Endpoint
  types: readonly EventType[]
  onDone: (changed: boolean) => void
}) {
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const events = checkedEvents(form)
    if (!events.length) throw invalid(t('webhooks.chooseEvent'), { events: t('webhooks.chooseEvent') })
    const description = String(v.description ?? '').trim()
    const body = { url: String(v.url ?? '').trim(), description: description || null, events }
    validateBody('WebhookEndpointUpdate', body)
    await unwrap(api.PATCH('/api/v1/admin/webhooks/endpoints/{id}', { params: { path: { id: endpoint.id } }, body }))
    onDone(true)
    return t('webhooks.saved', { url: body.url })
  })
  return (
    <form aria-label={t('webhooks.editOf', { url: endpoint.url })} onSubmit={submit((f) => void save.run(f))} noValidate>
      <FormErrors error={save.error}>
        <div class="grid">
          <Field label={t('webhooks.url')} wide>
            <input name="url" inputMode="url" autoComplete="off" defaultValue={endpoint.url} />
          </Field>
          <Field label={t('webhooks.description')} wide>
            <input name="description" maxLength={200} defaultValue={endpoint.description ?? ''} />
          </Field>
          <EventChecks types={types} selected={endpoint.events} />
        </div>
      </FormErrors>
      <p class="inline">
        <button type="submit" class="primary" disabled={save.busy}>
          {save.busy ? t('webhooks.saving') : t('webhooks.save')}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t('webhooks.cancel')}
        </button>
      </p>
    </form>
  )
}

function EndpointRow({
  endpoint: e,
  types,
  selected,
  onChanged,
}: {
  endpoint: Endpoint
  types: readonly EventType[]
  selected: boolean
  onChanged: () => void
}) {
  const [editing, setEditing] = useState(false)
  const toggle = useAction(async () => {
    const enable = e.status !== 'enabled'
    const body = { enabled: enable }
    validateBody('WebhookEndpointUpdate', body)
    await unwrap(api.PATCH('/api/v1/admin/webhooks/endpoints/{id}', { params: { path: { id: e.id } }, body }))
    onChanged()
    return t(enable ? 'webhooks.enabledOne' : 'webhooks.disabledOne', { url: e.url })
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: t('webhooks.delete.title'),
      body: [t('webhooks.delete.body', { url: e.url }), t('webhooks.cannotUndo')],
      confirm: t('webhooks.delete.confirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.DELETE('/api/v1/admin/webhooks/endpoints/{id}', { params: { path: { id: e.id } } }))
    if (selected) navigate('webhooks')
    onChanged()
    return t('webhooks.deleted', { url: e.url })
  })
  const last = e.last_delivery
  return (
    <>
      <tr>
        <td>
          <code>{e.url}</code>
          {e.description ? <div class="small muted">{e.description}</div> : null}
        </td>
        <td class="small">{e.events.join(', ')}</td>
        <td>
          <Badge value={e.status} />
          {e.disabled_reason ? <div class="small">{e.disabled_reason}</div> : null}
          {e.consecutive_failures ? <div class="small muted">{t('webhooks.failuresInRow', { count: e.consecutive_failures })}</div> : null}
        </td>
        <td>
          {last ? (
            <>
              {last.event_type} <Badge value={last.status} />
              {last.last_status_code ? <span class="small"> HTTP {last.last_status_code}</span> : null}
              <div class="small muted">{formatDate(last.last_attempt_at ?? last.created_at)}</div>
            </>
          ) : (
            <span class="muted">{t('webhooks.noneYet')}</span>
          )}
        </td>
        <td class="row-actions">
          <button type="button" aria-pressed={selected} onClick={() => navigate('webhooks', selected ? undefined : { endpoint: e.id })}>
            {selected ? t('webhooks.hideLog') : t('webhooks.deliveryLog')}
          </button>
          <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t('webhooks.edit')}
          </button>
          <button type="button" disabled={toggle.busy} onClick={() => void toggle.run()}>
            {e.status === 'enabled' ? t('webhooks.disable') : t('webhooks.enable')}
          </button>
          <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            {t('webhooks.delete')}
          </button>
        </td>
      </tr>
      {toggle.error || remove.error ? (
        <tr>
          <td colSpan={5}>
            <ErrorBox error={toggle.error ?? remove.error} />
          </td>
        </tr>
      ) : null}
      {editing ? (
        <tr class="editor">
          <td colSpan={5}>
            <EditEndpoint
              endpoint={e}
              types={types}
              onDone={(changed) => {
                setEditing(false)
                if (changed) onChanged()
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  )
}

function DeliveryLog({ endpoint, onReplayed }: { endpoint: Endpoint; onReplayed: () => void }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('')
  // The cursors that led to the current page (empty: the newest page).
  const [stack, setStack] = useState<Cursor[]>([])
  const cursor = stack.at(-1)
  const log = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/webhooks/endpoints/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { limit: 20, ...(status ? { status } : {}), ...(cursor ?? {}) } },
        }),
      ),
    [endpoint.id, status, cursor?.before, cursor?.before_id],
  )
  const replay = useAction(async (d: Schemas['WebhookDeliveryListItem']) => {
    const ok = await confirmAction({
      title: t('webhooks.replay.title'),
      body: [t('webhooks.replay.body', { event: d.event_type, at: formatDate(d.created_at), url: endpoint.url, id: d.event_id })],
      confirm: t('webhooks.replay'),
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/webhooks/deliveries/{id}/replay', { params: { path: { id: d.id } } }))
    log.reload()
    onReplayed()
    return t('webhooks.replayQueued', { event: d.event_type, url: endpoint.url })
  })
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">{t('webhooks.deliveryLog')}</h2>
      <p class="small muted">{tx('webhooks.logIntro', { url: <code>{endpoint.url}</code> })}</p>
      <div class="filters">
        <Field label={t('webhooks.status')}>
          <select
            name="status"
            value={status}
            onChange={(ev) => {
              setStatus((ev.target as HTMLSelectElement).value as DeliveryStatus | '')
              setStack([])
            }}
          >
            <option value="">{t('webhooks.any')}</option>
            {enums['WebhookDelivery.status'].map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" onClick={log.reload} disabled={log.loading}>
          {log.loading ? t('webhooks.refreshing') : t('webhooks.refresh')}
        </button>
      </div>
      {replay.error ? <ErrorBox error={replay.error} /> : null}
      <Loading loaded={log} />
      {log.data && !log.data.data.length ? (
        <p class="muted">{status ? t('webhooks.noDeliveriesWith', { status: statusLabel(status) }) : t('webhooks.noDeliveries')}</p>
      ) : null}
      {log.data && log.data.data.length ? (
        <table aria-label={t('webhooks.deliveries')}>
          <thead>
            <tr>
              <th scope="col">{t('webhooks.col.created')}</th>
              <th scope="col">{t('webhooks.col.event')}</th>
              <th scope="col" class="num">
                {t('webhooks.col.attempts')}
              </th>
              <th scope="col">{t('webhooks.col.status')}</th>
              <th scope="col" class="num">
                {t('webhooks.col.latency')}
              </th>
              <th scope="col">{t('webhooks.col.response')}</th>
              <th scope="col">{t('webhooks.col.lastAttempt')}</th>
              <th scope="col">
                <span class="sr-only">{t('webhooks.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log.data.data.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>{formatDate(d.created_at)}</td>
                <td>
                  {d.event_type}
                  <div class="small muted">
                    <code>{d.event_id}</code>
                  </div>
                </td>
                <td class="num">{d.attempts}</td>
                <td>
                  <Badge value={d.status} />
                  {d.last_status_code !== null ? <div class="small">HTTP {d.last_status_code}</div> : null}
                  {d.last_error && d.last_status_code === null ? <div class="small">{d.last_error}</div> : null}
                </td>
                <td class="num">{d.last_latency_ms !== null ? t('webhooks.ms', { ms: d.last_latency_ms }) : '—'}</td>
                <td class="small">{d.last_response_excerpt ? <code>{d.last_response_excerpt.slice(0, 200)}</code> : '—'}</td>
                <td>{formatDate(d.last_attempt_at)}</td>
                <td>
                  <button type="button" disabled={replay.busy || endpoint.status !== 'enabled'} onClick={() => void replay.run(d)}>
                    {t('webhooks.replay')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {stack.length || log.data?.next ? (
        <nav class="pager" aria-label={t('webhooks.pages')}>
          <button type="button" disabled={!stack.length} onClick={() => setStack((s) => s.slice(0, -1))}>
            {t('webhooks.newer')}
          </button>
          <span>{t('webhooks.page', { page: stack.length + 1 })}</span>
          <button type="button" disabled={!log.data?.next} onClick={() => log.data?.next && setStack((s) => [...s, log.data!.next!])}>
            {t('webhooks.older')}
          </button>
        </nav>
      ) : null}
      {endpoint.status !== 'enabled' ? <p class="small muted">{t('webhooks.enableToReplay')}</p> : null}
    </section>
  )
}

export function WebhooksPage({ route }: { route: Route }) {
  const selectedId = route.query.get('endpoint') ?? ''
  const types = useLoad(() => unwrap(api.GET('/api/v1/admin/webhooks/event-types')), [])
  const list = useLoad(() => unwrap(api.GET('/api/v1/admin/webhooks/endpoints')), [])
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null)
  const eventTypes = types.data?.data ?? []
  const selected = list.data?.data.find((e) => e.id === selectedId)
  return (
    <section>
      <PageTitle>{t('webhooks.title')}</PageTitle>
      <p class="muted">{t('webhooks.intro')}</p>
      {secret ? <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} /> : null}
      <Loading loaded={types} />
      {types.data ? (
        <CreateEndpoint
          types={eventTypes}
          onCreated={(s) => {
            setSecret(s)
            list.reload()
          }}
        />
      ) : null}
      <h2>{t('webhooks.endpoints')}</h2>
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">{t('webhooks.noEndpoints')}</p> : null}
      {list.data && list.data.data.length ? (
        <table aria-label={t('webhooks.endpoints')}>
          <thead>
            <tr>
              <th scope="col">{t('webhooks.col.endpoint')}</th>
              <th scope="col">{t('webhooks.col.events')}</th>
              <th scope="col">{t('webhooks.col.state')}</th>
              <th scope="col">{t('webhooks.col.lastDelivery')}</th>
              <th scope="col">
                <span class="sr-only">{t('webhooks.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((e) => (
              <EndpointRow key={e.id} endpoint={e} types={eventTypes} selected={e.id === selectedId} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
      {selected ? <DeliveryLog key={selected.id} endpoint={selected} onReplayed={list.reload} /> : null}
      {selectedId && list.data && !selected ? <p class="muted">{t('webhooks.gone')}</p> : null}
    </section>
  )
}
