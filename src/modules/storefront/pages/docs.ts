import { Hono } from 'hono'
import type { ShopEnv } from '../context'

/**
 * /docs: the Scalar API reference for /openapi.json, served entirely by this Worker (works offline
 * and under a strict CSP: no CDN, no inline script). The script is the pinned standalone bundle of
 * the @scalar/api-reference npm package, copied to public/docs/scalar/ by scripts/build-storefront.mjs;
 * public/docs/init.js starts it.
 */
export const docsPages = new Hono<ShopEnv>()

docsPages.get('/docs', (c) =>
  c.html(
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Edge Commerce API</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="app" data-openapi-url="/openapi.json"></div>
    <script src="/docs/scalar/standalone.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>`,
  ),
)
