// CSV: the download buttons of the product and order lists, and the product import page.
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import type { paths } from '../api-types'
import { t } from '../i18n'
import { CANCELLED, confirmAction, ErrorBox, Field, FormErrors, invalid, PageTitle, submit, tx, useAction } from '../ui'

type ProductExportQuery = NonNullable<paths['/api/v1/admin/exports/products']['get']['parameters']['query']>
type OrderExportQuery = NonNullable<paths['/api/v1/admin/exports/orders']['get']['parameters']['query']>

export type CsvExport = { kind: 'products'; query: ProductExportQuery } | { kind: 'orders'; query: OrderExportQuery }

/** Save a Blob under a file name (the browser's download prompt). */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

const fileName = (res: Response, fallback: string) =>
  /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallback

async function fetchCsv(e: CsvExport): Promise<{ blob: Blob; name: string }> {
  // The calls carry the session's token, so this is a fetch, not a plain link.
  if (e.kind === 'products') {
    const call = api.GET('/api/v1/admin/exports/products', { params: { query: e.query }, parseAs: 'blob' })
    const blob = (await unwrap(call)) as unknown as Blob
    return { blob, name: fileName((await call).response, 'products.csv') }
  }
  const call = api.GET('/api/v1/admin/exports/orders', { params: { query: e.query }, parseAs: 'blob' })
  const blob = (await unwrap(call)) as unknown as Blob
  return { blob, name: fileName((await call).response, 'orders.csv') }
}

/** "Download CSV" for the list's current filters. */
export function CsvDownload({ export: e, label }: { export: CsvExport; label?: string }) {
  const action = useAction(async () => {
    const { blob, name } = await fetchCsv(e)
    save(blob, name)
  })
  return (
    <span class="csv-download">
      <button type="button" onClick={() => void action.run()} disabled={action.busy} aria-busy={action.busy}>
        {action.busy ? t('import.preparing') : (label ?? t('import.download'))}
      </button>
      {action.error ? <ErrorBox error={action.error} /> : null}
    </span>
  )
}

type ImportJob = Schemas['ImportJob']

const importApi = {
  dryRun: (csv: string, file_name: string) => unwrap(api.POST('/api/v1/admin/imports', { body: { csv, file_name } })),
  get: (id: string) => unwrap(api.GET('/api/v1/admin/imports/{id}', { params: { path: { id } } })),
  apply: (id: string) => unwrap(api.POST('/api/v1/admin/imports/{id}/apply', { params: { path: { id } } })),
}

function Report({ job }: { job: ImportJob }) {
  return (
    <section aria-labelledby="import-report">
      <h2 id="import-report">{t('import.reportTitle', { file: job.file_name })}</h2>
      <p>
        {t(job.error_rows ? 'import.summarySkipped' : 'import.summary', {
          rows: t('import.count.rows', { count: job.total_rows }),
          valid: job.valid_rows,
          create: job.planned.create,
          update: job.planned.update,
          errors: t('import.count.errorRows', { count: job.error_rows }),
        })}
      </p>
      {job.errors.length ? (
        <div class="table-scroll">
          <table>
            <caption>{t('import.errorsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t('import.col.line')}
                </th>
                <th scope="col">{t('import.col.sku')}</th>
                <th scope="col">{t('import.col.column')}</th>
                <th scope="col">{t('import.col.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.map((e, i) => (
                <tr key={i}>
                  <td class="num">{e.line}</td>
                  <td>
                    <code>{e.sku}</code>
                  </td>
                  <td>{e.column}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}

function Progress({ job }: { job: ImportJob }) {
  const r = job.result
  return (
    <section aria-labelledby="import-progress">
      <h2 id="import-progress">{job.status === 'done' ? t('import.finishedTitle') : t('import.importing')}</h2>
      <progress max={job.total_rows} value={job.processed_rows} aria-labelledby="import-progress" />
      <p aria-live="polite">
        {t('import.progress', {
          processed: job.processed_rows,
          count: job.total_rows,
          created: r.created,
          updated: r.updated,
          unchanged: r.unchanged,
          failed: r.failed,
        })}
      </p>
    </section>
  )
}

/** Product import: choose a CSV, see the dry-run report, apply with progress. */
export function ImportPage() {
  const [job, setJob] = useState<ImportJob | null>(null)
  const [applying, setApplying] = useState(false)
  const check = useAction(async (form: HTMLFormElement) => {
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0]
    if (!file) throw invalid(t('import.chooseFile'), { file: t('error.required') })
    setJob(null)
    setJob(await importApi.dryRun(await file.text(), file.name))
  })
  const apply = useAction(async () => {
    if (!job) return
    const ok = await confirmAction({
      title: t('import.confirmTitle', { count: job.valid_rows }),
      body: [
        t('import.confirmPlan', { create: job.planned.create, update: job.planned.update }),
        job.error_rows
          ? t('import.confirmSkipped', { rows: t('import.count.errorRows', { count: job.error_rows }) })
          : t('import.allValid'),
      ],
      confirm: t('import.confirm'),
    })
    if (!ok) throw CANCELLED
    setApplying(true)
    try {
      let current = job
      // One chunk per call; the progress bar moves between calls.
      while (current.status !== 'done') {
        current = await importApi.apply(current.id)
        setJob(current)
      }
      return t('import.finished', {
        created: current.result.created,
        updated: current.result.updated,
        unchanged: current.result.unchanged,
        failed: current.result.failed,
      })
    } finally {
      setApplying(false)
    }
  })
  return (
    <section>
      <PageTitle>{t('import.title')}</PageTitle>
      <p>
        {tx('import.intro', {
          sku: <code>sku</code>,
          name: <code>product_name</code>,
          currency: <code>currency</code>,
          price: <code>price</code>,
        })}
      </p>
      <FormErrors error={check.error}>
        <form aria-label={t('import.checkForm')} onSubmit={submit((f) => void check.run(f))}>
          <Field label={t('import.file')} hint={t('import.fileHint', { rows: 10_000 })}>
            <input name="file" type="file" accept=".csv,text/csv" required />
          </Field>
          <button type="submit" disabled={check.busy || applying}>
            {check.busy ? t('import.checking') : t('import.check')}
          </button>
        </form>
      </FormErrors>
      {job ? <Report job={job} /> : null}
      {job && job.status === 'ready' && job.valid_rows > 0 ? (
        <button type="button" class="primary" onClick={() => void apply.run()} disabled={apply.busy}>
          {t('import.apply', { count: job.valid_rows })}
        </button>
      ) : null}
      {apply.error ? <ErrorBox error={apply.error} /> : null}
      {job && (applying || job.status !== 'ready') ? <Progress job={job} /> : null}
    </section>
  )
}
