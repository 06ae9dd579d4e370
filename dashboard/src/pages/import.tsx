// CSV: the download buttons of the product and order lists, and the product import page.
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import type { paths } from '../api-types'
import { CANCELLED, confirmAction, ErrorBox, Field, FormErrors, invalid, PageTitle, plural, submit, useAction } from '../ui'

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
export function CsvDownload({ export: e, label = 'Download CSV' }: { export: CsvExport; label?: string }) {
  const action = useAction(async () => {
    const { blob, name } = await fetchCsv(e)
    save(blob, name)
  })
  return (
    <span class="csv-download">
      <button type="button" onClick={() => void action.run()} disabled={action.busy} aria-busy={action.busy}>
        {action.busy ? 'Preparing…' : label}
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
      <h2 id="import-report">Check of {job.file_name}</h2>
      <p>
        {plural(job.total_rows, 'row')}: {job.valid_rows} valid ({job.planned.create} to create, {job.planned.update} to update),{' '}
        {plural(job.error_rows, 'row')} with errors{job.error_rows ? ', which will be skipped' : ''}.
      </p>
      {job.errors.length ? (
        <div class="table-scroll">
          <table>
            <caption>Rows with errors</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Line
                </th>
                <th scope="col">SKU</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
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
      <h2 id="import-progress">{job.status === 'done' ? 'Import finished' : 'Importing'}</h2>
      <progress max={job.total_rows} value={job.processed_rows} aria-labelledby="import-progress" />
      <p aria-live="polite">
        Applied {job.processed_rows} of {job.total_rows} rows: {r.created} created, {r.updated} updated, {r.unchanged} unchanged, {r.failed}{' '}
        failed.
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
    if (!file) throw invalid('Choose a CSV file first.', { file: 'is required' })
    setJob(null)
    setJob(await importApi.dryRun(await file.text(), file.name))
  })
  const apply = useAction(async () => {
    if (!job) return
    const ok = await confirmAction({
      title: `Import ${plural(job.valid_rows, 'row')}?`,
      body: [
        `${job.planned.create} will be created and ${job.planned.update} updated (by SKU).`,
        job.error_rows ? `${plural(job.error_rows, 'row')} with errors will be skipped.` : 'Every row passed the check.',
      ],
      confirm: 'Import',
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
      return `Import finished: ${current.result.created} created, ${current.result.updated} updated, ${current.result.unchanged} unchanged, ${current.result.failed} failed.`
    } finally {
      setApplying(false)
    }
  })
  return (
    <section>
      <PageTitle>Import products</PageTitle>
      <p>
        A CSV with the columns of the product export (<code>sku</code> required; a new SKU also needs <code>product_name</code>,{' '}
        <code>currency</code> and <code>price</code>). Rows create or update variants by SKU, so importing the same file twice changes
        nothing. Prices are in the currency’s major unit (19.99). The file is checked first; nothing is written until you import.
      </p>
      <FormErrors error={check.error}>
        <form aria-label="Check a CSV file" onSubmit={submit((f) => void check.run(f))}>
          <Field label="CSV file" hint="Up to 10,000 rows (1 MB)">
            <input name="file" type="file" accept=".csv,text/csv" required />
          </Field>
          <button type="submit" disabled={check.busy || applying}>
            {check.busy ? 'Checking…' : 'Check file'}
          </button>
        </form>
      </FormErrors>
      {job ? <Report job={job} /> : null}
      {job && job.status === 'ready' && job.valid_rows > 0 ? (
        <button type="button" class="primary" onClick={() => void apply.run()} disabled={apply.busy}>
          Import {plural(job.valid_rows, 'valid row')}
        </button>
      ) : null}
      {apply.error ? <ErrorBox error={apply.error} /> : null}
      {job && (applying || job.status !== 'ready') ? <Progress job={job} /> : null}
    </section>
  )
}
