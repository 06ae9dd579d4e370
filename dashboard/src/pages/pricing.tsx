// Discount codes, tax rates and shipping methods: one small list/create/edit/delete page each,
// described by their fields. Each body is checked against the API's own rules (from its OpenAPI
// schema) before it is sent, so problems show at their fields; the API validates again.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { api, unwrap, type Schemas } from '../api'
import { enums } from '../api-enums'
import { t, tMaybe, type Key } from '../i18n'
import { validateBody, type RequestSchema, type Units } from '../validate'
import {
  Badge,
  CANCELLED,
  confirmAction,
  ErrorBox,
  Field,
  FormErrors,
  formatDate,
  formatMoney,
  formatNumber,
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
  label: Key
  kind: Kind
  options?: readonly string[]
  hint?: Key
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

/** The words a resource's page uses, as dictionary keys (messages/pricing.ts). */
interface ResourceText {
  title: Key
  new: Key
  edit: Key
  created: Key
  deleteTitle: Key
  deleteBody: Key
  deleteConfirm: Key
}

interface Resource<R extends Row> {
  text: ResourceText
  fields: FieldDef[]
  columns: { header: Key; cell: (row: R) => ComponentChildren }[]
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

/** Which fields are typed as money (in the record's currency) or percentages, so limits read as typed. */
function unitsOf(fields: FieldDef[], values: Record<string, string | boolean>, row?: Row): Units {
  const units: Units = {}
  const percentage = String(values.kind ?? row?.kind) === 'percentage'
  for (const f of fields) {
    if (f.kind === 'money' || (f.kind === 'discount' && !percentage)) units[f.name] = { currency: currencyOf(values, row) }
    else if (f.kind === 'percent' || f.kind === 'discount') units[f.name] = 'percent'
  }
  return units
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
              <input type="checkbox" name={f.name} defaultChecked={row ? row[f.name] === true : (f.initial ?? true)} /> {t(f.label)}
            </label>
          ) : (
            <Field key={f.name} label={t(f.label)} hint={f.hint ? t(f.hint) : undefined}>
              {f.kind === 'select' ? (
                <select name={f.name} defaultValue={toInput(f, row)}>
                  {f.nullable ? <option value="">—</option> : null}
                  {(f.options ?? []).map((o) => (
                    <option key={o} value={o}>
                      {tMaybe(`pricing.kind.${o}`, o)}
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
    const values = formValues(form)
    const body = toBody(res.fields, values, 'update', row)
    validateBody(res.schemas.update, body, {}, unitsOf(res.fields, values, row))
    await res.update(row.id, body)
    setEditing(false)
    onChanged()
  })
  const remove = useAction(async () => {
    const ok = await confirmAction({
      title: t(res.text.deleteTitle),
      body: [t(res.text.deleteBody, { what: res.describe(row) })],
      confirm: t(res.text.deleteConfirm),
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
            {t('pricing.edit')}
          </button>
          <button type="button" class="danger" onClick={() => void remove.run()}>
            {t('pricing.delete')}
          </button>
          <ErrorBox error={remove.error} />
        </td>
      </tr>
      {editing ? (
        <tr class="editor">
          <td colSpan={res.columns.length + 1}>
            <form class="stack" onSubmit={submit((f) => void save.run(f))} aria-label={t(res.text.edit)}>
              <FormErrors error={save.error}>
                <Fields fields={res.fields} row={row} mode="update" />
              </FormErrors>
              <div class="actions">
                <button class="primary" type="submit" disabled={save.busy}>
                  {t('pricing.save')}
                </button>
                <button type="button" onClick={() => setEditing(false)}>
                  {t('common.cancel')}
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
    const values = formValues(form)
    const body = toBody(res.fields, values, 'create')
    validateBody(res.schemas.create, body, {}, unitsOf(res.fields, values))
    await res.create(body)
    setFormKey((k) => k + 1)
    list.reload()
    return t(res.text.created)
  })
  return (
    <section>
      <PageTitle>{t(res.text.title)}</PageTitle>
      <details class="card">
        <summary>{t(res.text.new)}</summary>
        <form key={formKey} class="stack" onSubmit={submit((f) => void create.run(f))} aria-label={t(res.text.new)}>
          <FormErrors error={create.error}>
            <Fields fields={res.fields} mode="create" />
          </FormErrors>
          <div class="actions">
            <button class="primary" type="submit" disabled={create.busy}>
              {t('pricing.create')}
            </button>
          </div>
        </form>
      </details>
      <Loading loaded={list} />
      {list.data && list.data.data.length === 0 ? <p class="muted">{t('pricing.none')}</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              {res.columns.map((c) => (
                <th key={c.header} scope="col">
                  {t(c.header)}
                </th>
              ))}
              <th scope="col">
                <span class="sr-only">{t('pricing.actions')}</span>
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

const DISCOUNT_TEXT: ResourceText = {
  title: 'pricing.discounts.title',
  new: 'pricing.discounts.new',
  edit: 'pricing.discounts.edit',
  created: 'pricing.discounts.created',
  deleteTitle: 'pricing.discounts.deleteTitle',
  deleteBody: 'pricing.discounts.deleteBody',
  deleteConfirm: 'pricing.discounts.deleteConfirm',
}

/** "10 %" / "10%" the chosen language's way. */
const percent = (bps: number) => formatNumber(bps / 10_000, { style: 'percent', maximumFractionDigits: 2 })

type Discount = Schemas['Discount']
const discounts: Resource<Discount> = {
  text: DISCOUNT_TEXT,
  fields: [
    { name: 'code', label: 'pricing.field.code', kind: 'text', createOnly: true },
    { name: 'description', label: 'pricing.field.description', kind: 'text', nullable: true },
    { name: 'kind', label: 'pricing.field.kind', kind: 'select', options: enums['Discount.kind'] },
    { name: 'value', label: 'pricing.field.value', kind: 'discount', hint: 'pricing.hint.value' },
    { name: 'currency', label: 'pricing.field.currency', kind: 'text', nullable: true, hint: 'pricing.hint.discountCurrency' },
    { name: 'min_subtotal', label: 'pricing.field.minSubtotal', kind: 'money', hint: 'pricing.hint.minSubtotal' },
    { name: 'usage_limit', label: 'pricing.field.usageLimit', kind: 'int', nullable: true },
    { name: 'per_customer_limit', label: 'pricing.field.perCustomer', kind: 'int', nullable: true },
    { name: 'starts_at', label: 'pricing.field.startsAt', kind: 'datetime', nullable: true },
    { name: 'expires_at', label: 'pricing.field.expiresAt', kind: 'datetime', nullable: true },
    { name: 'active', label: 'pricing.field.active', kind: 'bool' },
  ],
  columns: [
    { header: 'pricing.col.code', cell: (d) => <code>{d.code}</code> },
    {
      header: 'pricing.col.discount',
      cell: (d) => (d.kind === 'percentage' ? percent(d.value) : formatMoney(d.value, d.currency ?? 'USD')),
    },
    { header: 'pricing.col.minimum', cell: (d) => (d.min_subtotal ? formatMoney(d.min_subtotal, d.currency ?? 'USD') : '—') },
    {
      header: 'pricing.col.used',
      cell: (d) => (d.usage_limit ? t('pricing.usedOf', { used: d.used_count, limit: d.usage_limit }) : formatNumber(d.used_count)),
    },
    {
      header: 'pricing.col.valid',
      cell: (d) =>
        t('pricing.validRange', {
          from: d.starts_at ? formatDate(d.starts_at) : t('pricing.now'),
          to: d.expires_at ? formatDate(d.expires_at) : t('pricing.noEnd'),
        }),
    },
    { header: 'pricing.col.active', cell: (d) => <Badge value={d.active ? 'active' : 'inactive'} /> },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/discounts', { params: { query: { limit: 100 } } })),
  schemas: { create: 'DiscountCreate', update: 'DiscountUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/discounts', { body: body as Schemas['DiscountCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/discounts/{id}', { params: { path: { id } }, body: body as Schemas['DiscountUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/discounts/{id}', { params: { path: { id } } })),
  describe: (d) => t('pricing.discounts.describe', { code: d.code }),
}

const where = (r: { country: string; region: string | null }) => `${r.country}${r.region ? `-${r.region}` : ''}`

type TaxRate = Schemas['TaxRate']
const taxRates: Resource<TaxRate> = {
  text: {
    title: 'pricing.taxRates.title',
    new: 'pricing.taxRates.new',
    edit: 'pricing.taxRates.edit',
    created: 'pricing.taxRates.created',
    deleteTitle: 'pricing.taxRates.deleteTitle',
    deleteBody: 'pricing.taxRates.deleteBody',
    deleteConfirm: 'pricing.taxRates.deleteConfirm',
  },
  fields: [
    { name: 'country', label: 'pricing.field.country', kind: 'text', createOnly: true },
    { name: 'region', label: 'pricing.field.region', kind: 'text', createOnly: true, nullable: true },
    { name: 'name', label: 'pricing.field.name', kind: 'text' },
    { name: 'rate_bps', label: 'pricing.field.rate', kind: 'percent', hint: 'pricing.hint.rate' },
    { name: 'inclusive', label: 'pricing.field.inclusive', kind: 'bool', initial: false, hint: 'pricing.hint.inclusive' },
  ],
  columns: [
    { header: 'pricing.col.where', cell: (r) => where(r) },
    { header: 'pricing.col.name', cell: (r) => r.name },
    { header: 'pricing.col.rate', cell: (r) => percent(r.rate_bps) },
    { header: 'pricing.col.prices', cell: (r) => t(r.inclusive ? 'pricing.includeTax' : 'pricing.excludeTax') },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/tax-rates', { params: { query: { limit: 100 } } })),
  schemas: { create: 'TaxRateCreate', update: 'TaxRateUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/tax-rates', { body: body as Schemas['TaxRateCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/tax-rates/{id}', { params: { path: { id } }, body: body as Schemas['TaxRateUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/tax-rates/{id}', { params: { path: { id } } })),
  describe: (r) => `${r.name} (${where(r)}, ${percent(r.rate_bps)})`,
}

type ShippingMethod = Schemas['ShippingMethod']
const shippingMethods: Resource<ShippingMethod> = {
  text: {
    title: 'pricing.shipping.title',
    new: 'pricing.shipping.new',
    edit: 'pricing.shipping.edit',
    created: 'pricing.shipping.created',
    deleteTitle: 'pricing.shipping.deleteTitle',
    deleteBody: 'pricing.shipping.deleteBody',
    deleteConfirm: 'pricing.shipping.deleteConfirm',
  },
  fields: [
    { name: 'name', label: 'pricing.field.name', kind: 'text' },
    { name: 'kind', label: 'pricing.field.kind', kind: 'select', options: enums['ShippingMethod.kind'] },
    { name: 'currency', label: 'pricing.field.currency', kind: 'text' },
    { name: 'amount', label: 'pricing.field.price', kind: 'money', hint: 'pricing.hint.amount' },
    { name: 'free_over_amount', label: 'pricing.field.freeOver', kind: 'money', nullable: true },
    { name: 'per_kg_amount', label: 'pricing.field.perKg', kind: 'money', nullable: true },
    { name: 'carrier', label: 'pricing.field.carrier', kind: 'text', nullable: true, hint: 'pricing.hint.carrier' },
    { name: 'service_code', label: 'pricing.field.serviceCode', kind: 'text', nullable: true, hint: 'pricing.hint.serviceCode' },
    { name: 'countries', label: 'pricing.field.countries', kind: 'countries', nullable: true, hint: 'pricing.hint.countries' },
    { name: 'position', label: 'pricing.field.position', kind: 'int' },
    { name: 'active', label: 'pricing.field.active', kind: 'bool' },
  ],
  columns: [
    { header: 'pricing.col.name', cell: (m) => m.name },
    {
      header: 'pricing.col.kind',
      cell: (m) =>
        m.kind === 'carrier'
          ? t('pricing.carrierKind', { carrier: m.carrier ?? '?', service: m.service_code ?? '' }).trim()
          : tMaybe(`pricing.kind.${m.kind}`, m.kind.replace('_', ' ')),
    },
    {
      header: 'pricing.col.price',
      cell: (m) =>
        [
          formatMoney(m.amount, m.currency),
          m.free_over_amount !== null ? t('pricing.freeOver', { amount: formatMoney(m.free_over_amount, m.currency) }) : '',
          m.per_kg_amount !== null ? t('pricing.perKg', { amount: formatMoney(m.per_kg_amount, m.currency) }) : '',
        ].join(''),
    },
    { header: 'pricing.col.countries', cell: (m) => (m.countries ? m.countries.join(', ') : t('pricing.everywhere')) },
    { header: 'pricing.col.active', cell: (m) => <Badge value={m.active ? 'active' : 'inactive'} /> },
  ],
  list: () => unwrap(api.GET('/api/v1/admin/shipping-methods', { params: { query: { limit: 100 } } })),
  schemas: { create: 'ShippingMethodCreate', update: 'ShippingMethodUpdate' },
  create: (body) => unwrap(api.POST('/api/v1/admin/shipping-methods', { body: body as Schemas['ShippingMethodCreate'] })),
  update: (id, body) =>
    unwrap(api.PATCH('/api/v1/admin/shipping-methods/{id}', { params: { path: { id } }, body: body as Schemas['ShippingMethodUpdate'] })),
  remove: (id) => unwrap(api.DELETE('/api/v1/admin/shipping-methods/{id}', { params: { path: { id } } })),
  describe: (m) => t('pricing.shipping.describe', { name: m.name }),
}

export const DiscountsPage = () => <ResourcePage res={discounts} />
export const TaxRatesPage = () => <ResourcePage res={taxRates} />
export const ShippingMethodsPage = () => <ResourcePage res={shippingMethods} />
