/** One method of a Worker's exported handler: fetch(request, env, ctx), queue(batch, env, ctx), … */
type HandlerMethod = (event: unknown, env: never, ctx: unknown) => unknown

/**
 * A copy of a Worker's exported handler with each method replaced by `wrap(name, call)`, where
 * `call` runs the original method on the original object; other properties are kept as they are.
 * The entry wrappers (withOptionalSentry, withConfigCheck) route every handler method this way.
 */
export function mapHandlerMethods<H extends object>(
  handler: H,
  wrap: (name: string, call: (event: unknown, env: unknown, ctx: unknown) => unknown) => HandlerMethod,
): H {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(handler)) {
    out[name] =
      typeof value === 'function'
        ? wrap(name, (event, env, ctx) => (value as HandlerMethod).call(handler, event, env as never, ctx))
        : value
  }
  // The handler's own type: every method is still there, wrapped, so callers see e.g. fetch(req, env).
  return out as H
}
