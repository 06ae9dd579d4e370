// Inventory: sold-out and low-stock variants at the store's low-stock threshold (a server setting an
// admin edits here; a different threshold can be looked at through the URL) with a quick stock
// adjustment per variant, with its reason, through the catalog's stock endpoint.
import { useRef } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import {
  Field,
  formatDate,
  FormErrors,
  formValues,
  invalid,
  Loading,
  PageTitle,
  Pager,
  plural,
  submit,
  useAction,
  useLoad,
  usePager,
} from '../ui'

export type StockReason = NonNullable<Schemas['StockAdjustment']['reason']>

/** Why stock changes by hand, as the stock history records it. */
export const STOCK_REASON_LABELS: Record<StockReason, string> = {
  received: 'Received from a supplier',
  damaged: 'Damaged or lost',
  recount: 'Recount',
  returned: 'Returned by a customer',
  other: 'Other (say why)',
}

/**
 * The reason and note of a manual stock change from a form with `reason` and `note` controls: the
 * reason is required, the note too when the reason is "other" (the API's rule), at most 500 characters.
 */
export function stockReason(v: Record<string, string | boolean>): { reason: StockReason; note?: string } {
  const reason = String(v.reason ?? '') as StockReason | ''
  const note = String(v.note ?? '').trim()
  if (!reason || !(reason in STOCK_REASON_LABELS)) throw invalid('Say why the stock changes.', { reason: 'is required' })
  if (reason === 'other' && !note) throw invalid('Say why the stock changes.', { note: 'is required when the reason is Other' })
  if (note.length > 500) throw invalid('The note is too long.', { note: `must be at most 500 characters (it has ${note.length})` })
  return note ? { reason, note } : { reason }
}

/** A short stable digest, so an Idempotency-Key names the whole change (note included) in few characters. */
export const digest = (text: string) => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(36)
}

/** Reason (required) and note fields of a stock change form. */
export function ReasonFields() {
  return (
    <>
      <Field label="Reason">
        <select name="reason" defaultValue="" required>
          <option value="">Choose…</option>
          {enums['StockAdjustment.reason'].map((r) => (
            <option key={r} value={r}>
              {STOCK_REASON_LABELS[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Note" hint="Required for Other">
        <input name="note" maxLength={500} size={14} />
      </Field>
    </>
  )
}

function AdjustForm({ row, onDone }: { row: Schemas['InventoryRow']; onDone: () => void }) {
  // One Idempotency-Key per adjustment: a resubmit of the same change (a double click, a retry after
  // a lost answer) applies once; the next adjustment, even an identical one, gets a new key.
  const key = useRef(crypto.randomUUID())
  const adjust = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    const text = String(v.delta).trim()
    const delta = Number(text)
    if (!text || !Number.isInteger(delta) || delta === 0)
      throw invalid('Type a whole number of units to add (or −n to remove).', { delta: 'must be a whole number other than 0' })
    if (row.stock + delta < 0) throw invalid(`Only ${plural(row.stock, 'unit')} in stock.`, { delta: `can remove at most ${row.stock}` })
    const why = stockReason(v)
    await unwrap(
      api.POST('/api/v1/admin/products/{id}/variants/{variantId}/stock', {
        params: {
          path: { id: row.product_id, variantId: row.variant_id },
          header: { 'idempotency-key': `inv-${key.current}-${delta}-${why.reason}-${digest(why.note ?? '')}` },
        },
        body: { delta, ...why },
      }),
    )
    key.current = crypto.randomUUID()
    onDone()
    return `${row.sku}: stock ${row.stock} → ${row.stock + delta} (${STOCK_REASON_LABELS[why.reason].toLowerCase()}).`
  })
  return (
    <form class="inline" onSubmit={submit((f) => void adjust.run(f))} aria-label={`Adjust stock of ${row.sku}`} noValidate>
      <FormErrors error={adjust.error}>
        <Field label="Add units" hint="Negative to remove">
          <input name="delta" inputMode="numeric" size={5} />
        </Field>
        <ReasonFields />
      </FormErrors>
      <button type="submit" disabled={adjust.busy}>
        Adjust
      </button>
    </form>
  )
}

/** Admin: the store's low-stock threshold, which the inventory list uses unless the URL names another. */
function ThresholdSetting({ settings, onSaved }: { settings: Schemas['InventorySettings']; onSaved: () => void }) {
  const save = useAction(async (form: HTMLFormElement) => {
    const text = String(formValues(form).low_stock_threshold).trim()
    const n = Number(text)
    if (!/^\d+$/.test(text) || n > 1_000_000)
      throw invalid('Check the threshold.', { low_stock_threshold: 'must be a whole number from 0 to 1000000' })
    await unwrap(api.PUT('/api/v1/admin/inventory/settings', { body: { low_stock_threshold: n } }))
    onSaved()
    return `The store's low-stock threshold is ${n}.`
  })
  return (
    <form class="filters" aria-label="Store low-stock threshold" noValidate onSubmit={submit((f) => void save.run(f))}>
      <FormErrors error={save.error}>
        <Field
          label="Store low-stock threshold"
          hint={
            settings.updated_by_name
              ? `Set by ${settings.updated_by_name}, ${formatDate(settings.updated_at)}`
              : 'The default; applies to every staff member'
          }
        >
          <input
            name="low_stock_threshold"
            type="number"
            min={0}
            max={1000000}
            step={1}
            defaultValue={String(settings.low_stock_threshold)}
            key={settings.low_stock_threshold}
          />
        </Field>
      </FormErrors>
      <button type="submit" disabled={save.busy}>
        Save for the store
      </button>
    </form>
  )
}

export function InventoryPage({ route, canEdit }: { route: Route; canEdit: boolean }) {
  const fromUrl = route.query.get('threshold')
  const asked = fromUrl !== null && /^\d+$/.test(fromUrl) ? Number(fromUrl) : undefined
  const soldOut = route.query.get('sold_out') === 'true'
  const settings = useLoad(() => unwrap(api.GET('/api/v1/admin/inventory/settings')), [])
  const pager = usePager(`${asked}|${soldOut}`)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/inventory', {
          params: {
            query: {
              ...(asked !== undefined ? { threshold: asked } : {}),
              ...(soldOut ? { sold_out: 'true' as const } : {}),
              cursor: pager.cursor,
              limit: 25,
            },
          },
        }),
      ),
    [asked, soldOut, pager.cursor, settings.data?.low_stock_threshold],
  )
  const data = list.data
  const threshold = data?.threshold ?? asked
  return (
    <section>
      <PageTitle>Inventory</PageTitle>
      {canEdit && settings.data ? <ThresholdSetting settings={settings.data} onSaved={settings.reload} /> : null}
      <form
        class="filters"
        aria-label="Low-stock view"
        noValidate
        onSubmit={submit((f) => {
          const v = formValues(f)
          const text = String(v.threshold).trim()
          navigate('inventory', { threshold: /^\d+$/.test(text) ? text : undefined, sold_out: v.sold_out ? 'true' : undefined })
        })}
      >
        <Field label="Low stock at or below" hint={settings.data ? `Empty: the store's ${settings.data.low_stock_threshold}` : undefined}>
          <input
            name="threshold"
            type="number"
            min={0}
            max={1000000}
            step={1}
            defaultValue={asked === undefined ? '' : String(asked)}
            key={String(asked)}
          />
        </Field>
        <label class="check">
          <input name="sold_out" type="checkbox" defaultChecked={soldOut} /> Sold out only
        </label>
        <button type="submit">Show</button>
      </form>
      <Loading loaded={list} />
      {data ? (
        <p>
          <a href={link('inventory', { threshold: asked === undefined ? undefined : String(asked), sold_out: 'true' })}>
            {plural(data.sold_out_count, 'variant')} sold out
          </a>{' '}
          · {plural(data.low_count, 'variant')} at or below {threshold}
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
