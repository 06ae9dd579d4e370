import type { Context } from 'hono'

export interface ApiResult<T> {
  status: number
  body: T
  headers: Headers
}

export interface ApiError {
  error: { code: string; message: string; details?: { path?: string; message: string }[] }
}

/**
 * Calls this Worker's own JSON API in-process (no network hop): the storefront gets exactly the
 * validation, errors and business rules API clients get. Imported lazily to avoid an import cycle
 * with src/app.ts, which mounts the storefront.
 */
export async function callApi<T = unknown>(
  c: Context,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const { app } = await import('../../app')
  let ctx: ExecutionContext | undefined
  try {
    ctx = c.executionCtx as ExecutionContext
  } catch {
    ctx = undefined
  }
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  const cf = c.req.header('CF-Connecting-IP')
  if (cf) headers['CF-Connecting-IP'] = cf
  const res = await app.request(
    new URL(path, c.req.url).toString(),
    { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) },
    c.env,
    ctx,
  )
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = text
  }
  return { status: res.status, body: body as T, headers: res.headers }
}

export const isError = (r: ApiResult<unknown>): r is ApiResult<ApiError> => r.status >= 400

/** Readable messages from an API error: the message plus each detail, never a bare code. */
export function errorMessages(r: ApiResult<unknown>, fallback: string): string[] {
  const body = r.body as Partial<ApiError> | null
  const e = body?.error
  if (!e || r.status >= 500) return [fallback]
  const details = (e.details ?? []).map((d) => (d.path ? `${humanPath(d.path)}: ${d.message}` : d.message))
  return details.length ? details : [e.message]
}

function humanPath(path: string): string {
  const last = path.split('.').pop() ?? path
  return last.replace(/_/g, ' ').replace(/^\w/, (ch) => ch.toUpperCase())
}
