/**
 * Scripted failures for the notification provider fakes: `failNext(503)` makes the next request
 * answer 503 with the provider's own error body, `failNext(400, 2)` the next two, and so on.
 */
export interface ScriptedFailure {
  status: number
  headers?: Record<string, string>
}

export function failureScript() {
  const queue: ScriptedFailure[] = []
  return {
    failNext(status: number, times = 1, headers?: Record<string, string>) {
      for (let i = 0; i < times; i++) queue.push({ status, ...(headers ? { headers } : {}) })
    },
    /** The failure this request should get, if one is scripted. */
    take(): ScriptedFailure | undefined {
      return queue.shift()
    },
    clear() {
      queue.length = 0
    },
  }
}

export const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
