// Marketplace sync (Kaspi, Ozon): status per marketplace, a re-run button that queues a full
// re-push, importing orders now, and the per-product sync rows.
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { statusLabel, t, tMaybe } from '../i18n'
import { navigate, type Route } from '../router'
import {
  Badge,
  compact,
  ErrorBox,
  Field,
  formatDate,
  formatNumber,
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

const marketplaceName = (m: string) => (m === 'kaspi' ? 'Kaspi.kz' : m === 'ozon' ? 'Ozon' : m)

function RunLine({ label, run }: { label: string; run: Run | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {run ? (
          <>
            <Badge value={run.ok ? 'ok' : 'failed'} /> {formatDate(run.finished_at)}{' '}
            <span class="muted small">({tMaybe(`marketplace.trigger.${run.trigger}`, run.trigger)})</span>
            {Object.keys(run.summary).length > 0 ? (
              <div class="small muted">
                {Object.entries(run.summary)
                  .map(([k, v]) => `${tMaybe(`marketplace.summary.${k}`, k)}: ${typeof v === 'number' ? formatNumber(v) : v}`)
                  .join(' · ')}
              </div>
            ) : null}
            {run.error ? <div class="small">{run.error}</div> : null}
          </>
        ) : (
          t('marketplace.never')
        )}
      </dd>
    </div>
  )
}

function MarketplaceCard({ status, onChanged }: { status: Status; onChanged: () => void }) {
  const sync = useAction(async () => {
    const r = await unwrap(api.POST('/api/v1/admin/marketplace/sync', { body: { marketplace: status.marketplace } }))
    onChanged()
    return t('marketplace.queued', {
      products: t('marketplace.count.products', { count: r.product_count }),
      messages: t('marketplace.count.messages', { count: r.queued_messages }),
    })
  })
  const importNow = useAction(async () => {
    const r = await unwrap(api.POST('/api/v1/admin/marketplace/import-orders', { body: { marketplace: status.marketplace } }))
    onChanged()
    return t('marketplace.imported', { fetched: r.fetched, imported: r.imported, existing: r.existing, failed: r.failed })
  })
  return (
    <section class="card" aria-labelledby={`mp-${status.marketplace}`}>
      <h2 id={`mp-${status.marketplace}`}>
        {marketplaceName(status.marketplace)} <Badge value={status.enabled ? 'enabled' : 'disabled'} />
      </h2>
      {status.enabled ? null : <p class="muted small">{t('marketplace.disabledWhy')}</p>}
      <dl class="facts">
        <div>
          <dt>{t('marketplace.products')}</dt>
          <dd>{t('marketplace.counts', { synced: status.counts.synced, pending: status.counts.pending, error: status.counts.error })}</dd>
        </div>
        <div>
          <dt>{t('marketplace.importedOrders')}</dt>
          <dd>{formatNumber(status.imported_orders)}</dd>
        </div>
        <RunLine label={t('marketplace.lastPush')} run={status.last_push} />
        <RunLine label={t('marketplace.lastImport')} run={status.last_import} />
      </dl>
      <ErrorBox error={sync.error ?? importNow.error} />
      <div class="actions">
        <button type="button" class="primary" disabled={sync.busy} onClick={() => void sync.run()}>
          {sync.busy ? t('marketplace.queueing') : t('marketplace.rerun')}
        </button>
        <button type="button" disabled={importNow.busy} onClick={() => void importNow.run()}>
          {t('marketplace.importNow')}
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
            {t('marketplace.refresh')}
          </button>
        }
      >
        {t('marketplace.title')}
      </PageTitle>
      <Loading loaded={status} />
      <div class="panels">
        {(status.data?.data ?? []).map((s) => (
          <MarketplaceCard key={s.marketplace} status={s} onChanged={refresh} />
        ))}
      </div>
      <h2>{t('marketplace.products')}</h2>
      <form
        class="filters"
        aria-label={t('marketplace.filter')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('marketplace', { state: String(v.state), marketplace: String(v.marketplace) })
        })}
      >
        <Field label={t('marketplace.marketplace')}>
          <select name="marketplace" defaultValue={marketplace}>
            <option value="">{t('marketplace.any')}</option>
            {enums['MarketplaceSyncRow.marketplace'].map((m) => (
              <option key={m} value={m}>
                {marketplaceName(m)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('marketplace.state')}>
          <select name="state" defaultValue={state}>
            <option value="">{t('marketplace.any')}</option>
            {enums['MarketplaceSyncRow.state'].map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('marketplace.filterButton')}</button>
      </form>
      <Loading loaded={rows} />
      {rows.data && rows.data.data.length === 0 ? <p class="muted">{t('marketplace.noRows')}</p> : null}
      {rows.data && rows.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('marketplace.col.product')}</th>
              <th scope="col">{t('marketplace.marketplace')}</th>
              <th scope="col">{t('marketplace.state')}</th>
              <th scope="col" class="num">
                {t('marketplace.col.attempts')}
              </th>
              <th scope="col">{t('marketplace.col.lastSuccess')}</th>
              <th scope="col">{t('marketplace.col.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.data.map((r) => (
              <tr key={`${r.marketplace}-${r.product_id}`}>
                <td>
                  <code>{r.product_id}</code>
                  {r.external_id ? <div class="small muted">{r.external_id}</div> : null}
                </td>
                <td>{marketplaceName(r.marketplace)}</td>
                <td>
                  <Badge value={r.state} />
                </td>
                <td class="num">{formatNumber(r.attempts)}</td>
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
