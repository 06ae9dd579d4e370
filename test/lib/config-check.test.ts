// Every Worker checks its whole configuration before each invocation (withConfigCheck in
// src/lib/config-check.ts): a malformed var fails every request of the Worker with a ConfigError
// naming it, not only the code path that reads it.
import {
  createExecutionContext,
  createMessageBatch,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import api from '../../src/index'
import type { CartDO } from '../../src/modules/cart/cart-do'
import type { OrderDO } from '../../src/modules/orders/order-do'
import notifications from '../../workers/notifications/index'
import paymentWebhooks from '../../workers/payment-webhooks/index'

async function get(worker: typeof api, path: string, workerEnv: Env) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`http://store.test${path}`) as Parameters<typeof api.fetch>[0], workerEnv, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('configuration checked before every invocation', () => {
  afterEach(() => vi.restoreAllMocks())

  it('serves as usual when the configuration is valid', async () => {
    expect((await get(api, '/health', env)).status).toBe(200)
  })

  it('fails every API request, even one that never reads the var, with a 500 naming it and an error log line', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bad = { ...env, ACCESS_TOKEN_TTL_SECONDS: 'fifteen minutes' } as unknown as Env
    for (const path of ['/health', '/api/v1/products']) {
      const res = await get(api, path, bad)
      expect(res.status).toBe(500)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('misconfigured')
      expect(body.error.message).toContain('ACCESS_TOKEN_TTL_SECONDS')
      expect(body.error.message).not.toContain('fifteen minutes') // values stay in the log
    }
    const line = JSON.parse(String(errors.mock.calls.at(-1)?.[0])) as { msg: string; variables: string[]; error: string }
    expect(line.msg).toBe('invalid configuration')
    expect(line.variables).toEqual(['ACCESS_TOKEN_TTL_SECONDS'])
    expect(line.error).toContain('ACCESS_TOKEN_TTL_SECONDS="fifteen minutes"')
  })

  it('fails on the vars once read straight from env with a default (script URLs, CORS origins, ship-from address)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const bad: [string, string][] = [
      ['STRIPE_JS_URL', 'js.stripe.com/v3'],
      ['TURNSTILE_SCRIPT_URL', 'challenges.cloudflare.com/turnstile/v0/api.js'],
      ['CORS_ALLOWED_ORIGINS', 'admin.example.com'],
      ['SHIP_FROM_ADDRESS', '{"country":"United States"}'],
    ]
    for (const [key, value] of bad) {
      const res = await get(api, '/health', { ...env, [key]: value } as unknown as Env)
      expect(res.status, key).toBe(500)
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'misconfigured',
        message: expect.stringContaining(key),
      })
    }
  })

  it('checks the same env object again on each invocation (a value changed in place is not served from the memo)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const own = { ...env } as unknown as Record<string, string>
    expect((await get(api, '/health', own as unknown as Env)).status).toBe(200)
    own.CATALOG_CACHE_TTL_SECONDS = '5'
    expect((await get(api, '/health', own as unknown as Env)).status).toBe(500)
    own.CATALOG_CACHE_TTL_SECONDS = (env as unknown as Record<string, string>).CATALOG_CACHE_TTL_SECONDS!
    expect((await get(api, '/health', own as unknown as Env)).status).toBe(200)
  })

  it('fails the payment webhooks Worker the same way', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await paymentWebhooks.fetch(
      new Request('http://webhooks.test/health') as Parameters<typeof paymentWebhooks.fetch>[0],
      { ...env, PAYMENT_WEBHOOKS_BASE_URL: 'not a url' } as never,
    )
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('PAYMENT_WEBHOOKS_BASE_URL')
  })

  it('throws the ConfigError from a queue consumer before it touches a message', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const batch = createMessageBatch('notifications', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: { type: 'nothing' } }])
    const bad = { ...env, NOTIFICATIONS_RETRY_BASE_SECONDS: '0' } as never
    await expect(notifications.queue(batch, bad)).rejects.toThrow(
      expect.objectContaining({ name: 'ConfigError', variables: ['NOTIFICATIONS_RETRY_BASE_SECONDS'] }),
    )
  })

  describe('Durable Objects (no Worker entry wraps their alarms)', () => {
    /** Give the object behind `stub` a copy of env with `vars` changed, and arm its alarm. */
    const misconfigure = (stub: DurableObjectStub, vars: Record<string, string>) =>
      runInDurableObject(stub, async (instance, state) => {
        const object = instance as unknown as { env: Env }
        object.env = { ...object.env, ...vars }
        await state.storage.setAlarm(Date.now() + 60_000)
      })
    const errorLine = (errors: { mock: { calls: unknown[][] } }) =>
      JSON.parse(String(errors.mock.calls.at(-1)?.[0])) as { msg: string; handler: string; variables: string[] }

    it('an OrderDO alarm runs on a valid configuration', async () => {
      const stub = env.ORDER.get(env.ORDER.idFromName(`config-ok-${crypto.randomUUID()}`)) as DurableObjectStub<OrderDO>
      await misconfigure(stub, {})
      expect(await runDurableObjectAlarm(stub)).toBe(true)
    })

    it('an OrderDO alarm, and every call into the object, fails loudly: an error line, then the ConfigError thrown (the alarm is retried)', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
      const stub = env.ORDER.get(env.ORDER.idFromName(`config-bad-${crypto.randomUUID()}`)) as DurableObjectStub<OrderDO>
      await misconfigure(stub, { ORDER_PAYMENT_TIMEOUT_SECONDS: 'half an hour' })
      await expect(runDurableObjectAlarm(stub)).rejects.toThrow('ORDER_PAYMENT_TIMEOUT_SECONDS="half an hour"')
      expect(errorLine(errors)).toMatchObject({
        msg: 'invalid configuration',
        handler: 'OrderDO',
        variables: ['ORDER_PAYMENT_TIMEOUT_SECONDS'],
      })
      // A call (run inside the object: through a real RPC stub workerd also reports the rejection as
      // uncaught in the object, which the test pool counts as an error of the run).
      await expect(runInDurableObject(stub, (order: OrderDO) => order.get('ord_missing'))).rejects.toThrow('ORDER_PAYMENT_TIMEOUT_SECONDS')
    })

    it('a CartDO alarm fails the same way and deletes nothing', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
      const stub = env.CART.get(env.CART.idFromName(`guest:config-${crypto.randomUUID()}`)) as DurableObjectStub<CartDO>
      await stub.add('var_config', 2, 10, 1500, new Date().toISOString())
      await misconfigure(stub, { CATALOG_MEMO_MS: '-1' })
      await expect(runDurableObjectAlarm(stub)).rejects.toThrow('CATALOG_MEMO_MS="-1"')
      expect(errorLine(errors)).toMatchObject({ handler: 'CartDO.alarm', variables: ['CATALOG_MEMO_MS'] })
      expect((await stub.lines()).map((l) => l.variant_id)).toEqual(['var_config'])
    })
  })
})
