// Inventory: sold-out and low-stock variants (the threshold is a setting kept in this browser and
// in the URL) with a quick stock adjustment per variant through the catalog's stock endpoint.
import { api, unwrap, type Schemas } from '../api'
import { link, navigate, type Route } from '../router'
import { Field, FormErrors, formValues, invalid, Loading, PageTitle, Pager, plural, submit, useAction, useLoad, usePager } from '../ui'

const THRESHOLD_KEY = 'ec-dashboard-low-stock-threshold'
const savedThreshold = () => {
  const n = Number(localStorage.getItem(THRESHOLD_KEY) ?? '5')
  return Number.isInteger(n) && n >= 0 ? n : 5
}

function AdjustForm({ row, onDone }: { row: Schemas['InventoryRow']; onDone: () => void }) {
  const adjust = useAction(async (form: HTMLFormElement) => {
    const text = String(formValues(form).delta).trim()
    const delta = Number(text)
    if (!text || !Number.isInteger(delta) || delta === 0) throw invalid('Type a whole number of units to add (or −n to remove).', { delta: 'must be a whole number other than 0' })
    if (row.stock + delta < 0) throw invalid(`Only ${plural(row.stock, 'unit')} in stock.`, { delta: `can remove at most ${row.stock}` })
    await unwrap(
      api.POST('/api/v1/admin/products/{id}/variants/{variantId}/stock', {
        params: { path: { id: row.product_id, variantId: row.variant_id }, header: { 'idempotency-key': `inv-${row.variant_id}-${row.stock}-${delta}` } },
        body: { delta },
      }),
    )
    onDone()
    return `${row.sku}: stock ${row.stock} → ${row.stock + delta}.`
  })
  return (
    <form class="inline" onSubmit={submit((f) => void adjust.run(f))} aria-label={`Adjust stock of ${row.sku}`} noValidate>
      <FormErrors error={adjust.error}>
        <Field label="Add units" hint="Negative to remove">
          <input name="delta" inputMode="numeric" size={5} />
        </Field>
      </FormErrors>
      <button type="submit" disabled={adjust.busy}>
        Adjust
      </button>
    </form>
  )
}

export function InventoryPage({ route }: { route: Route }) {
  const fromUrl = route.query.get('threshold')
  const threshold = fromUrl !== null && /^\d+$/.test(fromUrl) ? Number(fromUrl) : savedThreshold()
  const soldOut = route.query.get('sold_out') === 'true'
  const pager = usePager(`${threshold}|${soldOut}`)
  const list = useLoad(
    () => unwrap(api.GET('/api/v1/admin/inventory', { params: { query: { threshold, ...(soldOut ? { sold_out: 'true' as const } : {}), cursor: pager.cursor, limit: 25 } } })),
    [threshold, soldOut, pager.cursor],
  )
  const data = list.data
  return (
    <section>
      <PageTitle>Inventory</PageTitle>
      <form
        class="filters"
        aria-label="Low-stock settings"
        noValidate
        onSubmit={submit((f) => {
          const v = formValues(f)
          const n = Number(String(v.threshold).trim())
          if (!Number.isInteger(n) || n < 0) return
          localStorage.setItem(THRESHOLD_KEY, String(n))
          navigate('inventory', { threshold: String(n), sold_out: v.sold_out ? 'true' : undefined })
        })}
      >
        <Field label="Low stock at or below" hint="Saved in this browser">
          <input name="threshold" type="number" min={0} max={1000000} step={1} defaultValue={String(threshold)} />
        </Field>
        <label class="check">
          <input name="sold_out" type="checkbox" defaultChecked={soldOut} /> Sold out only
        </label>
        <button type="submit">Show</button>
      </form>
      <Loading loaded={list} />
      {data ? (
        <p>
          <a href={link('inventory', { threshold: String(threshold), sold_out: 'true' })}>{plural(data.sold_out_count, 'variant')} sold out</a> ·{' '}
          {plural(data.low_count, 'variant')} at or below {threshold}
        </p>
      ) : null}
      {data && data.data.length === 0 ? <p class="muted">Nothing is low on stock.</p> : null}
      {data && data.data.length > 0 ? (
        <table aria-label="Low stock">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">SKU</th>
              <th scope="col">Seller</th>
              <th scope="col" class="num">
                Stock
              </th>
              <th scope="col">Adjust</th>
            </tr>
          </thead>
          <tbody>
            {data.data.map((r) => (
              <tr key={`${r.variant_id}-${r.stock}`}>
                <td>
                  <a href={link(`products/${r.product_id}`)}>{r.product_name}</a>
                  <div class="small muted">{r.variant_name}</div>
                </td>
                <td>
                  <code>{r.sku}</code>
                </td>
                <td>{r.seller_name ?? '—'}</td>
                <td class="num">{r.stock === 0 ? <strong>sold out</strong> : r.stock}</td>
                <td>
                  <AdjustForm row={r} onDone={list.reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={data?.next_cursor} />
    </section>
  )
}
