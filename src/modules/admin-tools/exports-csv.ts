/**
 * CSV for the exports and the product import (RFC 4180): comma-separated, CRLF line ends, a field
 * quoted when it holds a comma, a quote or a line break, quotes doubled inside quotes.
 */
import { currencyExponent, formatMinor } from '../../lib/money'

/**
 * A cell a spreadsheet could run as a formula (starts with = + - @, or a tab or carriage return
 * that some programs skip before looking) is written with a leading apostrophe, which spreadsheets
 * show as text (OWASP "CSV injection"). The import strips that apostrophe again, so an exported file
 * imports unchanged.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** One field, escaped. null/undefined become an empty field. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  let s = String(value)
  // Numbers we write ourselves (amounts, counts) are never negative formulas; names and notes may be.
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One record, CRLF-terminated. */
export const csvLine = (cells: readonly (string | number | boolean | null | undefined)[]) => `${cells.map(csvCell).join(',')}\r\n`

/** The inverse of the formula guard: `'=SUM(A1)` read back is `=SUM(A1)`. */
export const unguard = (s: string) => (s.length > 1 && s[0] === "'" && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s)

/** A parsed record: its fields and the 1-based line number it starts on (for error reports). */
export interface CsvRecord {
  line: number
  fields: string[]
}

/**
 * Parse CSV text into records. Accepts CRLF or LF, a leading UTF-8 BOM, quoted fields spanning
 * lines; skips blank lines. Throws on an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let i = 0
  let quotedField = false
  const endRecord = () => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) records.push({ line: recordLine, fields })
    fields = []
    field = ''
    quotedField = false
  }
  while (i < src.length) {
    const ch = src[i]!
    if (ch === '"' && field === '' && !quotedField) {
      quotedField = true
      i++
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated quoted field starting on line ${recordLine}`)
        const c = src[i]!
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        if (c === '\n') line++
        field += c
        i++
      }
      const next = src[i]
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new Error(`text after a closing quote on line ${line}`)
      continue
    }
    if (ch === ',') {
      fields.push(field)
      field = ''
      quotedField = false
      i++
      continue
    }
    if (ch === '\r' || ch === '\n') {
      endRecord()
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1
      line++
      recordLine = line
      continue
    }
    field += ch
    i++
  }
  if (field !== '' || fields.length || quotedField) endRecord()
  return records
}

/** Minor units as a decimal in major units for the currency (1999 USD → "19.99", 1999 JPY → "1999"). */
export const majorUnits = formatMinor

/**
 * A decimal in major units to integer minor units: "19.99" USD → 1999, "19.9" → 1990, "20" → 2000.
 * null when it is not a plain non-negative decimal or has more decimals than the currency's minor
 * unit (never rounded: "19.999" USD is an error, not 2000).
 */
export function parseMajorUnits(text: string, currency: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.trim())
  if (!m) return null
  const exp = currencyExponent(currency)
  const frac = m[2] ?? ''
  if (frac.length > exp) return null
  const value = Number(m[1]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0')
  return Number.isSafeInteger(value) ? value : null
}
