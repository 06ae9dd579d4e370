// Outgoing webhooks (admins): the endpoints integrators registered, their signing secret shown once at
// creation, edit / enable / disable / delete, and per endpoint the delivery log (each delivery's last
// attempt: HTTP status, latency, response excerpt) with paging and a Replay button per delivery.
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { navigate, type Route } from '../router'
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
  plural,
  submit,
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
  return enums.WebhookEventType.filter((t) => v[`event:${t}`] === true)
}

function EventChecks({ types, selected }: { types: readonly EventType[]; selected?: readonly EventType[] }) {
  return (
    <fieldset class="wide">
      <legend>Events</legend>
      <div class="grid">
        {types.map((t) => (
          <label key={t} class="check">
            <input type="checkbox" name={`event:${t}`} defaultChecked={selected?.includes(t)} /> {t}
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
        {copied === true ? ' Copied.' : copied === false ? ' Copy failed: select the text and copy it.' : ''}
      </span>
    </>
  )
}

/** The signing secret of a new endpoint: the API returns it in the create answer only. */
function SecretOnce({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  return (
    <div class="notice stack" role="region" aria-label="Signing secret">
      <p>
        <strong>Signing secret for {url}</strong>. It is shown only now: store it with the receiver, which verifies every delivery's{' '}
        <code>webhook-signature</code> with it.
      </p>
      <p>
        <code data-secret>{secret}</code>
      </p>
      <div class="inline">
        <CopyButton text={secret} label="Copy secret" />
        <button type="button" onClick={onDone}>
          I stored it
        </button>
      </div>
    </div>
  )
}

function CreateEndpoint({ types, onCreated }: { types: readonly EventType[]; onCreated: (e: { url: string; secret: string }) => void }) {
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const events = checkedEvents(form)
    if (!events.length) throw invalid('Choose at least one event', { events: 'choose at least one event' })
    const description = String(v.description ?? '').trim()
    const created = await unwrap(
      api.POST('/api/v1/admin/webhooks/endpoints', {
        body: { url: String(v.url ?? '').trim(), events, ...(description ? { description } : {}) },
      }),
    )
    form.reset()
    onCreated({ url: created.url, secret: created.secret })
    return `Endpoint added: ${created.url}`
  })
  return (
    <details class="card">
      <summary>Add an endpoint</summary>
      <form onSubmit={submit((f) => void create.run(f))}>
        <FormErrors error={create.error}>
          <div class="grid">
            <Field label="URL" hint="https:// (http://localhost only in development)" wide>
              <input name="url" inputMode="url" autoComplete="off" placeholder="https://erp.example.com/hooks/shop" />
            </Field>
            <Field label="Description" wide>
              <input name="description" maxLength={200} />
            </Field>
            <EventChecks types={types} />
          </div>
        </FormErrors>
        <p>
          <button type="submit" class="primary" disabled={create.busy}>
            {create.busy ? 'Adding…' : 'Add endpoint'}
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
    if (!events.length) throw invalid('Choose at least one event', { events: 'choose at least one event' })
    const description = String(v.description ?? '').trim()
    await unwrap(
      api.PATCH('/api/v1/admin/webhooks/endpoints/{id}', {
        params: { path: { id: endpoint.id } },
        body: { url: String(v.url ?? '').trim(), description: description || null, events },
      }),
    )
    onDone(true)
    return `Endpoint saved: ${String(v.url ?? '').trim()}`
  })
  return (
    <form aria-label={`Edit ${endpoint.url}`} onSubmit={submit((f) => void save.run(f))}>
      <FormErrors error={save.error}>
        <div class="grid">
          <Field label="URL" wide>
            <input name="url" inputMode="url" autoComplete="off" defaultValue={endpoint.url} />
          </Field>
          <Field label="Description" wide>
            <input name="description" maxLength={200} defaultValue={endpoint.description ?? ''} />
          </Field>
          <EventChecks types={types} selected={endpoint.events} />
        </div>
      </FormErrors>
      <p class="inline">
        <button type="submit" class="primary" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
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
    await unwrap(api.PATCH('/api/v1/admin/webhooks/endpoints/{id}', { params: { path: { id: e.id } }, body: { enabled: enable } }))
    onChanged()
    return enable ? `Enabled ${e.url}` : `Disabled ${e.url}`
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: 'Delete this endpoint?',
      body: [`${e.url} stops receiving events, and its delivery log is deleted with it.`, 'This cannot be undone.'],
      confirm: 'Delete endpoint',
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.DELETE('/api/v1/admin/webhooks/endpoints/{id}', { params: { path: { id: e.id } } }))
    if (selected) navigate('webhooks')
    onChanged()
    return `Deleted ${e.url}`
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
          {e.consecutive_failures ? <div class="small muted">{plural(e.consecutive_failures, 'failure')} in a row</div> : null}
        </td>
        <td>
          {last ? (
            <>
              {last.event_type} <Badge value={last.status} />
              {last.last_status_code ? <span class="small"> HTTP {last.last_status_code}</span> : null}
              <div class="small muted">{formatDate(last.last_attempt_at ?? last.created_at)}</div>
            </>
          ) : (
            <span class="muted">None yet</span>
          )}
        </td>
        <td class="row-actions">
          <button type="button" aria-pressed={selected} onClick={() => navigate('webhooks', selected ? undefined : { endpoint: e.id })}>
            {selected ? 'Hide log' : 'Delivery log'}
          </button>
          <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            Edit
          </button>
          <button type="button" disabled={toggle.busy} onClick={() => void toggle.run()}>
            {e.status === 'enabled' ? 'Disable' : 'Enable'}
          </button>
          <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            Delete
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
      title: 'Replay this delivery?',
      body: [
        `${d.event_type} of ${formatDate(d.created_at)} is sent again to ${endpoint.url}, signed, with the same webhook-id (${d.event_id}).`,
      ],
      confirm: 'Replay',
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/webhooks/deliveries/{id}/replay', { params: { path: { id: d.id } } }))
    log.reload()
    onReplayed()
    return `Replay queued: ${d.event_type} to ${endpoint.url}`
  })
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Delivery log</h2>
      <p class="small muted">
        <code>{endpoint.url}</code>, newest first. Each row shows the delivery's last attempt.
      </p>
      <div class="filters">
        <Field label="Status">
          <select
            name="status"
            value={status}
            onChange={(ev) => {
              setStatus((ev.target as HTMLSelectElement).value as DeliveryStatus | '')
              setStack([])
            }}
          >
            <option value="">Any</option>
            {enums['WebhookDelivery.status'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <button type="button" onClick={log.reload} disabled={log.loading}>
          {log.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {replay.error ? <ErrorBox error={replay.error} /> : null}
      <Loading loaded={log} />
      {log.data && !log.data.data.length ? <p class="muted">No deliveries{status ? ` with status ${status}` : ''} yet.</p> : null}
      {log.data && log.data.data.length ? (
        <table aria-label="Deliveries">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Event</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Latency
              </th>
              <th scope="col">Response</th>
              <th scope="col">Last attempt</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
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
                <td class="num">{d.last_latency_ms !== null ? `${d.last_latency_ms} ms` : '—'}</td>
                <td class="small">{d.last_response_excerpt ? <code>{d.last_response_excerpt.slice(0, 200)}</code> : '—'}</td>
                <td>{formatDate(d.last_attempt_at)}</td>
                <td>
                  <button type="button" disabled={replay.busy || endpoint.status !== 'enabled'} onClick={() => void replay.run(d)}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {stack.length || log.data?.next ? (
        <nav class="pager" aria-label="Delivery pages">
          <button type="button" disabled={!stack.length} onClick={() => setStack((s) => s.slice(0, -1))}>
            ← Newer
          </button>
          <span>Page {stack.length + 1}</span>
          <button type="button" disabled={!log.data?.next} onClick={() => log.data?.next && setStack((s) => [...s, log.data!.next!])}>
            Older →
          </button>
        </nav>
      ) : null}
      {endpoint.status !== 'enabled' ? <p class="small muted">Enable the endpoint to replay its deliveries.</p> : null}
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
      <PageTitle>Webhooks</PageTitle>
      <p class="muted">
        Endpoints receive signed POSTs (Standard Webhooks) when orders, payments, refunds, products and stock change. Failed deliveries are
        retried with backoff; an endpoint that keeps failing is disabled.
      </p>
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
      <h2>Endpoints</h2>
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">No endpoints yet.</p> : null}
      {list.data && list.data.data.length ? (
        <table aria-label="Endpoints">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Last delivery</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
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
      {selectedId && list.data && !selected ? <p class="muted">That endpoint no longer exists.</p> : null}
    </section>
  )
}
