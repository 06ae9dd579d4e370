// Discount codes, tax rates and shipping methods: one small list/create/edit/delete page each,
// described by their fields. Each body is checked against the API's own rules (from its OpenAPI
// schema) before it is sent, so problems show at their fields; the API validates again.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { validateBody, type RequestSchema } from '../validate'
import {
  Badge,
  CANCELLED,
  confirmAction,
  ErrorBox,
  Field,
  FormErrors,
  formatDate,
  formatMoney,
  formValues,
  Loading,
  PageTitle,
  submit,
  toMajor,
  toMinor,
  useAction,
  useLoad,
} from '../ui'

type Kind = 'text' | 'int' | 'money' | 'percent' | 'discount' | 'bool' | 'select' | 'countries' | 'datetime'

interface FieldDef {
  name: string
  label: string
  kind: Kind
  options?: readonly string[]
  hint?: string
  /** Sent only on create (e.g. a discount's code, a tax rate's country). */
  createOnly?: boolean
  /** Empty means null rather than "leave out". */
  nullable?: boolean
  /** A checkbox's state on a new record. */
  initial?: boolean
}

/** "12.5" (percent) → 1250 basis points; NaN when it is not a number. */
const percentToBps = (text: string) => {
  const n = Number(text.replace(',', '.'))
  return Number.isFinite(n) ? Math.round(n * 100) : Number.NaN
}

type Row = { id: string; [key: string]: unknown }
type Body = Record<string, unknown>

interface Resource<R extends Row> {
  title: string
  noun: string
  fields: FieldDef[]
  columns: { header: string; cell: (row: R) => ComponentChildren }[]
  list: () => Promise<{ data: R[] }>
  create: (body: Body) => Promise<unknown>
  update: (id: string, body: Body) => Promise<unknown>
  remove: (id: string) => Promise<unknown>
  /** How the confirmation names a record. */
  describe: (row: R) => string
  /** The API's request schemas, whose rules are checked before sending (src/validate.ts). */
  schemas: { create: RequestSchema; update: RequestSchema }
}

const currencyOf = (values: Record<string, string | boolean>, row?: Row) =>
  String(values.currency || (row?.currency as string | undefined) || 'USD').toUpperCase()

/** Form values to the JSON body, by field kind. */
function toBody(fields: FieldDef[], values: Record<string, string | boolean>, mode: 'create' | 'update', row?: Row): Body {
  const body: Body = {}
  for (const f of fields) {
    if (mode === 'update' && f.createOnly) continue
    const raw = values[f.name]
    if (f.kind === 'bool') {
      body[f.name] = raw === true
      continue
    }
    const text = String(raw ?? '').trim()
    if (text === '') {
      if (f.nullable) body[f.name] = null
      continue
    }
    switch (f.kind) {
      case 'int':
        body[f.name] = Number(text)
        break
      case 'money':
        body[f.name] = toMinor(text, currencyOf(values, row))
        break
      case 'percent':
        body[f.name] = percentToBps(text)
        break
      case 'discount':
        // Percentage discounts are basis points, fixed ones minor units of their currency.
        body[f.name] = String(values.kind ?? row?.kind) === 'percentage' ? percentToBps(text) : toMinor(text, currencyOf(values, row))
        break
      case 'countries':
        body[f.name] = text.split(/[\s,]+/).filter(Boolean)
        break
      case 'datetime':
        body[f.name] = new Date(text).toISOString()
        break
      default:
        body[f.name] = text
    }
  }
  return body
}

/** A row's value as the form control shows it. */
function toInput(f: FieldDef, row: Row | undefined): string {
  const v = row?.[f.name]
  if (v === null || v === undefined) return ''
  if (f.kind === 'money') return toMajor(Number(v), String(row?.currency ?? 'USD'))
  if (f.kind === 'percent') return String(Number(v) / 100)
  if (f.kind === 'discount')
    return row?.kind === 'percentage' ? String(Number(v) / 100) : toMajor(Number(v), String(row?.currency ?? 'USD'))
  if (f.kind === 'countries') return Array.isArray(v) ? v.join(', ') : ''
  if (f.kind === 'datetime') {
    const d = new Date(String(v))
    return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
  }
  return String(v)
}

function Fields({ fields, row, mode }: { fields: FieldDef[]; row?: Row; mode: 'create' | 'update' }) {
  return (
    <div class="grid">
      {fields
        .filter((f) => mode === 'create' || !f.createOnly)
        .map((f) =>
          f.kind === 'bool' ? (
            <label class="check" key={f.name}>
              <input type="checkbox" name={f.name} defaultChecked={row ? row[f.name] === true : (f.initial ?? true)} /> {f.label}
            </label>
          ) : (
            <Field key={f.name} label={f.label} hint={f.hint}>
              {f.kind === 'select' ? (
                <select name={f.name} defaultValue={toInput(f, row)}>
                  {f.nullable ? <option value="">—</option> : null}
                  {(f.options ?? []).map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  name={f.name}
                  type={f.kind === 'int' ? 'number' : f.kind === 'datetime' ? 'datetime-local' : 'text'}
                  inputMode={f.kind === 'money' || f.kind === 'percent' || f.kind === 'discount' ? 'decimal' : undefined}
                  defaultValue={toInput(f, row)}
                />
              )}
            </Field>
          ),
        )}
    </div>
  )
}

function ResourceRow<R extends Row>({ res, row, onChanged }: { res: Resource<R>; row: R; onChanged: () => void }) {
  const [editing, setEditing] = useState(false)
  const save = useAction(async (form: HTMLFormElement) => {
    const body = toBody(res.fields, formValues(form), 'update', row)
    validateBody(res.schemas.update, body)
    await res.update(row.id, body)
    setEditing(false)
    onChanged()
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: `Delete this ${res.noun}?`,
      body: [`${res.describe(row)} is deleted. This cannot be undone.`],
      confirm: `Delete ${res.noun}`,
      danger: true,
    })
    if (!ok) throw CANCELLED
    await res.remove(row.id)
    onChanged()
  })
  return (
    <>
      <tr>
        {res.columns.map((c) => (
          <td key={c.header}>{c.cell(row)}</td>
        ))}
        <td class="row-actions">
          <button type="button" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
            Edit
          </button>
          <button type="button" class="danger" onClick={() => void remove.run()}>
            Delete
          </button>
          <ErrorBox error={remove.error} />
        </td>
      </tr>
      {editing ? (
        <tr class="editor">
          <td colSpan={res.columns.length + 1}>
            <form class="stack" onSubmit={submit((f) => void save.run(f))} aria-label={`Edit ${res.noun}`}>
              <FormErrors error={save.error}>
                <Fields fields={res.fields} row={row} mode="update" />
              </FormErrors>
              <div class="actions">
                <button class="primary" type="submit" disabled={save.busy}>
                  Save
                </button>
                <button type="button" onClick={() => setEditing(false)}>
                  Cancel
                </button>
              </div>
            </form>
          </td>
        </tr>
      ) : null}
    </>
  )
}

function ResourcePage<R extends Row>({ res }: { res: Resource<R> }) {
  const list = useLoad(res.list, [res])
  const [formKey, setFormKey] = useState(0)
  const create = useAction(async (form: HTMLFormElement) => {
    const body = toBody(res.fields, formValues(form), 'create')
    validateBody(res.schemas.create, body)
    await res.create(body)
    setFormKey((k) => k + 1)
    list.reload()
    return `Created the ${res.noun}.`
  })
  return (
    <section>
      <PageTitle>{res.title}</PageTitle>
      <details class="card">
        <summary>New {res.noun}</summary>
        <form key={formKey} class="stack" onSubmit={submit((f) => void create.run(f))} aria-label={`New ${res.noun}`}>
          <FormErrors error={create.error}>
            <Fields fields={res.fields} mode="create" />
          </FormErrors>
          <div class="actions">
            <button class="primary" type="submit" disabled={create.busy}>
              Create
            </button>
          </div>
        </form>
      </details>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">None yet.</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              {res.columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((row) => (
              <ResourceRow key={`${row.id}-${String(row.updated_at)}`} res={res} row={row} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

// ---------- the three resources

type Discount = Schemas['Discount']
const discounts: Resource<Discount> = {
  title: 'Discount codes',
  noun: 'discount code',
  fields: [
    { name: 'code', label: 'Code', kind: 'text', createOnly: true },
    { name: 'description', label: 'Description', kind: 'text', nullable: true },
    { name: 'kind', label: 'Kind', kind: 'select', options: enums['Discount.kind'] },
    {
      name: 'value',
      label: 'Value',
      kind: 'discount',
      hint: 'Percentage: percent off (10 = 10%); fixed: an amount in the currency (5.00)',
    },
    { name: 'currency', label: 'Currency', kind: 'text', nullable: true, hint: 'Needed for fixed discounts' },
    { name: 'min_subtotal', label: 'Minimum subtotal', kind: 'money', hint: 'In the currency (USD when none is given); 0 for none' },
    { name: 'usage_limit', label: 'Usage limit', kind: 'int', nullable: true },
    { name: 'per_customer_limit', label: 'Per customer', kind: 'int', nullable: true },
    { name: 'starts_at', label: 'Starts', kind: 'datetime', nullable: true },
    { name: 'expires_at', label: 'Expires', kind: 'datetime', nullable: true },
    { name: 'active', label: 'Active', kind: 'bool' },
  ],
  columns: [
    { header: 'Code', cell: (d) => <code>{d.code}</code> },
    { header: 'Discount', cell: (d) => (d.kind === 'percentage' ? `${d.value / 100}%` : formatMoney(d.value, d.currency ?? 'USD')) },
    { header: 'Minimum', cell: (d) => (d.min_subtotal ? formatMoney(d.min_subtotal, d.currency ?? 'USD') : '—') },
    { header: 'Used', cell: (d) => `${d.used_count}${d.usage_limit ? ` / ${d.usage_limit}` : ''}` },
    {
      header: 'Valid',
      cell: (d) => `${d.starts_at ? formatDate(d.starts_at) : 'now'} → ${d.expires_at ? formatDate(d.expires_at) : 'no end'}`,
    },
    { header: 'Active', cell: (d) => <Badge value={d.active ? 'active' : 'inactive'} /> },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/discounts', { params: { query: { limit: 100 } } })),
  schemas: { create: 'DiscountCreate', update: 'DiscountUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/discounts', { body: body as Schemas['DiscountCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/discounts/{id}', { params: { path: { id } }, body: body as Schemas['DiscountUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/discounts/{id}', { params: { path: { id } } })),
  describe: (d) => `Discount code ${d.code}`,
}

type TaxRate = Schemas['TaxRate']
const taxRates: Resource<TaxRate> = {
  title: 'Tax rates',
  noun: 'tax rate',
  fields: [
    { name: 'country', label: 'Country (ISO code)', kind: 'text', createOnly: true },
    { name: 'region', label: 'Region (optional)', kind: 'text', createOnly: true, nullable: true },
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'rate_bps', label: 'Rate (%)', kind: 'percent', hint: 'For example 20 or 7.5' },
    {
      name: 'inclusive',
      label: 'Included in prices',
      kind: 'bool',
      initial: false,
      hint: 'Tick when the catalog prices already contain this tax',
    },
  ],
  columns: [
    { header: 'Where', cell: (t) => `${t.country}${t.region ? `-${t.region}` : ''}` },
    { header: 'Name', cell: (t) => t.name },
    { header: 'Rate', cell: (t) => `${t.rate_bps / 100}%` },
    { header: 'Prices', cell: (t) => (t.inclusive ? 'include tax' : 'exclude tax') },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/tax-rates', { params: { query: { limit: 100 } } })),
  schemas: { create: 'TaxRateCreate', update: 'TaxRateUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/tax-rates', { body: body as Schemas['TaxRateCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/tax-rates/{id}', { params: { path: { id } }, body: body as Schemas['TaxRateUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/tax-rates/{id}', { params: { path: { id } } })),
  describe: (t) => `${t.name} (${t.country}${t.region ? `-${t.region}` : ''}, ${t.rate_bps / 100}%)`,
}

type ShippingMethod = Schemas['ShippingMethod']
const shippingMethods: Resource<ShippingMethod> = {
  title: 'Shipping methods',
  noun: 'shipping method',
  fields: [
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'kind', label: 'Kind', kind: 'select', options: enums['ShippingMethod.kind'] },
    { name: 'currency', label: 'Currency', kind: 'text' },
    {
      name: 'amount',
      label: 'Price',
      kind: 'money',
      hint: 'Flat price, the base price for per_weight, or the fallback price for carrier (charged when the carrier is slow or down)',
    },
    { name: 'free_over_amount', label: 'Free over', kind: 'money', nullable: true },
    { name: 'per_kg_amount', label: 'Per started kg', kind: 'money', nullable: true },
    { name: 'carrier', label: 'Carrier', kind: 'text', nullable: true, hint: 'Kind carrier only: ups or fedex (live rates at checkout)' },
    {
      name: 'service_code',
      label: 'Service level',
      kind: 'text',
      nullable: true,
      hint: 'Kind carrier only: UPS service code (03 Ground, 02 2nd Day Air) or FedEx serviceType (FEDEX_GROUND)',
    },
    { name: 'countries', label: 'Countries', kind: 'countries', nullable: true, hint: 'Comma-separated ISO codes; empty ships everywhere' },
    { name: 'position', label: 'Position', kind: 'int' },
    { name: 'active', label: 'Active', kind: 'bool' },
  ],
  columns: [
    { header: 'Name', cell: (m) => m.name },
    {
      header: 'Kind',
      cell: (m) => (m.kind === 'carrier' ? `carrier (${m.carrier ?? '?'} ${m.service_code ?? ''})` : m.kind.replace('_', ' ')),
    },
    {
      header: 'Price',
      cell: (m) =>
        `${formatMoney(m.amount, m.currency)}${m.free_over_amount !== null ? `, free over ${formatMoney(m.free_over_amount, m.currency)}` : ''}${m.per_kg_amount !== null ? ` + ${formatMoney(m.per_kg_amount, m.currency)}/kg` : ''}`,
    },
    { header: 'Countries', cell: (m) => (m.countries ? m.countries.join(', ') : 'everywhere') },
    { header: 'Active', cell: (m) => <Badge value={m.active ? 'active' : 'inactive'} /> },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/shipping-methods', { params: { query: { limit: 100 } } })),
  schemas: { create: 'ShippingMethodCreate', update: 'ShippingMethodUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/shipping-methods', { body: body as Schemas['ShippingMethodCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/shipping-methods/{id}', { params: { path: { id } }, body: body as Schemas['ShippingMethodUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/shipping-methods/{id}', { params: { path: { id } } })),
  describe: (m) => `Shipping method ${m.name}`,
}

export const DiscountsPage = () => <ResourcePage res={discounts} />
export const TaxRatesPage = () => <ResourcePage res={taxRates} />
export const ShippingMethodsPage = () => <ResourcePage res={shippingMethods} />
