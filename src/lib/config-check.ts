/**
 * Configuration checked before a Worker does anything: every entry (src/index.ts, workers/*\/index.ts)
 * is wrapped in withConfigCheck(), which checks the whole schema of src/lib/config.ts on each
 * invocation (checkConfig: the values are read and compared with the last parse's, so after the
 * first call it is a comparison of a few dozen strings; later config(env) reads of the invocation
 * are a lookup). A malformed variable therefore fails every request of the Worker, with a
 * ConfigError naming it, instead of only the code path that happens to read it:
 *   - fetch: a 500 `misconfigured` envelope naming the variables (not their values) and an error
 *     log line with the full message;
 *   - queue, scheduled and any other handler: the same log line, then the ConfigError is thrown (a
 *     queue batch is retried and dead-lettered as for any failure; a cron run fails).
 * Not at module scope (`import { env } from 'cloudflare:workers'`): a throw there would fail the
 * Worker's start-up without a response or a log line we control, and the test pool imports the
 * API Worker once for every test file.
 *
 * Durable Objects are not Worker entries, so withConfigCheck never sees their alarms (nor the RPC
 * calls another Worker makes into them, with the DO's own env): they call assertConfig() instead.
 */
import { ConfigError, checkConfig, config, type ConfigSource } from './config'
import { log } from './observability'
import { mapHandlerMethods } from './worker-handler'

/** The ConfigError, logged, when the configuration is malformed; any other error is not ours to handle. */
function check(env: unknown, handler: string, read: (env: ConfigSource) => unknown = checkConfig): ConfigError | undefined {
  try {
    read(env as ConfigSource)
    return undefined
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    log('error', 'invalid configuration', { handler, variables: err.variables, error: err.message })
    return err
  }
}

/**
 * For a Durable Object's own entry points (its alarm, the OrderDO's calls): the same check and log
 * line, then the ConfigError thrown, so an alarm fails and is retried (with backoff) instead of
 * running on a malformed configuration, and an RPC caller gets the error. It reads config(), the
 * memo of the object's env: a DO's env cannot change while the object lives (a new deploy restarts
 * it), so after the first call this is a lookup.
 */
export function assertConfig(env: unknown, entry: string): void {
  const err = check(env, entry, config)
  if (err) throw err
}

/** `handler` with the configuration checked before each call of each of its methods. */
export function withConfigCheck<H extends object>(handler: H): H {
  return mapHandlerMethods(handler, (name, method) => (event, env, ctx) => {
    const err = check(env, name)
    if (!err) return method(event, env, ctx)
    if (name !== 'fetch') return Promise.reject(err)
    const message = `The service is misconfigured (invalid ${err.variables.join(', ')}); see the Worker's error log.`
    return Response.json({ error: { code: 'misconfigured', message } }, { status: 500 })
  })
}
