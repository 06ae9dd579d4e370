// npm start: everything a fresh clone needs to serve the store on http://localhost:8787.
//   1. .dev.vars from .dev.vars.example when missing
//   2. pending D1 migrations applied to the local database (.wrangler/state)
//   3. demo data seeded unless already complete (`npm run seed` forces a re-seed)
//   4. `wrangler dev` with wrangler.toml plus every workers/*/wrangler.toml (see devPortOf)
// PORT overrides 8787. Ctrl+C / SIGTERM stop every server started here.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { childEnv, devPortOf, ensureDevVars, ensureNode22, freePort, migrateLocal, ROOT, seedLocal, workerConfigs } from './lib/local.mjs'

await ensureNode22()
const port = Number(process.env.PORT ?? 8787)

ensureDevVars()
await migrateLocal()
await seedLocal({ ifNeeded: true })

const [main, ...others] = workerConfigs()
const standalone = others.filter((c) => devPortOf(c) !== undefined)
const grouped = [main, ...others.filter((c) => devPortOf(c) === undefined)]

// The root .dev.vars for every grouped Worker (wrangler would look for one next to each config):
// the notifications consumer signs the order links it mails to guests with JWT_SECRET.
const servers = [['dev', ...grouped.flatMap((c) => ['-c', c]), '--port', String(port), '--env-file', join(ROOT, '.dev.vars')]]
for (const config of standalone) {
  servers.push([
    'dev',
    '-c',
    config,
    '--port',
    String(devPortOf(config)),
    // The first wrangler dev holds the default inspector port (9229).
    '--inspector-port',
    String(await freePort()),
    // Share D1/KV/R2 state with the API Worker instead of workers/<name>/.wrangler.
    '--persist-to',
    join(ROOT, '.wrangler', 'state'),
    // wrangler looks for .dev.vars next to each config; standalone Workers (the payment webhooks Worker
    // needs the providers' secrets) read the root one instead.
    '--env-file',
    join(ROOT, '.dev.vars'),
  ])
}

console.log(`starting ${grouped.join(' + ')} on http://localhost:${port}`)
for (const c of standalone) console.log(`starting ${c} on http://localhost:${devPortOf(c)}`)
console.log(`  health  http://localhost:${port}/health\n  docs    http://localhost:${port}/docs\n  catalog http://localhost:${port}/api/v1/products\n  admin   http://localhost:${port}/admin/`)

const children = servers.map((args) => spawn('wrangler', args, { cwd: ROOT, stdio: 'inherit', env: childEnv() }))
let exiting = false

function stopAll(signal) {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    exiting = true
    stopAll(sig)
  })
}

// When one server dies the store is broken: stop the rest and report its status.
const status = await new Promise((resolve) => {
  for (const child of children) {
    child.on('error', (err) => {
      console.error(`failed to start wrangler: ${err.message}`)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(exiting ? 0 : (code ?? (signal ? 1 : 0))))
  }
})
stopAll('SIGTERM')
await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.on('exit', r)) : null)))
process.exit(status)
