import { env, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'

/** A stand-in for a service binding that records what reaches it. */
function service(name: string) {
  const seen: { method: string; url: string; body: string }[] = []
  const fetcher = {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const req = new Request(input, init)
      seen.push({ method: req.method, url: req.url, body: await req.text() })
      return Response.json({ from: name })
    },
    connect() {
      throw new Error('not used')
    },
  } as unknown as Fetcher
  return { fetcher, seen }
}

async function call(e: Env, url: string, init?: RequestInit) {
  const ctx = createExecutionContext()
  const res = await worker.fetch!(new Request(url, init) as Request<unknown, IncomingRequestCfProperties>, e, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('development forwarding (/webhooks/*, /__fakes/*)', () => {
  // Staging and production: wrangler.toml declares PAYMENT_WEBHOOKS and FAKES at the top level only.
  const deployed = { ...env, PAYMENT_WEBHOOKS: undefined, FAKES: undefined } as Env

  it('answers both prefixes with the 404 envelope when the bindings are absent', async () => {
    for (const path of ['/webhooks/stripe', '/webhooks/mpesa/tok/reversal', '/__fakes/', '/__fakes/stripe/v1/payment_intents']) {
      const res = await call(deployed, `http://store.test${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      })
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(404)
      expect(await res.json(), path).toMatchObject({ error: { code: 'not_found' } })
    }
  })

  it('forwards the request unchanged to the payment webhooks and fakes Workers when bound', async () => {
    const hooks = service('payment-webhooks')
    const fakes = service('fakes')
    const local = { ...env, PAYMENT_WEBHOOKS: hooks.fetcher, FAKES: fakes.fetcher } as Env
    expect(await (await call(local, 'http://localhost:8787/webhooks/stripe', { method: 'POST', body: '{"id":"evt_1"}' })).json()).toEqual({
      from: 'payment-webhooks',
    })
    expect(await (await call(local, 'http://localhost:8787/__fakes/stripe-js/v3')).json()).toEqual({ from: 'fakes' })
    expect(hooks.seen).toEqual([{ method: 'POST', url: 'http://localhost:8787/webhooks/stripe', body: '{"id":"evt_1"}' }])
    expect(fakes.seen).toEqual([{ method: 'GET', url: 'http://localhost:8787/__fakes/stripe-js/v3', body: '' }])
  })

  it('leaves every other path to the API, also paths that only start like a prefix', async () => {
    const hooks = service('payment-webhooks')
    const fakes = service('fakes')
    const local = { ...env, PAYMENT_WEBHOOKS: hooks.fetcher, FAKES: fakes.fetcher } as Env
    expect((await call(local, 'http://localhost:8787/health')).status).toBe(200)
    expect((await call(local, 'http://localhost:8787/__fakesx')).status).toBe(404)
    expect((await call(local, 'http://localhost:8787/webhooksx')).status).toBe(404)
    expect([...hooks.seen, ...fakes.seen]).toEqual([])
  })
})
