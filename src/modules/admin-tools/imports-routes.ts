import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { invalidateCatalogTags, LIST_TAG, productTags } from '../catalog/cache'
import { notifyCatalogChange } from '../catalog/notify'
import { applyNextChunk, APPLY_CHUNK, dryRunImport, getImport, MAX_IMPORT_ROWS } from './imports'

const staff = { tags: ['admin imports'], ...authRoute({ roles: ['staff', 'admin'], scopes: ['products:write'] }) }

const RowErrorSchema = z.object({
  line: z.number().int().openapi({ description: 'Line in the file (1 is the header)' }),
  sku: z.string(),
  column: z.string().openapi({ description: 'The CSV column to fix, or "row"' }),
  message: z.string(),
})

export const ImportJobSchema = z
  .object({
    id: z.string(),
    file_name: z.string(),
    status: z
      .enum(['ready', 'applying', 'done'])
      .openapi({ description: 'ready: dry run done, nothing written; applying: some chunks applied; done' }),
    total_rows: z.number().int(),
    valid_rows: z.number().int(),
    error_rows: z.number().int().openapi({ description: 'Rows refused by the dry run or failed when applied' }),
    planned: z
      .object({ create: z.number().int(), update: z.number().int() })
      .openapi({ description: 'What the dry run expects the valid rows to do' }),
    processed_rows: z.number().int().openapi({ description: 'Rows applied so far (progress: processed_rows / total_rows)' }),
    result: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), failed: z.number().int() }),
    errors: z.array(RowErrorSchema).openapi({ description: 'Per-row problems, by line (at most 500 listed)' }),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi('ImportJob')

export const ImportCreateSchema = z
  .object({
    csv: z.string().min(1).max(1_000_000).openapi({ description: 'The file’s text (UTF-8), with a header row' }),
    file_name: z.string().trim().min(1).max(200).optional(),
  })
  .openapi('ImportCreate')

async function afterWrite(c: Context<AppEnv>, productIds: string[]) {
  if (!productIds.length) return
  await invalidateCatalogTags(c.env, [LIST_TAG, ...(await productTags(c.get('db'), productIds))])
  notifyCatalogChange(c, productIds, 'product.imported')
}

/** Product import from CSV: dry run, then apply chunk by chunk. Mounted at /api/v1. */
export const importRoutes = createRouter()
  .openapi(
    createRoute({
      ...staff,
      method: 'post',
      path: '/admin/imports',
      summary: 'Dry run of a product CSV import: validate every row and store the job (nothing in the catalog changes)',
      description:
        'Columns as in GET /admin/exports/products (unknown columns are ignored; `sku` is required). A row whose SKU exists ' +
        'updates that variant and its product (empty cells keep the current value); a new SKU creates a variant, joining ' +
        'the product named by product_id or product_slug, or a new product (rows with the same product_slug, or the same ' +
        'product_name when there is no slug, form one product). Prices are decimals in the currency’s major unit. Each row is ' +
        `checked with the product API’s own schemas; errors name the line and column. At most ${MAX_IMPORT_ROWS} rows.`,
      request: jsonBody(ImportCreateSchema),
      responses: { 201: jsonContent(ImportJobSchema, 'The dry-run report'), ...errors(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const body = c.req.valid('json')
      return c.json(await dryRunImport(c.get('db'), currentUser(c).id, body.file_name ?? 'import.csv', body.csv), 201)
    },
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/imports/{id}',
      summary: 'An import’s report and progress',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ImportJobSchema, 'The import'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getImport(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'post',
      path: '/admin/imports/{id}/apply',
      summary: `Apply the next chunk of an import (about ${APPLY_CHUNK} rows, whole products); call until status is done`,
      description:
        'Valid rows are applied, rows with errors are skipped. Re-applying (or importing the same file again) creates ' +
        'nothing twice: rows are matched by SKU and only changed fields are written. Concurrent calls apply a chunk once.',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ImportJobSchema, 'The import after this chunk'), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const { job, productIds } = await applyNextChunk(c.get('db'), currentUser(c).id, c.req.valid('param').id)
      await afterWrite(c, productIds)
      return c.json(job, 200)
    },
  )
