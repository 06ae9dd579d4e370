#!/usr/bin/env node
// Builds the dashboard as a Cloudflare Pages project (the API Worker also serves it same-origin at
// /admin/). The Pages copy calls the API at --api-origin (named in <meta name="api-origin">), which
// must list the Pages origin in CORS_ALLOWED_ORIGINS and share its registrable domain, because the
// refresh cookie is SameSite=Strict (docs/deploy.md).
//
//   npm run deploy:dashboard-pages -- --api-origin https://shop.example.com [--project edge-commerce-dashboard] [--dry-run]
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    'api-origin': { type: 'string' },
    project: { type: 'string', default: 'edge-commerce-dashboard' },
    branch: { type: 'string', default: 'main' },
    'dry-run': { type: 'boolean', default: false },
  },
})

function fail(message) {
  console.error(`deploy-dashboard-pages: ${message}`)
  process.exit(1)
}

let apiOrigin
try {
  apiOrigin = new URL(values['api-origin'] ?? '').origin
} catch {
  fail('--api-origin https://<your API host> is required')
}
if (!apiOrigin.startsWith('https://') && !values['dry-run']) fail('--api-origin must be https')

const run = (cmd, args) => {
  console.log(`$ ${cmd} ${args.join(' ')}`)
  const res = spawnSync(cmd, args, { stdio: 'inherit' })
  if (res.status !== 0) fail(`${cmd} exited with ${res.status}`)
}

run('node', ['dashboard/build.mjs'])
const out = 'dist/dashboard-pages'
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
cpSync('public/admin', out, { recursive: true })
const index = readFileSync(`${out}/index.html`, 'utf8')
writeFileSync(`${out}/index.html`, index.replace('<head>', `<head>\n    <meta name="api-origin" content="${apiOrigin}" />`))
// Pages applies _headers to its responses: the same policy as the Worker-served copy, with the API
// origin allowed for fetch; the content-hashed chunks cached for a year (as src/app.ts does).
writeFileSync(
  `${out}/_headers`,
  `/*
  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' ${apiOrigin}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
  Referrer-Policy: strict-origin-when-cross-origin
  Strict-Transport-Security: max-age=63072000; includeSubDomains
/chunks/*
  Cache-Control: public, max-age=31536000, immutable
`,
)
console.log(`built ${out} for API ${apiOrigin}`)
if (values['dry-run']) process.exit(0)
run('npx', ['wrangler', 'pages', 'deploy', out, '--project-name', values.project, '--branch', values.branch])
