import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The closed set of error codes the API answers with, and the HTTP status each maps to. */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  forbidden: 403,
  challenge_required: 403,
  purchase_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  slug_taken: 409,
  sku_taken: 409,
  already_reviewed: 409,
  out_of_stock: 409,
  discount_unavailable: 409,
  invalid_transition: 409,
  idempotency_conflict: 409,
  price_changed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
} as const satisfies Record<string, ContentfulStatusCode>

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ErrorDetail {
  path?: string
  message: string
  [key: string]: unknown
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; request_id?: string }
}

/** A failure the client can act on; the error handler renders it in the common envelope. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = ERROR_STATUS[code]
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
export const forbidden = (message = 'You do not have permission to do this') => new AppError('forbidden', message)
export const unauthorized = (message = 'Authentication required') => new AppError('unauthorized', message)
export const badRequest = (message: string, details?: ErrorDetail[]) => new AppError('validation_error', message, details)

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[], requestId?: string): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(details && details.length ? { details } : {}),
      ...(requestId ? { request_id: requestId } : {}),
    },
  }
}
