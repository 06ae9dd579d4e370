// API keys (admins): server-to-server keys with scopes. A new key is shown exactly once (only its hash
// is stored), with a copy button; the list shows each key's prefix, scopes, last use and revocation.
import { useState } from 'preact/hooks'
import { api, unwrap } from '../api'
import { enums } from '../api-enums'
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
  useAction,
  useLoad,
} from '../ui'
import { CopyButton } from './webhooks'

type Scope = (typeof enums.ApiScope)[number]

function KeyOnce({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  return (
    <div class="notice stack" role="region" aria-label="New API key">
      <p>
        <strong>API key “{name}”.</strong> This is the only time it is shown: copy it now into the integration's secret store. It cannot be
        recovered; if it is lost, revoke it and create another.
      </p>
      <p>
        <code data-api-key>{apiKey}</code>
      </p>
      <p class="small">
        Send it as <code>Authorization: Bearer …</code>.
      </p>
      <div class="inline">
        <CopyButton text={apiKey} label="Copy key" />
        <button type="button" onClick={onDone}>
          I stored it
        </button>
      </div>
    </div>
  )
}

export function ApiKeysPage() {
  const list = useLoad(() => unwrap(api.GET('/api/v1/admin/api-keys')), [])
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null)
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const scopes = enums.ApiScope.filter((s) => v[`scope:${s}`] === true) as Scope[]
    if (!scopes.length) throw invalid('Choose at least one scope', { scopes: 'choose at least one scope' })
    const key = await unwrap(api.POST('/api/v1/admin/api-keys', { body: { name: String(v.name ?? '').trim(), scopes } }))
    form.reset()
    setCreated({ name: key.name, key: key.key })
    list.reload()
    return `API key created: ${key.name}`
  })
  const revoke = useAction(async (k: { id: string; name: string; start: string }) => {
    const ok = await confirmAction({
      title: 'Revoke this API key?',
      body: [`“${k.name}” (${k.start}…) stops working at once: its next request answers 401.`, 'This cannot be undone.'],
      confirm: 'Revoke key',
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/api-keys/{id}/revoke', { params: { path: { id: k.id } } }))
    list.reload()
    return `Revoked ${k.name}`
  })
  return (
    <section>
      <PageTitle>API keys</PageTitle>
      <p class="muted">
        Keys let a server (an ERP, a warehouse) call the API for you, limited to the scopes you choose. Each acts as the admin who created
        it.
      </p>
      {created ? <KeyOnce name={created.name} apiKey={created.key} onDone={() => setCreated(null)} /> : null}
      <details class="card">
        <summary>Create a key</summary>
        <form onSubmit={submit((f) => void create.run(f))}>
          <FormErrors error={create.error}>
            <div class="grid">
              <Field label="Name" hint="What uses it, e.g. ERP sync" wide>
                <input name="name" maxLength={100} autoComplete="off" />
              </Field>
              <fieldset class="wide">
                <legend>Scopes</legend>
                <div class="grid">
                  {enums.ApiScope.map((s) => (
                    <label key={s} class="check">
                      <input type="checkbox" name={`scope:${s}`} /> {s}
                    </label>
                  ))}
                </div>
              </fieldset>
            </div>
          </FormErrors>
          <p>
            <button type="submit" class="primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : 'Create key'}
            </button>
          </p>
        </form>
      </details>
      <h2>Keys</h2>
      {revoke.error ? <ErrorBox error={revoke.error} /> : null}
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">No API keys yet.</p> : null}
      {list.data && list.data.data.length ? (
        <table aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.start}…</code>
                </td>
                <td class="small">{k.scopes.join(', ')}</td>
                <td>{formatDate(k.created_at)}</td>
                <td data-last-used>{k.last_used_at ? formatDate(k.last_used_at) : 'Never'}</td>
                <td>
                  {k.revoked_at ? (
                    <>
                      <Badge value="revoked" />
                      <div class="small muted">{formatDate(k.revoked_at)}</div>
                    </>
                  ) : (
                    <Badge value="active" />
                  )}
                </td>
                <td>
                  {k.revoked_at ? null : (
                    <button type="button" class="danger" disabled={revoke.busy} onClick={() => void revoke.run(k)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
