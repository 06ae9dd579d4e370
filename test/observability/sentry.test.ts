// withOptionalSentry(): without SENTRY_DSN a Worker's handler runs with no Sentry client set up at
// all (that setup cost a sixth of a cached catalog hit's CPU); with a DSN it runs inside Sentry.
import * as Sentry from '@sentry/cloudflare'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { withOptionalSentry } from '../../src/lib/observability'

type TestEnv = { SENTRY_DSN?: string; ENVIRONMENT?: string }

// Reports whether a Sentry client was set up for the invocation, and what `this` the handler saw.
function probe() {
  const seen: { client: boolean; self: unknown }[] = []
  const handler = {
    fetch(_request: Request, _env: TestEnv) {
      seen.push({ client: Sentry.getClient() !== undefined, self: this })
      return new Response('ok')
    },
  } satisfies ExportedHandler<TestEnv>
  return { handler, seen, worker: withOptionalSentry(handler) }
}

async function call(worker: ExportedHandler<TestEnv>, env: TestEnv) {
  const ctx = createExecutionContext()
  const res = await worker.fetch!(new Request('http://store.test/') as Parameters<NonNullable<typeof worker.fetch>>[0], env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('withOptionalSentry', () => {
  it('without a DSN calls the plain handler: no Sentry client for the request', async () => {
    const { handler, seen, worker } = probe()
    const res = await call(worker, {})
    expect(await res.text()).toBe('ok')
    expect(seen).toEqual([{ client: false, self: handler }])
  })

  it('with a DSN the same handler runs inside Sentry', async () => {
    const { seen, worker } = probe()
    // An unroutable ingest address: nothing is captured, and a trace send fails quietly.
    const res = await call(worker, { SENTRY_DSN: 'http://public@127.0.0.1:9/1', ENVIRONMENT: 'test' })
    expect(await res.text()).toBe('ok')
    expect(seen.map((s) => s.client)).toEqual([true])
  })
})
