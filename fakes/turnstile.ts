import { Hono } from 'hono'

/**
 * A local fake of Cloudflare Turnstile's server-side validation:
 *
 *   POST /turnstile/v0/siteverify   form-encoded or JSON {secret, response, remoteip?, idempotency_key?}
 *     → 200 {success, challenge_ts?, hostname?, error-codes[], action?, cdata?}
 *
 * It decides the way Cloudflare does for its published test secret keys:
 * - 1x0000000000000000000000000000000AA always passes,
 * - 2x0000000000000000000000000000000AA always fails (invalid-input-response),
 * - 3x0000000000000000000000000000000AA answers "token already spent" (timeout-or-duplicate).
 * Any other secret is invalid-input-secret (the fake knows no production keys). A missing secret
 * or response is missing-input-secret / missing-input-response, as the real service answers.
 */
export const TURNSTILE_TEST_SECRETS = {
  alwaysPass: '1x0000000000000000000000000000000AA',
  alwaysFail: '2x0000000000000000000000000000000AA',
  tokenSpent: '3x0000000000000000000000000000000AA',
} as const

/** The token Turnstile's test site keys produce in the browser. */
export const TURNSTILE_DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX'

/**
 * A stand-in for the widget script (https://challenges.cloudflare.com/turnstile/v0/api.js), served
 * by the fakes Worker at /turnstile-fake/turnstile/v0/api.js so forms work offline and under a
 * strict CSP. Like Cloudflare's test site keys it renders a visible "passed" box into every
 * `.cf-turnstile` element and puts the dummy token in the form as `cf-turnstile-response` (or the
 * element's data-response-field-name); whether that token passes is siteverify's call above, by
 * the secret key. A site key starting `2x` (Cloudflare's "always blocks" test key) adds no token.
 */
const WIDGET_SCRIPT = String.raw`(function () {
  var TOKEN = ${JSON.stringify(TURNSTILE_DUMMY_TOKEN)};
  function render(el) {
    if (el.getAttribute('data-rendered')) return;
    el.setAttribute('data-rendered', '1');
    var key = el.getAttribute('data-sitekey') || '';
    var box = document.createElement('p');
    box.setAttribute('role', 'status');
    box.className = 'turnstile-stand-in';
    var blocked = /^2x/.test(key);
    box.textContent = blocked ? 'Turnstile (offline stand-in): blocked' : 'Turnstile (offline stand-in): passed';
    el.appendChild(box);
    if (blocked) return;
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = el.getAttribute('data-response-field-name') || 'cf-turnstile-response';
    input.value = TOKEN;
    el.appendChild(input);
  }
  function renderAll() { Array.prototype.forEach.call(document.querySelectorAll('.cf-turnstile'), render); }
  window.turnstile = { render: function (el) { render(typeof el === 'string' ? document.querySelector(el) : el); return 'stand-in'; }, reset: function () {}, getResponse: function () { return TOKEN; } };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', renderAll); else renderAll();
})();`

const app = new Hono()

app.get('/turnstile/v0/api.js', (c) =>
  c.body(WIDGET_SCRIPT, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': '*',
  }),
)

app.post('/turnstile/v0/siteverify', async (c) => {
  let secret: unknown
  let response: unknown
  const type = c.req.header('Content-Type') ?? ''
  if (type.includes('application/json')) {
    const body = await c.req.json<Record<string, unknown>>().catch(() => ({}) as Record<string, unknown>)
    secret = body.secret
    response = body.response
  } else {
    const form = await c.req.parseBody()
    secret = form.secret
    response = form.response
  }
  const fail = (...codes: string[]) => c.json({ success: false, 'error-codes': codes, messages: [] })
  if (typeof secret !== 'string' || !secret) return fail('missing-input-secret')
  if (typeof response !== 'string' || !response) return fail('missing-input-response')
  if (response.length > 2048) return fail('invalid-input-response')
  switch (secret) {
    case TURNSTILE_TEST_SECRETS.alwaysPass:
      return c.json({
        success: true,
        challenge_ts: new Date().toISOString(),
        hostname: 'example.com',
        'error-codes': [],
        action: '',
        cdata: '',
        metadata: { interactive: false },
      })
    case TURNSTILE_TEST_SECRETS.alwaysFail:
      return fail('invalid-input-response')
    case TURNSTILE_TEST_SECRETS.tokenSpent:
      return fail('timeout-or-duplicate')
    default:
      return fail('invalid-input-secret')
  }
})

export default app
