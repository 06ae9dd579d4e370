import { vi } from 'vitest'

type Handler = (request: Request) => Response | Promise<Response>

/**
 * Route outbound fetches for the given origins (e.g. 'https://api.stripe.com') to in-process fake
 * providers (the Hono apps in fakes/), leaving every other fetch alone. The Worker under test runs
 * in the same isolate as the test, so its adapters hit the fakes through their real HTTP shape.
 * Returns the spy so a test can count or inspect calls; call `.mockRestore()` (or use
 * `vi.restoreAllMocks()` in afterEach) to undo.
 */
export function routeFetch(routes: Record<string, Handler>) {
  const realFetch = globalThis.fetch
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const handler = routes[new URL(request.url).origin]
    return handler ? handler(request) : realFetch(input, init)
  })
}
