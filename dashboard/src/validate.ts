// Checks a request body against the API's own constraints before it is sent: the rules are
// generated from /openapi.json (src/api-rules.ts, from the same zod schemas the server validates
// with), so a form refuses an empty name or a negative price at the field without a round trip,
// and never disagrees with the server about what is valid.
import { rules } from './api-rules'
import { invalid } from './feedback'
import { t } from './i18n'
import { formatMoney, formatNumber } from './ui'

export type RequestSchema = keyof typeof rules

interface Rule {
  type?: string | readonly string[]
  required?: readonly string[]
  properties?: Record<string, Rule>
  additionalProperties?: boolean | Rule
  items?: Rule
  enum?: readonly unknown[]
  const?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number | boolean
  exclusiveMaximum?: number | boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minItems?: number
  maxItems?: number
  anyOf?: readonly Rule[]
  oneOf?: readonly Rule[]
  allOf?: readonly Rule[]
  $ref?: string
}

/**
 * How a form's user types a number the API takes in other units: money in the currency's major
 * unit (the API wants minor units), a percentage (the API wants basis points). A limit is then shown
 * the way the user types it ("at most $1,000,000,000.00", "at most 100%"), never the API's raw number.
 */
export type Unit = { currency: string } | 'percent'

/** Units by API path ("variants.0.price") or by its last part ("price"). */
export type Units = Record<string, Unit>

function showLimit(n: number, unit: Unit | undefined): string {
  if (!unit) return String(n)
  if (unit === 'percent') return formatNumber(n / 10_000, { style: 'percent', maximumFractionDigits: 2 })
  return formatMoney(n, unit.currency)
}

const unitOf = (units: Units, path: string): Unit | undefined => units[path] ?? units[path.split('.').pop() ?? '']

export interface Issue {
  path: string
  message: string
}

const resolve = (rule: Rule): Rule =>
  rule.$ref ? ((rules as unknown as Record<string, Rule>)[rule.$ref.replace('#/components/schemas/', '')] ?? {}) : rule

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    default:
      return true
  }
}

function typeMessage(types: readonly string[], value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value)))
    return types.includes('number') || types.includes('integer') ? t('error.number') : t('error.required')
  if (types.includes('integer') && typeof value === 'number') return t('error.integer')
  if (types.includes('number') || types.includes('integer')) return t('error.number')
  return `must be ${types.filter((t) => t !== 'null').join(' or ')}`
}

function visit(rule0: Rule, value: unknown, path: string, out: Issue[], units: Units) {
  const rule = resolve(rule0)
  for (const sub of rule.allOf ?? []) visit(sub, value, path, out, units)
  const branches = rule.anyOf ?? rule.oneOf
  if (branches) {
    // Valid when one branch is; otherwise report the closest branch's problems.
    let best: Issue[] | undefined
    for (const b of branches) {
      const found: Issue[] = []
      visit(b, value, path, found, units)
      if (found.length === 0) {
        best = []
        break
      }
      if (!best || found.length < best.length) best = found
    }
    out.push(...(best ?? []))
  }
  if (rule.type !== undefined) {
    const types = Array.isArray(rule.type) ? (rule.type as readonly string[]) : [rule.type as string]
    if (!types.some((t) => typeMatches(t, value))) {
      out.push({ path, message: typeMessage(types, value) })
      return
    }
  }
  if (value === null || value === undefined) return
  if (rule.const !== undefined && value !== rule.const) out.push({ path, message: `must be ${String(rule.const)}` })
  if (rule.enum && !rule.enum.includes(value))
    out.push({ path, message: `must be one of ${rule.enum.filter((v) => v !== null).join(', ')}` })
  if (typeof value === 'number') {
    const exMin =
      typeof rule.exclusiveMinimum === 'number' ? rule.exclusiveMinimum : rule.exclusiveMinimum === true ? rule.minimum : undefined
    const exMax =
      typeof rule.exclusiveMaximum === 'number' ? rule.exclusiveMaximum : rule.exclusiveMaximum === true ? rule.maximum : undefined
    const unit = unitOf(units, path)
    if (exMin !== undefined && value <= exMin) out.push({ path, message: `must be more than ${showLimit(exMin, unit)}` })
    else if (rule.minimum !== undefined && value < rule.minimum)
      out.push({ path, message: `must be at least ${showLimit(rule.minimum, unit)}` })
    if (exMax !== undefined && value >= exMax) out.push({ path, message: `must be less than ${showLimit(exMax, unit)}` })
    else if (rule.maximum !== undefined && value > rule.maximum)
      out.push({ path, message: `must be at most ${showLimit(rule.maximum, unit)}` })
  }
  if (typeof value === 'string') {
    const length = [...value].length
    if (rule.minLength !== undefined && length < rule.minLength)
      out.push({ path, message: rule.minLength === 1 ? t('error.required') : `must have at least ${rule.minLength} characters` })
    if (rule.maxLength !== undefined && length > rule.maxLength)
      out.push({ path, message: `must have at most ${rule.maxLength} characters (it has ${length})` })
    if (rule.pattern !== undefined && length > 0 && !new RegExp(rule.pattern, 'u').test(value))
      out.push({ path, message: 'is not in the expected format' })
    if (rule.format === 'email' && length > 0 && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      out.push({ path, message: 'must be an email address' })
  }
  if (Array.isArray(value)) {
    if (rule.minItems !== undefined && value.length < rule.minItems) out.push({ path, message: `needs at least ${rule.minItems}` })
    if (rule.maxItems !== undefined && value.length > rule.maxItems) out.push({ path, message: `takes at most ${rule.maxItems}` })
    if (rule.items) value.forEach((item, i) => visit(rule.items!, item, path ? `${path}.${i}` : String(i), out, units))
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    for (const key of rule.required ?? [])
      if (obj[key] === undefined) out.push({ path: path ? `${path}.${key}` : key, message: t('error.required') })
    for (const [key, sub] of Object.entries(rule.properties ?? {})) {
      if (obj[key] !== undefined) visit(sub, obj[key], path ? `${path}.${key}` : key, out, units)
    }
  }
}

/** The problems the API would report for `body` under the named request schema (paths as the API writes them). */
export function check(schema: RequestSchema, body: unknown, units: Units = {}): Issue[] {
  const out: Issue[] = []
  visit(rules[schema] as unknown as Rule, body, '', out, units)
  return out
}

/**
 * Throws a validation error (shown like the API's, at each field) when `body` breaks the schema's
 * rules. `fields` renames API paths to the form's control names where they differ
 * (`{ 'variants.0.price': 'price' }`); `units` says which numbers are money or percentages, so their
 * limits read as typed (`{ price: { currency: 'USD' } }`).
 */
export function validateBody(schema: RequestSchema, body: unknown, fields: Record<string, string> = {}, units: Units = {}): void {
  const issues = check(schema, body, units)
  if (issues.length === 0) return
  const byField: Record<string, string> = {}
  for (const i of issues) byField[fields[i.path] ?? i.path] ??= i.message
  throw invalid(issues.length === 1 ? 'Check the highlighted field.' : 'Check the highlighted fields.', byField)
}
