// Body and timestamp limits of the webhooks Worker, in their own module: workerd refuses a Worker
// entry module that exports anything but handlers (a plain constant export stops it from starting).

/** Provider callbacks are a few KB; anything past 64 KB is not one and is refused before it is read in full. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024

/** Signed timestamps more than this far in the future are refused too (Stripe's SDK checks only the past). */
export const FUTURE_TOLERANCE_SECONDS = 5 * 60

/**
 * The body, counted while it streams in: null as soon as it passes `max` bytes (a 50 MB body is
 * dropped at 64 KB, not buffered first). A declared Content-Length over the limit is refused unread.
 */
export async function readLimited(request: Request, max = WEBHOOK_BODY_LIMIT): Promise<Uint8Array | null> {
  if (Number(request.headers.get('Content-Length') ?? 0) > max) return null
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}

/** Stripe-Signature `t=` more than FUTURE_TOLERANCE_SECONDS ahead of our clock: not a genuine fresh delivery. */
export function stripeTimestampInFuture(signature: string | null, nowMs = Date.now()): boolean {
  const t = Number(/(?:^|,)\s*t=(\d+)/.exec(signature ?? '')?.[1])
  return Number.isFinite(t) && t * 1000 - nowMs > FUTURE_TOLERANCE_SECONDS * 1000
}
