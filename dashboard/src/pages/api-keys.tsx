// API keys (admins): server-to-server keys with scopes. A new key is shown exactly once (only its hash
// is stored), with a copy button; the list shows each key's prefix, scopes, last use and revocation.
import { useState } from 'preact/hooks'
import { api, unwrap } from '../api'
import { enums } from '../api-enums'
import { t } from '../i18n'
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
import { CopyButton } from './webhooks'

type Scope = (typeof enums.ApiScope)[number]

function KeyOnce({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  return (
    <div class="notice stack" role="region" aria-label={t('apiKeys.newRegion')}>
      <p>
        <strong>{t('apiKeys.shownOnce', { name })}</strong> {t('apiKeys.copyNow')}
      </p>
      <p>
        <code data-api-key>{apiKey}</code>
      </p>
      <p class="small">{tx('apiKeys.sendAs', { header: <code>Authorization: Bearer …</code> })}</p>
      <div class="inline">
        <CopyButton text={apiKey} label={t('apiKeys.copy')} />
        <button type="button" onClick={onDone}>
          {t('apiKeys.stored')}
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
    const body = { name: String(v.name ?? '').trim(), scopes }
    if (!scopes.length) throw invalid(t('apiKeys.chooseScope'), { scopes: t('apiKeys.chooseScope') })
    validateBody('ApiKeyCreate', body)
    const key = await unwrap(api.POST('/api/v1/admin/api-keys', { body }))
    form.reset()
    setCreated({ name: key.name, key: key.key })
    list.reload()
    return t('apiKeys.created', { name: key.name })
  })
  const revoke = useAction(async (k: { id: string; name: string; start: string }) => {
    const ok = await confirmAction({
      title: t('apiKeys.revoke.title'),
      body: [t('apiKeys.revoke.body', { name: k.name, start: k.start }), t('apiKeys.cannotUndo')],
      confirm: t('apiKeys.revoke.confirm'),
      danger: true,
    })
    if (!ok) throw CANCELLED
    await unwrap(api.POST('/api/v1/admin/api-keys/{id}/revoke', { params: { path: { id: k.id } } }))
    list.reload()
    return t('apiKeys.revoked', { name: k.name })
  })
  return (
    <section>
      <PageTitle>{t('apiKeys.title')}</PageTitle>
      <p class="muted">{t('apiKeys.intro')}</p>
      {created ? <KeyOnce name={created.name} apiKey={created.key} onDone={() => setCreated(null)} /> : null}
      <details class="card">
        <summary>{t('apiKeys.create')}</summary>
        <form onSubmit={submit((f) => void create.run(f))} noValidate>
          <FormErrors error={create.error}>
            <div class="grid">
              <Field label={t('apiKeys.name')} hint={t('apiKeys.nameHint')} wide>
                <input name="name" maxLength={100} autoComplete="off" />
              </Field>
              <fieldset class="wide">
                <legend>{t('apiKeys.scopes')}</legend>
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
              {create.busy ? t('apiKeys.creating') : t('apiKeys.createButton')}
            </button>
          </p>
        </form>
      </details>
      <h2>{t('apiKeys.keys')}</h2>
      {revoke.error ? <ErrorBox error={revoke.error} /> : null}
      <Loading loaded={list} />
      {list.data && !list.data.data.length ? <p class="muted">{t('apiKeys.none')}</p> : null}
      {list.data && list.data.data.length ? (
        <table aria-label={t('apiKeys.title')}>
          <thead>
            <tr>
              <th scope="col">{t('apiKeys.col.name')}</th>
              <th scope="col">{t('apiKeys.col.key')}</th>
              <th scope="col">{t('apiKeys.col.scopes')}</th>
              <th scope="col">{t('apiKeys.col.created')}</th>
              <th scope="col">{t('apiKeys.col.lastUsed')}</th>
              <th scope="col">{t('apiKeys.col.state')}</th>
              <th scope="col">
                <span class="sr-only">{t('apiKeys.col.actions')}</span>
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
                <td data-last-used>{k.last_used_at ? formatDate(k.last_used_at) : t('apiKeys.never')}</td>
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
                      {t('apiKeys.revoke')}
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
