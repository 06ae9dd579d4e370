/**
 * Product import from CSV (the product export's columns), create or update by SKU.
 *
 * 1. Dry run (`dryRunImport`): parse, validate every row with the product API's own zod schemas
 *    plus the database checks (category exists, currency matches the existing product, SKU not
 *    twice in the file), decide create or update per row, and store the job and its rows. Nothing
 *    in the catalog changes. The report lists each row's errors by line and column.
 * 2. Apply (`applyNextChunk`): each call applies the next chunk of rows (whole products at a time)
 *    through the catalog's own write functions and advances the job; the dashboard calls it until
 *    the job is done and shows the progress in between. A valid row applies even when other rows
 *    have errors; rows with errors are skipped.
 *
 * Idempotent: a row creates a variant only when its SKU does not exist (SKUs are unique in D1) and
 * otherwise updates it, writing only the fields that differ — importing the same file twice
 * creates nothing the second time and reports its rows unchanged.
 */
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm'
import type { z } from '@hono/zod-openapi'
import type { DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { users } from '../accounts/tables'
import { findCategory } from '../catalog/categories'
import { addVariant, createProduct, parseAttributes, updateProduct, updateVariant } from '../catalog/products'
import { ProductCreateSchema, ProductUpdateSchema, VariantUpdateSchema } from '../catalog/schema'
import { products, productVariants } from '../catalog/tables'
import type { PRODUCT_IMPORT_COLUMNS } from './exports'
import { parseCsv, parseMajorUnits, unguard } from './exports-csv'
import { importJobs, importRows } from './imports-tables'

/** Data rows per file (the JSON body limit, 1 MB, is reached first for wide rows). */
export const MAX_IMPORT_ROWS = 10_000
/** Rows applied per call (extended to the end of the product being applied). */
export const APPLY_CHUNK = 100
/** Row errors listed in a report; the counts always cover all of them. */
const MAX_REPORTED_ERRORS = 500

type Column = (typeof PRODUCT_IMPORT_COLUMNS)[number]

export interface RowError {
  line: number
  sku: string
  column: string
  message: string
}

type VariantFields = z.infer<typeof VariantUpdateSchema>
type ProductFields = z.infer<typeof ProductUpdateSchema>

/** A validated row as stored for the apply step. */
interface RowData {
  sku: string
  action: 'create' | 'update'
  /** For updates: the variant and product it updates (as found by the dry run). */
  variant_id?: string
  product_id?: string
  /** For creates: the product the new variant joins, by id or slug, when it exists already. */
  target?: { id?: string; slug?: string }
  seller_id?: string
  variant: VariantFields
  product: ProductFields
}

/** zod paths of the product schemas → the CSV column a person can fix. */
const COLUMN_OF: Record<string, Column> = {
  name: 'product_name',
  slug: 'product_slug',
  description: 'description',
  category_id: 'category',
  status: 'status',
  currency: 'currency',
  seller_id: 'seller_id',
  sku: 'sku',
  price: 'price',
  compare_at_price: 'compare_at_price',
  stock: 'stock',
  weight_grams: 'weight_grams',
  attributes: 'attributes',
}
const columnOf = (path: PropertyKey[]) => {
  const names = path.filter((p): p is string => typeof p === 'string' && p !== 'variants')
  const last = names[0] === undefined ? '' : names[0]
  if (last === 'name' && path[0] === 'variants') return 'variant_name'
  return COLUMN_OF[last] ?? (last || 'row')
}

type JobRow = typeof importJobs.$inferSelect

export function jobView(job: JobRow, errors: RowError[], errorRows: number) {
  return {
    id: job.id,
    file_name: job.fileName,
    status: job.status,
    total_rows: job.totalRows,
    valid_rows: job.validRows,
    error_rows: errorRows,
    planned: { create: job.plannedCreates, update: job.plannedUpdates },
    processed_rows: Math.min(job.nextPosition, job.totalRows),
    result: { created: job.created, updated: job.updated, unchanged: job.unchanged, failed: job.failed },
    errors,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
  }
}
export type ImportJobView = ReturnType<typeof jobView>

/** Integer cell: empty → undefined, otherwise a number zod will check (NaN fails as "expected number"). */
const intCell = (s: string) => (s === '' ? undefined : /^-?\d+$/.test(s) ? Number(s) : Number.NaN)

async function existingSkus(db: DB, skus: string[]) {
  const found = new Map<string, { variant: typeof productVariants.$inferSelect; currency: string; productId: string }>()
  for (let i = 0; i < skus.length; i += 90) {
    const rows = await db
      .select({ v: productVariants, currency: products.currency })
      .from(productVariants)
      .innerJoin(products, eq(products.id, productVariants.productId))
      .where(inArray(productVariants.sku, skus.slice(i, i + 90)))
    for (const r of rows) found.set(r.v.sku, { variant: r.v, currency: r.currency, productId: r.v.productId })
  }
  return found
}

/**
 * Parse and validate a CSV file and store it as an import job (the dry run). Throws a 400 for a
 * file that is not CSV or lacks the `sku` column; row problems are reported per row instead.
 */
export async function dryRunImport(db: DB, userId: string, fileName: string, text: string): Promise<ImportJobView> {
  let records
  try {
    records = parseCsv(text)
  } catch (err) {
    throw new AppError('validation_error', `The file is not valid CSV: ${(err as Error).message}`, [
      { path: 'csv', message: (err as Error).message },
    ])
  }
  const [header, ...data] = records
  if (!header) throw new AppError('validation_error', 'The file is empty', [{ path: 'csv', message: 'no header row' }])
  const names = header.fields.map((f) => f.trim().toLowerCase())
  if (!names.includes('sku'))
    throw new AppError('validation_error', 'The header row has no "sku" column', [{ path: 'csv', message: 'missing column sku' }])
  if (!data.length) throw new AppError('validation_error', 'The file has a header but no rows', [{ path: 'csv', message: 'no data rows' }])
  if (data.length > MAX_IMPORT_ROWS) {
    throw new AppError('payload_too_large', `At most ${MAX_IMPORT_ROWS} rows per file; split it`, [
      { path: 'csv', message: `${data.length} rows` },
    ])
  }
  const index = new Map(names.map((n, i) => [n, i]))
  const cell = (fields: string[], c: Column) => {
    const i = index.get(c)
    return i === undefined ? '' : unguard((fields[i] ?? '').trim())
  }

  const skus = data.map((r) => cell(r.fields, 'sku'))
  const existing = await existingSkus(db, [...new Set(skus.filter(Boolean))])
  const categoryIds = new Map<string, string | null>()
  const sellers = new Map<string, boolean>()
  const seen = new Map<string, number>()

  const rows: { line: number; sku: string; group: string; data: RowData | null; errors: { column: string; message: string }[] }[] = []
  for (const record of data) {
    const f = record.fields
    const errors: { column: string; message: string }[] = []
    const fail = (column: string, message: string) => errors.push({ column, message })
    const sku = cell(f, 'sku')
    const found = existing.get(sku)
    if (sku && seen.has(sku)) fail('sku', `SKU ${sku} is also on line ${seen.get(sku)}`)
    else if (sku) seen.set(sku, record.line)

    const currency = cell(f, 'currency').toUpperCase() || found?.currency || ''
    if (found && currency && currency !== found.currency) fail('currency', `the product of SKU ${sku} is priced in ${found.currency}`)
    const money = (c: 'price' | 'compare_at_price') => {
      const s = cell(f, c)
      if (s === '') return undefined
      if (!currency) return (fail('currency', 'needed to read the prices'), undefined)
      const v = parseMajorUnits(s, currency)
      if (v === null) fail(c, `"${s}" is not an amount in ${currency} (use a dot and at most the currency's decimals, e.g. 19.99)`)
      return v ?? undefined
    }
    let attributes: Record<string, string | number | boolean> | undefined
    const attrText = cell(f, 'attributes')
    if (attrText) {
      try {
        const parsed: unknown = JSON.parse(attrText)
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) attributes = parsed as Record<string, string | number | boolean>
        else fail('attributes', 'must be a JSON object such as {"size":"M"}')
      } catch {
        fail('attributes', 'must be a JSON object such as {"size":"M"}')
      }
    }
    const variant = {
      sku,
      name: cell(f, 'variant_name') || undefined,
      price: money('price'),
      compare_at_price: money('compare_at_price'),
      stock: intCell(cell(f, 'stock')),
      weight_grams: intCell(cell(f, 'weight_grams')),
      attributes,
    }
    let categoryId: string | null | undefined
    const category = cell(f, 'category')
    if (category) {
      if (!categoryIds.has(category)) categoryIds.set(category, (await findCategory(db, category))?.id ?? null)
      categoryId = categoryIds.get(category)
      if (categoryId === null) fail('category', `no category "${category}"`)
    }
    const product = {
      name: cell(f, 'product_name') || undefined,
      slug: cell(f, 'product_slug') || undefined,
      description: cell(f, 'description') || undefined,
      status: (cell(f, 'status') || undefined) as ProductFields['status'],
      currency: currency || undefined,
      category_id: categoryId ?? undefined,
    }
    const productId = cell(f, 'product_id') || undefined
    const sellerId = cell(f, 'seller_id') || undefined
    if (sellerId && !found) {
      if (!sellers.has(sellerId))
        sellers.set(sellerId, !!(await db.select({ id: users.id }).from(users).where(eq(users.id, sellerId)).get()))
      if (!sellers.get(sellerId)) fail('seller_id', `no user ${sellerId}`)
    }

    // The product API's own validation, with its messages, mapped back to columns.
    const check = found
      ? [VariantUpdateSchema.safeParse(variant), ProductUpdateSchema.safeParse(product)]
      : [ProductCreateSchema.safeParse({ ...product, currency: product.currency ?? '', name: product.name ?? '', variants: [variant] })]
    if (!found && variant.price === undefined && !errors.some((e) => e.column === 'price')) fail('price', 'required for a new SKU')
    if (!found && !product.name) fail('product_name', 'required for a new product')
    // A column already reported (unreadable amount, missing value) is not reported again by zod.
    const reported = new Set(errors.map((e) => e.column))
    for (const result of check) {
      if (result.success) continue
      for (const issue of result.error.issues) if (!reported.has(columnOf(issue.path))) fail(columnOf(issue.path), issue.message)
    }

    const group = found
      ? `product:${found.productId}`
      : productId
        ? `product:${productId}`
        : product.slug
          ? `slug:${product.slug}`
          : `name:${(product.name ?? '').toLowerCase()}`
    const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
    rows.push({
      line: record.line,
      sku,
      group,
      errors,
      data: errors.length
        ? null
        : {
            sku,
            action: found ? 'update' : 'create',
            variant_id: found?.variant.id,
            product_id: found?.productId,
            target: found ? undefined : productId ? { id: productId } : product.slug ? { slug: product.slug } : undefined,
            seller_id: sellerId,
            variant: clean(variant),
            product: clean(product),
          },
    })
  }

  // Rows of one product next to each other (first appearance order), so a chunk applies whole products.
  const order = new Map<string, number>()
  rows.forEach((r) => order.has(r.group) || order.set(r.group, order.size))
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => order.get(a.r.group)! - order.get(b.r.group)! || a.i - b.i)
  const valid = rows.filter((r) => r.data)
  const now = nowIso()
  const job: JobRow = {
    id: newId('imp'),
    userId,
    fileName,
    status: 'ready',
    totalRows: rows.length,
    validRows: valid.length,
    plannedCreates: valid.filter((r) => r.data!.action === 'create').length,
    plannedUpdates: valid.filter((r) => r.data!.action === 'update').length,
    nextPosition: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  }
  const values = sorted.map(({ r }, position) => ({
    jobId: job.id,
    position,
    line: r.line,
    sku: r.sku,
    groupKey: r.group,
    data: r.data ? JSON.stringify(r.data) : null,
    errors: r.errors.length ? JSON.stringify(r.errors) : null,
  }))
  // 7 bound values a row, D1 allows 100 per statement.
  const inserts = []
  for (let i = 0; i < values.length; i += 14) inserts.push(db.insert(importRows).values(values.slice(i, i + 14)))
  await db.batch([db.insert(importJobs).values(job), ...inserts])
  return jobView(job, ...collectErrors(sorted.map(({ r }) => r)))
}

function collectErrors(rows: { line: number; sku: string; errors: { column: string; message: string }[] }[]): [RowError[], number] {
  const list: RowError[] = []
  let errorRows = 0
  for (const r of rows.slice().sort((a, b) => a.line - b.line)) {
    if (!r.errors.length) continue
    errorRows++
    for (const e of r.errors) if (list.length < MAX_REPORTED_ERRORS) list.push({ line: r.line, sku: r.sku, ...e })
  }
  return [list, errorRows]
}

async function loadJob(db: DB, id: string): Promise<JobRow> {
  const job = await db.select().from(importJobs).where(eq(importJobs.id, id)).get()
  if (!job) throw notFound('Import')
  return job
}

/** The job with its dry-run errors and progress (the progress endpoint). */
export async function getImport(db: DB, id: string): Promise<ImportJobView> {
  const job = await loadJob(db, id)
  // Rows the dry run refused, and rows whose write failed when applied.
  const rows = await db
    .select({ line: importRows.line, sku: importRows.sku, errors: importRows.errors, message: importRows.message })
    .from(importRows)
    .where(and(eq(importRows.jobId, id), sql`(${importRows.errors} IS NOT NULL OR ${importRows.outcome} = 'failed')`))
  return jobView(
    job,
    ...collectErrors(
      rows.map((r) => ({
        line: r.line,
        sku: r.sku,
        errors: r.errors
          ? (JSON.parse(r.errors) as { column: string; message: string }[])
          : [{ column: 'row', message: `not applied: ${r.message ?? 'failed'}` }],
      })),
    ),
  )
}

type Outcome = 'created' | 'updated' | 'unchanged' | 'failed'

/** Only the fields that differ from what the variant has now (so a re-run writes nothing). */
function variantChanges(current: typeof productVariants.$inferSelect, v: VariantFields): VariantFields {
  const out: VariantFields = {}
  if (v.name !== undefined && v.name !== current.name) out.name = v.name
  if (v.price !== undefined && v.price !== current.price) out.price = v.price
  if (v.compare_at_price !== undefined && v.compare_at_price !== current.compareAtPrice) out.compare_at_price = v.compare_at_price
  if (v.stock !== undefined && v.stock !== current.stock) out.stock = v.stock
  if (v.weight_grams !== undefined && v.weight_grams !== current.weightGrams) out.weight_grams = v.weight_grams
  if (v.attributes !== undefined && JSON.stringify(v.attributes) !== JSON.stringify(parseAttributes(current.attributes)))
    out.attributes = v.attributes
  return out
}

function productChanges(current: typeof products.$inferSelect, p: ProductFields): ProductFields {
  const out: ProductFields = {}
  if (p.name !== undefined && p.name !== current.name) out.name = p.name
  if (p.slug !== undefined && p.slug !== current.slug) out.slug = p.slug
  if (p.description !== undefined && p.description !== current.description) out.description = p.description
  if (p.status !== undefined && p.status !== current.status) out.status = p.status
  if (p.category_id !== undefined && p.category_id !== current.categoryId) out.category_id = p.category_id
  return out
}

const message = (err: unknown) => (err instanceof AppError ? err.message : 'could not be written')

/** Apply one product's rows; returns each row's outcome. */
async function applyGroup(
  db: DB,
  actorId: string,
  rows: { position: number; data: RowData }[],
  retry = true,
): Promise<Map<number, { outcome: Outcome; message?: string; productId?: string }>> {
  const out = new Map<number, { outcome: Outcome; message?: string; productId?: string }>()
  const scope = { actorId }
  // Re-read: the catalog may have changed since the dry run (another import, an edit).
  const now = await existingSkus(
    db,
    rows.map((r) => r.data.sku),
  )
  let productId: string | undefined
  const creates: { position: number; data: RowData }[] = []
  const productDone = new Set<string>()
  for (const r of rows) {
    const found = now.get(r.data.sku)
    if (!found) {
      creates.push(r)
      continue
    }
    productId = found.productId
    try {
      let changed = false
      if (!productDone.has(found.productId)) {
        productDone.add(found.productId)
        const current = await db.select().from(products).where(eq(products.id, found.productId)).get()
        const patch = current ? productChanges(current, { ...r.data.product, currency: undefined }) : {}
        if (Object.keys(patch).length) {
          await updateProduct(db, found.productId, scope, patch)
          changed = true
        }
      }
      const patch = variantChanges(found.variant, r.data.variant)
      if (Object.keys(patch).length) {
        await updateVariant(db, found.productId, found.variant.id, scope, patch)
        changed = true
      }
      out.set(r.position, { outcome: changed ? 'updated' : 'unchanged', productId: found.productId })
    } catch (err) {
      out.set(r.position, { outcome: 'failed', message: message(err) })
    }
  }
  if (!creates.length) return out
  const first = creates[0]!.data
  if (!productId && first.target) {
    const t = first.target
    productId = (
      await db
        .select({ id: products.id })
        .from(products)
        .where(t.id ? eq(products.id, t.id) : eq(products.slug, t.slug!))
        .get()
    )?.id
  }
  if (productId) {
    for (const r of creates) {
      try {
        await addVariant(db, productId, scope, { ...r.data.variant, price: r.data.variant.price!, sku: r.data.sku })
        out.set(r.position, { outcome: 'created', productId })
      } catch (err) {
        out.set(r.position, { outcome: 'failed', message: message(err) })
      }
    }
    return out
  }
  try {
    const p = first.product
    const created = await createProduct(db, first.seller_id ?? actorId, {
      name: p.name!,
      slug: p.slug,
      description: p.description,
      category_id: p.category_id,
      status: p.status,
      currency: p.currency!,
      variants: creates.map((r) => ({ ...r.data.variant, price: r.data.variant.price!, sku: r.data.sku })),
    })
    for (const r of creates) out.set(r.position, { outcome: 'created', productId: created.id })
  } catch (err) {
    // Another writer (a concurrent apply of the same rows) created the SKU or slug first: these rows
    // are now updates of what it wrote.
    if (retry && err instanceof AppError && (err.code === 'sku_taken' || err.code === 'slug_taken')) {
      for (const [k, v] of await applyGroup(db, actorId, creates, false)) out.set(k, v)
      return out
    }
    for (const r of creates) out.set(r.position, { outcome: 'failed', message: message(err) })
  }
  return out
}

/**
 * Apply the next chunk of a job: about APPLY_CHUNK rows, whole products. Returns the job after it
 * and the ids of the products written (for cache invalidation and marketplace sync). A call after
 * the job is done changes nothing.
 */
export async function applyNextChunk(db: DB, actorId: string, id: string): Promise<{ job: ImportJobView; productIds: string[] }> {
  const job = await loadJob(db, id)
  if (job.status === 'done') return { job: await getImport(db, id), productIds: [] }
  const start = job.nextPosition
  let rows = await db
    .select()
    .from(importRows)
    .where(and(eq(importRows.jobId, id), gte(importRows.position, start)))
    .orderBy(asc(importRows.position))
    .limit(APPLY_CHUNK)
  const last = rows[rows.length - 1]
  if (last && rows.length === APPLY_CHUNK) {
    // Finish the product the chunk ends in.
    const rest = await db
      .select()
      .from(importRows)
      .where(and(eq(importRows.jobId, id), gte(importRows.position, last.position + 1), eq(importRows.groupKey, last.groupKey)))
      .orderBy(asc(importRows.position))
    rows = rows.concat(rest.filter((r, i) => r.position === last.position + 1 + i))
  }
  const groups = new Map<string, { position: number; data: RowData }[]>()
  for (const r of rows) {
    if (!r.data) continue
    const list = groups.get(r.groupKey) ?? []
    list.push({ position: r.position, data: JSON.parse(r.data) as RowData })
    groups.set(r.groupKey, list)
  }
  const outcomes = new Map<number, { outcome: Outcome; message?: string; productId?: string }>()
  for (const group of groups.values()) for (const [k, v] of await applyGroup(db, actorId, group)) outcomes.set(k, v)

  const count = (o: Outcome) => [...outcomes.values()].filter((v) => v.outcome === o).length
  const end = start + rows.length
  const finished = end >= job.totalRows
  const at = nowIso()
  // Compare-and-set on next_position: a concurrent call that applied the same chunk does not count it twice.
  const [advanced] = await db
    .update(importJobs)
    .set({
      nextPosition: end,
      status: finished ? 'done' : 'applying',
      created: sql`${importJobs.created} + ${count('created')}`,
      updated: sql`${importJobs.updated} + ${count('updated')}`,
      unchanged: sql`${importJobs.unchanged} + ${count('unchanged')}`,
      failed: sql`${importJobs.failed} + ${count('failed')}`,
      updatedAt: at,
      finishedAt: finished ? at : null,
    })
    .where(and(eq(importJobs.id, id), eq(importJobs.nextPosition, start)))
    .returning({ id: importJobs.id })
  if (advanced) {
    const writes = [...outcomes].map(([position, o]) =>
      db
        .update(importRows)
        .set({ outcome: o.outcome, message: o.message ?? null })
        .where(and(eq(importRows.jobId, id), eq(importRows.position, position))),
    )
    for (let i = 0; i < writes.length; i += 50) {
      const part = writes.slice(i, i + 50)
      await db.batch(part as [(typeof part)[0], ...typeof part])
    }
  } else {
    log('info', 'import chunk applied concurrently', { import_id: id, start })
  }
  const productIds = [...new Set([...outcomes.values()].flatMap((o) => (o.productId && o.outcome !== 'unchanged' ? [o.productId] : [])))]
  return { job: await getImport(db, id), productIds }
}
