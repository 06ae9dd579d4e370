import type { SendResult } from './types'

/** A provider that does not answer within this is treated like a 5xx: retried later. */
export const PROVIDER_TIMEOUT_MS = 10_000

const MAX_ERROR_LENGTH = 500

/**
 * Make one provider call and classify the outcome. 2xx is handed to `onSuccess` to pull out the
 * provider's message id; 408, 429 and 5xx, timeouts and network errors are retryable; any other
 * status is a permanent failure (bad recipient, bad credentials, bad payload: sending again would
 * fail the same way).
 */
export async function callProvider(
  provider: string,
  request: Request,
  onSuccess: (response: Response) => Promise<string | null>,
): Promise<SendResult> {
  let response: Response
  try {
    response = await fetch(request, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) })
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    return { ok: false, retryable: true, error: `${provider}: ${timedOut ? 'timed out' : `network error: ${String(err)}`}` }
  }
  if (response.ok) {
    try {
      return { ok: true, providerMessageId: await onSuccess(response) }
    } catch {
      // Accepted by the provider but the body was not what we expected: do not send it again.
      return { ok: true, providerMessageId: null }
    }
  }
  const body = (await response.text().catch(() => '')).slice(0, MAX_ERROR_LENGTH)
  const status = response.status
  const retryable = status >= 500 || status === 429 || status === 408
  const retryAfter = Number(response.headers.get('Retry-After'))
  return {
    ok: false,
    retryable,
    error: `${provider} ${status}: ${body || response.statusText}`,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

/** `https://api.example.com/` and `https://api.example.com` both join cleanly with a path. */
export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`
