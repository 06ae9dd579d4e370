// CSV: the download buttons of the product and order lists, and the product import page.
import { api, unwrap } from '../api'
import type { paths } from '../api-types'
import { ErrorBox, useAction } from '../ui'

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

const fileName = (res: Response, fallback: string) => /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallback

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
