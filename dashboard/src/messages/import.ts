// UI text of the dashboard's import page (and the lists' CSV download button), merged into the
// dictionaries by ../i18n.ts.
import type { Entry } from '../i18n'

export const en = {
  'import.download': 'Download CSV',
  'import.preparing': 'Preparing…',
  'import.title': 'Import products',
  'import.intro':
    'A CSV with the columns of the product export ({sku} required; a new SKU also needs {name}, {currency} and {price}). Rows create or update variants by SKU, so importing the same file twice changes nothing. Prices are in the currency’s major unit (19.99). The file is checked first; nothing is written until you import.',
  'import.checkForm': 'Check a CSV file',
  'import.file': 'CSV file',
  'import.fileHint': 'Up to {rows} rows (1 MB)',
  'import.check': 'Check file',
  'import.checking': 'Checking…',
  'import.chooseFile': 'Choose a CSV file first.',
  'import.reportTitle': 'Check of {file}',
  'import.count.rows': { one: '{count} row', other: '{count} rows' },
  'import.count.errorRows': { one: '{count} row with errors', other: '{count} rows with errors' },
  'import.summary': '{rows}: {valid} valid ({create} to create, {update} to update), {errors}.',
  'import.summarySkipped': '{rows}: {valid} valid ({create} to create, {update} to update), {errors}, which will be skipped.',
  'import.errorsCaption': 'Rows with errors',
  'import.col.line': 'Line',
  'import.col.sku': 'SKU',
  'import.col.column': 'Column',
  'import.col.problem': 'Problem',
  'import.apply': { one: 'Import {count} valid row', other: 'Import {count} valid rows' },
  'import.confirmTitle': { one: 'Import {count} row?', other: 'Import {count} rows?' },
  'import.confirmPlan': '{create} will be created and {update} updated (by SKU).',
  'import.confirmSkipped': '{rows} will be skipped.',
  'import.allValid': 'Every row passed the check.',
  'import.confirm': 'Import',
  'import.importing': 'Importing',
  'import.finishedTitle': 'Import finished',
  'import.progress': {
    one: 'Applied {processed} of {count} row: {created} created, {updated} updated, {unchanged} unchanged, {failed} failed.',
    other: 'Applied {processed} of {count} rows: {created} created, {updated} updated, {unchanged} unchanged, {failed} failed.',
  },
  'import.finished': 'Import finished: {created} created, {updated} updated, {unchanged} unchanged, {failed} failed.',
} satisfies Record<string, Entry>
