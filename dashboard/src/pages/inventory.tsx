// Inventory: sold-out and low-stock variants at the store's low-stock threshold (a server setting an
// admin edits here; a different threshold can be looked at through the URL) with a quick stock
// adjustment per variant, with its reason, through the catalog's stock endpoint.
import { useRef } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { t } from '../i18n'
import { link, navigate, type Route } from '../router'
import { validateBody } from '../validate'
import { Field, formatDate, FormErrors, formValues, invalid, Loading, PageTitle, Pager, submit, useAction, useLoad, usePager } from '../ui'

export type StockReason = NonNullable<Schemas['StockAdjustment']['reason']>

/** Why stock changes by hand, as the stock history records it (in the chosen language when read). */
export const STOCK_REASON_LABELS: Record<StockReason, string> = {
  get received() {
    return t('inventory.reason.received')
  },
  get damaged() {
    return t('inventory.reason.damaged')
  },
  get recount() {
    return t('inventory.reason.recount')
  },
  get returned() {
    return t('inventory.reason.returned')
  },
  get other() {
    return t('inventory.reason.other')
  },
}

/**
 * The reason and note of a manual stock change from a form with `reason` and `note` controls: the
 * reason is required, the note too when the reason is "other" (the API's rule), at most 500 characters.
 */
export function stockReason(v: Record<string, string | boolean>): { reason: StockReason; note?: string } {
  const reason = String(v.reason ?? '') as StockReason | ''
  const note = String(v.note ?? '').trim()
  if (!reason || !(reason in STOCK_REASON_LABELS)) throw invalid(t('inventory.sayWhy'), { reason: t('error.required') })
  if (reason === 'other' && !note) throw invalid(t('inventory.sayWhy'), { note: t('inventory.noteForOther') })
  if (note.length > 500) throw invalid(t('inventory.noteTooLong'), { note: t('inventory.noteAtMost', { count: note.length }) })
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
      <Field label={t('inventory.reason')}>
        <select name="reason" defaultValue="" required>
          <option value="">{t('inventory.choose')}</option>
          {enums['StockAdjustment.reason'].map((r) => (
            <option key={r} value={r}>
              {STOCK_REASON_LABELS[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('inventory.note')} hint={t('inventory.noteHint')}>
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
    if (!text || !Number.isInteger(delta) || delta === 0) throw invalid(t('inventory.wholeNumber'), { delta: t('inventory.notZero') })
    if (row.stock + delta < 0)
      throw invalid(t('inventory.onlyInStock', { units: t('count.units', { count: row.stock }) }), {
        delta: t('inventory.removeAtMost', { count: row.stock }),
      })
    const why = stockReason(v)
    validateBody('StockChange', { delta, ...why })
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
    return t('inventory.adjusted', {
      sku: row.sku,
      from: row.stock,
      to: row.stock + delta,
      reason: STOCK_REASON_LABELS[why.reason].toLowerCase(),
    })
  })
  return (
    <form class="inline" onSubmit={submit((f) => void adjust.run(f))} aria-label={t('inventory.adjustOf', { sku: row.sku })} noValidate>
      <FormErrors error={adjust.error}>
        <Field label={t('inventory.addUnits')} hint={t('inventory.addUnitsHint')}>
          <input name="delta" inputMode="numeric" size={5} />
        </Field>
        <ReasonFields />
      </FormErrors>
      <button type="submit" disabled={adjust.busy}>
        {t('inventory.adjust')}
      </button>
    </form>
  )
}

/** Admin: the store's low-stock threshold, which the inventory list uses unless the URL names another. */
function ThresholdSetting({ settings, onSaved }: { settings: Schemas['InventorySettings']; onSaved: () => void }) {
  const save = useAction(async (form: HTMLFormElement) => {
    const text = String(formValues(form).low_stock_threshold).trim()
    const body = { low_stock_threshold: text === '' ? Number.NaN : Number(text) }
    validateBody('InventorySettingsBody', body)
    await unwrap(api.PUT('/api/v1/admin/inventory/settings', { body }))
    onSaved()
    return t('inventory.thresholdSaved', { count: body.low_stock_threshold })
  })
  return (
    <form class="filters" aria-label={t('inventory.storeThreshold')} noValidate onSubmit={submit((f) => void save.run(f))}>
      <FormErrors error={save.error}>
        <Field
          label={t('inventory.storeThreshold')}
          hint={
            settings.updated_by_name
              ? t('inventory.setBy', { name: settings.updated_by_name, at: formatDate(settings.updated_at) })
              : t('inventory.default')
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
        {t('inventory.saveForStore')}
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
      <PageTitle>{t('inventory.title')}</PageTitle>
      {canEdit && settings.data ? <ThresholdSetting settings={settings.data} onSaved={settings.reload} /> : null}
      <form
        class="filters"
        aria-label={t('inventory.view')}
        noValidate
        onSubmit={submit((f) => {
          const v = formValues(f)
          const text = String(v.threshold).trim()
          navigate('inventory', { threshold: /^\d+$/.test(text) ? text : undefined, sold_out: v.sold_out ? 'true' : undefined })
        })}
      >
        <Field
          label={t('inventory.lowAt')}
          hint={settings.data ? t('inventory.storeDefault', { count: settings.data.low_stock_threshold }) : undefined}
        >
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
          <input name="sold_out" type="checkbox" defaultChecked={soldOut} /> {t('inventory.soldOutOnly')}
        </label>
        <button type="submit">{t('inventory.show')}</button>
      </form>
      <Loading loaded={list} />
      {data ? (
        <p>
          <a href={link('inventory', { threshold: asked === undefined ? undefined : String(asked), sold_out: 'true' })}>
            {t('inventory.soldOutCount', { count: data.sold_out_count })}
          </a>{' '}
          · {t('inventory.lowCount', { count: data.low_count, threshold: threshold ?? '' })}
        </p>
      ) : null}
      {data && data.data.length === 0 ? <p class="muted">{t('inventory.nothingLow')}</p> : null}
      {data && data.data.length > 0 ? (
        <table aria-label={t('inventory.table')}>
          <thead>
            <tr>
              <th scope="col">{t('inventory.col.product')}</th>
              <th scope="col">{t('inventory.col.sku')}</th>
              <th scope="col">{t('inventory.col.seller')}</th>
              <th scope="col" class="num">
                {t('inventory.col.stock')}
              </th>
              <th scope="col">{t('inventory.col.adjust')}</th>
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
                <td class="num">{r.stock === 0 ? <strong>{t('inventory.soldOut')}</strong> : r.stock}</td>
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
