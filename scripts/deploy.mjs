#!/usr/bin/env node
// Deploys the whole store to one Cloudflare environment, in dependency order:
//   1. check that every Worker's [env.<name>] sets every top-level var (vars are not inherited)
//   2. apply D1 migrations (remote)
//   3. the queue consumers: notifications, marketplace-sync, webhooks (their queues must exist first)
//   4. the API Worker (CartDO/OrderDO, the dashboard assets, the producers)
//   5. payment-webhooks (binds the API Worker's OrderDO through script_name, so it goes after it)
//   6. a smoke test against the deployed API: /health, /openapi.json, /admin/ with its CSP
//
//   npm run deploy                            production
//   npm run deploy -- --env staging           staging
//   npm run deploy -- --dry-run               builds every Worker with `wrangler deploy --dry-run`
//                                             (offline: no account, no migrations, no smoke test)
//   npm run deploy -- --smoke-url https://…   the URL to smoke-test (default: APP_BASE_URL of the env)
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'production' },
    'dry-run': { type: 'boolean', default: false },
    'smoke-url': { type: 'string' },
  },
})
const env = values.env
const dryRun = values['dry-run']
if (!['staging', 'production'].includes(env)) fail(`--env must be staging or production, not ${env}`)

/** In dependency order; see the header. */
const WORKERS = [
  { name: 'notifications', config: 'workers/notifications/wrangler.toml' },
  { name: 'marketplace-sync', config: 'workers/marketplace-sync/wrangler.toml' },
  { name: 'webhooks', config: 'workers/webhooks/wrangler.toml' },
  { name: 'api', config: 'wrangler.toml' },
  { name: 'payment-webhooks', config: 'workers/payment-webhooks/wrangler.toml' },
]

function fail(message) {
  console.error(`deploy: ${message}`)
  process.exit(1)
}

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`)
  const res = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${res.status}`)
}

/** Var names per TOML table: `[vars]` → top-level, `[env.x.vars]` → x. Enough for our configs. */
export function varKeys(toml) {
  const tables = {}
  let current = null
  for (const line of toml.split('\n')) {
    const header = /^\s*\[([^\][]+)\]\s*(#.*)?$/.exec(line)
    if (header) {
      const name = header[1].trim()
      current = name === 'vars' ? '' : (/^env\.([\w-]+)\.vars$/.exec(name)?.[1] ?? null)
      if (current !== null) tables[current] ??= new Set()
      continue
    }
    if (/^\s*\[\[/.test(line)) current = null
    const key = current !== null && /^\s*([A-Za-z_][\w]*)\s*=/.exec(line)
    if (key) tables[current].add(key[1])
  }
  return tables
}

function checkConfigs() {
  for (const w of WORKERS) {
    const tables = varKeys(readFileSync(w.config, 'utf8'))
    const top = tables[''] ?? new Set()
    for (const e of ['staging', 'production']) {
      const missing = [...top].filter((k) => !tables[e]?.has(k))
      if (missing.length) fail(`${w.config}: [env.${e}.vars] is missing ${missing.join(', ')}`)
    }
    const vars = readFileSync(w.config, 'utf8').split(`[env.${env}.vars]`)[1]?.split(/\n\[/)[0] ?? ''
    if (/ENVIRONMENT\s*=\s*"development"|localhost/.test(vars)) fail(`${w.config}: [env.${env}.vars] has a development value`)
  }
  // The storefront's card form needs Stripe's publishable key; without it the payment page can only
  // show an error, so a real deploy refuses (the dry run, which builds offline, only warns).
  const apiVars = readFileSync('wrangler.toml', 'utf8').split(`[env.${env}.vars]`)[1]?.split(/\n\[/)[0] ?? ''
  if (!/STRIPE_PUBLISHABLE_KEY\s*=\s*"pk_(live|test)_[^"]+"/.test(apiVars)) {
    const message = `wrangler.toml: [env.${env}.vars] STRIPE_PUBLISHABLE_KEY is not a Stripe publishable key (pk_live_…); the storefront cannot take card payments without it`
    if (dryRun) console.warn(`deploy: warning: ${message}`)
    else fail(message)
  }
  console.log(`configs: every Worker's [env.${env}] sets every var, none left at a development value`)
}

function appBaseUrl() {
  const vars = readFileSync('wrangler.toml', 'utf8').split(`[env.${env}.vars]`)[1] ?? ''
  return /APP_BASE_URL\s*=\s*"([^"]+)"/.exec(vars)?.[1]
}

async function smoke(base) {
  const checks = [
    ['/health', (r) => r.status === 200],
    ['/openapi.json', (r) => r.status === 200 && (r.headers.get('content-type') ?? '').includes('json')],
    ['/api/v1/products?limit=1', (r) => r.status === 200],
    ['/admin/', (r) => r.status === 200 && (r.headers.get('content-security-policy') ?? '').includes("frame-ancestors 'none'")],
  ]
  for (const [path, ok] of checks) {
    let res
    for (let attempt = 1; attempt <= 5; attempt++) {
      res = await fetch(new URL(path, base)).catch((err) => ({ status: 0, headers: new Headers(), err }))
      if (ok(res)) break
      await new Promise((r) => setTimeout(r, attempt * 2000))
    }
    if (!ok(res)) fail(`smoke test: GET ${path} answered ${res.status}`)
    console.log(`smoke: GET ${path} ${res.status} ok`)
  }
}

checkConfigs()
run('node', ['dashboard/build.mjs'])
if (dryRun) {
  for (const w of WORKERS) {
    const outdir = `dist/deploy-dry-run/${env}/${w.name}`
    mkdirSync(outdir, { recursive: true })
    run('npx', ['wrangler', 'deploy', '--dry-run', '--env', env, '-c', w.config, '--outdir', outdir])
  }
  console.log(`\ndry run: all ${WORKERS.length} Workers build for ${env}; nothing was deployed`)
} else {
  if (!process.env.CLOUDFLARE_API_TOKEN) console.warn('CLOUDFLARE_API_TOKEN is not set: wrangler will use your `wrangler login` session')
  run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--remote', '--env', env])
  for (const w of WORKERS) run('npx', ['wrangler', 'deploy', '--env', env, '-c', w.config])
  const base = values['smoke-url'] ?? appBaseUrl()
  if (!base) fail('no URL to smoke-test: pass --smoke-url')
  await smoke(base)
  console.log(`\ndeployed ${WORKERS.map((w) => w.name).join(', ')} to ${env}; smoke test passed against ${base}`)
}
