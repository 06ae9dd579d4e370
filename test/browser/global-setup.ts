// Starts the store the browser tests drive: the dashboard built, a fresh local D1 (temporary
// --persist-to directory) migrated and seeded, and one `wrangler dev` on a free port with the API
// Worker, the notifications consumer (whose log provider prints every message), the fakes Worker
// (Stripe and its Stripe.js stand-in, at /__fakes/*) and the payment webhooks Worker (at /webhooks/*).
// Its own dev registry keeps it apart from any other `wrangler dev` on the machine. Stopped and
// removed after the run.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { childEnv, freePort, groupedConfig, migrateLocal, ROOT, run, seedLocal, waitForOk } from '../../scripts/lib/local.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    /** A file with the store's output (wrangler dev of the API Worker and the notifications consumer). */
    storeLog: string
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    // wrangler runs workerd as a child: signal the whole process group started below.
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      resolve()
    }
  })
}

export default async function setup(project: TestProject) {
  // EC_BROWSER_BASE_URL: drive a store that is already running (quicker when iterating on a test).
  if (process.env.EC_BROWSER_BASE_URL) {
    await run(process.execPath, [join(ROOT, 'dashboard/build.mjs')])
    project.provide('baseUrl', process.env.EC_BROWSER_BASE_URL)
    project.provide('storeLog', process.env.EC_BROWSER_STORE_LOG ?? '')
    return
  }
  const started = Date.now()
  const persist = mkdtempSync(join(tmpdir(), 'ec-browser-state-'))
  await run(process.execPath, [join(ROOT, 'dashboard/build.mjs')])
  await migrateLocal(persist)
  // A small catalog keeps the seed to a few seconds; the scenarios create what they need.
  await seedLocal({ products: 40, persistTo: persist })

  // Kaspi gets a token so the marketplace page has an enabled marketplace to re-sync (no consumer
  // runs here, so nothing is sent: the queued sync shows as pending rows). Ozon stays disabled.
  const envFile = join(persist, 'browser.env')
  writeFileSync(envFile, 'KASPI_API_TOKEN=browser-test-kaspi-token\nKASPI_API_BASE=http://127.0.0.1:9/kaspi\n')

  const port = await freePort()
  const inspector = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  // The committed example, not a developer's .dev.vars (known secrets, notifications to the log
  // provider), with its local addresses (http://localhost:8787/__fakes/<provider> for the fakes,
  // http://localhost:8787/webhooks/… for the payment webhooks Worker) moved to this store's port.
  const exampleEnv = join(persist, 'example.env')
  writeFileSync(exampleEnv, readFileSync(join(ROOT, '.dev.vars.example'), 'utf8').replaceAll('http://localhost:8787', baseUrl))
  // Where the fakes Worker POSTs the payment providers' signed callbacks (its wrangler.toml says :8787).
  const fakesEnv = join(persist, 'fakes.env')
  writeFileSync(fakesEnv, `FAKE_WEBHOOKS_BASE_URL=${baseUrl}\n`)
  const storeLog = join(persist, 'store.log')
  const storeLogStream = createWriteStream(storeLog)

  const log: string[] = []
  // One wrangler dev for every Worker the tests need, as `npm start` runs them: the API Worker,
  // the notifications consumer (so the emails the tests follow are sent, to the log provider),
  // the fakes Worker (Stripe and its Stripe.js stand-in, reached at /__fakes/*) and the payment
  // webhooks Worker (reached at /webhooks/*, where the fake Stripe delivers its signed events).
  // Its own dev registry keeps it apart from any other `wrangler dev` on the machine.
  const wrangler = spawn(
    'wrangler',
    [
      'dev',
      // workers/webhooks: the outgoing-webhooks consumer, so a registered endpoint receives its deliveries.
      // wrangler gives --env-file to the first config only: the others run from copies beside a
      // .dev.vars of the same files (groupedConfig), so the consumer can sign the order link it mails.
      ...[
        'wrangler.toml',
        'workers/notifications/wrangler.toml',
        'workers/fakes/wrangler.toml',
        'workers/payment-webhooks/wrangler.toml',
        'workers/webhooks/wrangler.toml',
      ].flatMap((c, i) => ['-c', i === 0 ? c : groupedConfig(c, [exampleEnv, envFile, fakesEnv], persist)]),
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      persist,
      // The first config's secrets (the others get theirs from groupedConfig's .dev.vars).
      '--env-file',
      exampleEnv,
      '--env-file',
      envFile,
      '--env-file',
      fakesEnv,
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: ROOT,
      env: childEnv({ CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_REGISTRY_PATH: join(persist, 'registry') }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  for (const stream of [wrangler.stdout, wrangler.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString())
      storeLogStream.write(chunk)
    })
  }
  const stopAll = async () => {
    await stop(wrangler)
    storeLogStream.end()
  }
  try {
    await waitForOk(`${baseUrl}/health`, {
      timeoutMs: 120_000,
      isAlive: () => wrangler.exitCode === null,
      check: (_res, body) => body.includes('"database"'),
    })
    await waitForOk(`${baseUrl}/__fakes/stripe-js/v3`, { timeoutMs: 120_000, isAlive: () => wrangler.exitCode === null })
  } catch (err) {
    await stopAll()
    rmSync(persist, { recursive: true, force: true })
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- wrangler output ---\n${log.join('').slice(-4000)}`)
  }
  console.log(`browser tests: store on ${baseUrl} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`)
  project.provide('baseUrl', baseUrl)
  project.provide('storeLog', storeLog)

  return async () => {
    await stopAll()
    rmSync(persist, { recursive: true, force: true })
  }
}
