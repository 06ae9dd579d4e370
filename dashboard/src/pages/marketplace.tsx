// Marketplace sync (Kaspi, Ozon): status per marketplace, a re-run button that queues a full
// re-push, importing orders now, and the per-product sync rows.
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
  PageTitle,
  Pager,
  submit,
  useAction,
  useLoad,
  usePager,
} from '../ui'

type Status = Schemas['MarketplaceStatus']
type Run = NonNullable<Status['last_push']>
type SyncState = Schemas['MarketplaceSyncRow']['state']
type Marketplace = Status['marketplace']

function RunLine({ label, run }: { label: string; run: Run | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {run ? (
          <>
            <Badge value={run.ok ? 'ok' : 'failed'} /> {formatDate(run.finished_at)} <span class="muted small">({run.trigger})</span>
            {Object.keys(run.summary).length > 0 ? (
              <div class="small muted">
                {Object.entries(run.summary)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(' · ')}
              </div>
            ) : null}
            {run.error ? <div class="small">{run.error}</div> : null}
          </>
        ) : (
          'never'
        )}
      </dd>
    </div>
  )
}

function MarketplaceCard({ status, onChanged }: { status: Status; onChanged: () => void }) {
  const sync = useAction(async () => {
    const r = await unwrap(api.POST('/api/v1/admin/marketplace/sync', { body: { marketplace: status.marketplace } }))
    onChanged()
    return `Queued ${r.product_count} products in ${r.queued_messages} messages.`
  })
  const importNow = useAction(async () => {
    const r = await unwrap(api.POST('/api/v1/admin/marketplace/import-orders', { body: { marketplace: status.marketplace } }))
    onChanged()
    return `Fetched ${r.fetched}, imported ${r.imported}, already there ${r.existing}, failed ${r.failed}.`
  })
  return (
    <section class="card" aria-labelledby={`mp-${status.marketplace}`}>
      <h2 id={`mp-${status.marketplace}`}>
        {status.marketplace === 'kaspi' ? 'Kaspi.kz' : 'Ozon'} <Badge value={status.enabled ? 'enabled' : 'disabled'} />
      </h2>
      {status.enabled ? null : <p class="muted small">Disabled until its credentials (secrets) are set.</p>}
      <dl class="facts">
        <div>
          <dt>Products</dt>
          <dd>
            {status.counts.synced} synced · {status.counts.pending} pending · {status.counts.error} with errors
          </dd>
        </div>
        <div>
          <dt>Imported orders</dt>
          <dd>{status.imported_orders}</dd>
        </div>
        <RunLine label="Last push" run={status.last_push} />
        <RunLine label="Last import" run={status.last_import} />
      </dl>
      <ErrorBox error={sync.error ?? importNow.error} />
      <div class="actions">
        <button type="button" class="primary" disabled={sync.busy} onClick={() => void sync.run()}>
          {sync.busy ? 'Queueing…' : 'Re-run sync'}
        </button>
        <button type="button" disabled={importNow.busy} onClick={() => void importNow.run()}>
          Import orders now
        </button>
      </div>
    </section>
  )
}

export function MarketplacePage({ route }: { route: Route }) {
  const state = (route.query.get('state') ?? '') as SyncState | ''
  const marketplace = (route.query.get('marketplace') ?? '') as Marketplace | ''
  const status = useLoad(() => unwrap(api.GET('/api/v1/admin/marketplace/status')), [])
  const pager = usePager(`${state}|${marketplace}`)
  const rows = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/marketplace/products', {
          params: { query: compact({ state: state || undefined, marketplace: marketplace || undefined, cursor: pager.cursor, limit: 25 }) },
        }),
      ),
    [state, marketplace, pager.cursor],
  )
  const refresh = () => {
    status.reload()
    rows.reload()
  }
  return (
    <section>
      <PageTitle
        actions={
          <button type="button" onClick={refresh}>
            Refresh
          </button>
        }
      >
        Marketplace sync
      </PageTitle>
      <Loading loaded={status} />
      <div class="panels">
        {(status.data?.data ?? []).map((s) => (
          <MarketplaceCard key={s.marketplace} status={s} onChanged={refresh} />
        ))}
      </div>
      <h2>Products</h2>
      <form
        class="filters"
        aria-label="Filter sync rows"
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('marketplace', { state: String(v.state), marketplace: String(v.marketplace) })
        })}
      >
        <Field label="Marketplace">
          <select name="marketplace" defaultValue={marketplace}>
            <option value="">Any</option>
            {enums['MarketplaceSyncRow.marketplace'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field label="State">
          <select name="state" defaultValue={state}>
            <option value="">Any</option>
            {enums['MarketplaceSyncRow.state'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={rows} />
      {rows.data && rows.data.data.length === 0 ? <p class="muted">No product has been synced yet.</p> : null}
      {rows.data && rows.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Marketplace</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last success</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.data.map((r) => (
              <tr key={`${r.marketplace}-${r.product_id}`}>
                <td>
                  <code>{r.product_id}</code>
                  {r.external_id ? <div class="small muted">{r.external_id}</div> : null}
                </td>
                <td>{r.marketplace}</td>
                <td>
                  <Badge value={r.state} />
                </td>
                <td class="num">{r.attempts}</td>
                <td>{formatDate(r.last_success_at)}</td>
                <td class="small">{r.last_error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={rows.data?.next_cursor} />
    </section>
  )
}
