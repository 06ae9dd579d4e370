// npm start: everything a fresh clone needs to serve the store on http://localhost:8787.
//   1. .dev.vars from .dev.vars.example when missing
//   2. pending D1 migrations applied to the local database (.wrangler/state)
//   3. demo data seeded unless already complete (`npm run seed` forces a re-seed)
//   4. one `wrangler dev` with wrangler.toml plus every workers/*/wrangler.toml: one workerd, one
//      local D1; the API Worker forwards /webhooks/* and /__fakes/* to the other Workers
// PORT overrides 8787. Ctrl+C / SIGTERM stop the server started here.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { childEnv, ensureDevVars, ensureNode22, groupedConfig, migrateLocal, ROOT, seedLocal, workerConfigs } from './lib/local.mjs'

await ensureNode22()
const port = Number(process.env.PORT ?? 8787)

ensureDevVars()
await migrateLocal()
await seedLocal({ ifNeeded: true })

const configs = workerConfigs()
// The root .dev.vars for every Worker: --env-file reaches the first config only, so the others run
// from copies beside a .dev.vars (groupedConfig): the notifications consumer signs guest order
// links with JWT_SECRET, the payment webhooks Worker needs the providers' secrets.
const secrets = [join(ROOT, '.dev.vars')]
const configArgs = configs.flatMap((c, i) => ['-c', i === 0 ? c : groupedConfig(c, secrets, join(ROOT, '.wrangler', 'grouped'))])
const args = ['dev', ...configArgs, '--port', String(port), '--env-file', secrets[0]]

console.log(`starting ${configs.join(' + ')} on http://localhost:${port}`)
console.log(
  `  health   http://localhost:${port}/health\n  docs     http://localhost:${port}/docs\n  catalog  http://localhost:${port}/api/v1/products\n` +
    `  admin    http://localhost:${port}/admin/\n  webhooks http://localhost:${port}/webhooks/stripe (payment webhooks Worker)\n` +
    `  fakes    http://localhost:${port}/__fakes/ (Stripe, SendGrid, carriers, … offline)`,
)

// A supervisor: when wrangler dev exits on its own (it has died under load, see docs/development.md,
// "When wrangler dev dies"), it is started again on the same port and state, a few times a minute
// at most, so the store comes back instead of `npm start` ending. Ctrl+C / SIGTERM stop it for good.
const MAX_RESTARTS_PER_MINUTE = 5
let child
let stopping = false
const restarts = []
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true
    if (child && child.exitCode === null && child.signalCode === null) child.kill(sig)
  })
}
const status = await new Promise((resolve) => {
  const start = () => {
    child = spawn('wrangler', args, { cwd: ROOT, stdio: 'inherit', env: childEnv() })
    child.on('error', (err) => {
      console.error(`failed to start wrangler: ${err.message}`)
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      if (stopping) return resolve(0)
      const now = Date.now()
      while (restarts.length && now - restarts[0] > 60_000) restarts.shift()
      if (restarts.length >= MAX_RESTARTS_PER_MINUTE) {
        console.error(`wrangler dev exited (${signal ?? `code ${code}`}) ${restarts.length + 1} times within a minute; giving up`)
        return resolve(code ?? 1)
      }
      restarts.push(now)
      console.error(`wrangler dev exited (${signal ?? `code ${code}`}); starting it again (state is kept)`)
      setTimeout(() => (stopping ? resolve(0) : start()), 1000)
    })
  }
  start()
})
process.exit(status)
