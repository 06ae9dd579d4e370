// Starts the store the browser tests drive: the dashboard built, a fresh local D1 (temporary
// --persist-to directory) migrated and seeded, and `wrangler dev` on a free port (the API Worker
// with the notifications consumer, whose log provider prints every message), plus the fakes Worker
// (Stripe and its Stripe.js stand-in) and the payment webhooks Worker on free ports of their own.
// Their own dev registry keeps them apart from any other `wrangler dev` on the machine. Stopped
// and removed after the run.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { childEnv, freePort, migrateLocal, ROOT, run, seedLocal, waitForOk } from '../../scripts/lib/local.mjs'

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

  // The fakes Worker (Stripe, the Stripe.js stand-in) and the payment webhooks Worker, on ports of
  // their own: the fake Stripe delivers its signed events to the webhooks Worker, which drives the
  // API Worker's OrderDO through the (private) dev registry.
  const registry = { WRANGLER_REGISTRY_PATH: join(persist, 'registry') }
  const fakesPort = await freePort()
  const webhooksPort = await freePort()
  const fakesBase = `http://127.0.0.1:${fakesPort}`
  const paymentEnv = join(persist, 'payments.env')
  writeFileSync(
    paymentEnv,
    [
      `STRIPE_API_BASE=${fakesBase}/stripe`,
      `STRIPE_JS_URL=${fakesBase}/stripe-js/v3`,
      `STRIPE_FAKE_WEBHOOK_URL=http://127.0.0.1:${webhooksPort}/webhooks/stripe`,
      `PAYMENT_WEBHOOKS_BASE_URL=http://127.0.0.1:${webhooksPort}`,
      '',
    ].join('\n'),
  )
  const storeLog = join(persist, 'store.log')
  const storeLogStream = createWriteStream(storeLog)

  const port = await freePort()
  const inspector = await freePort()
  const log: string[] = []
  const helpers: ChildProcess[] = []
  for (const [config, helperPort] of [
    ['workers/fakes/wrangler.toml', fakesPort],
    ['workers/payment-webhooks/wrangler.toml', webhooksPort],
  ] as const) {
    const child = spawn(
      'wrangler',
      [
        'dev',
        '-c',
        config,
        '--port',
        String(helperPort),
        '--inspector-port',
        String(await freePort()),
        '--ip',
        '127.0.0.1',
        '--persist-to',
        persist,
        '--env-file',
        join(ROOT, '.dev.vars.example'),
        '--env-file',
        paymentEnv,
        '--show-interactive-dev-session=false',
      ],
      { cwd: ROOT, env: childEnv({ CI: '1', WRANGLER_SEND_METRICS: 'false', ...registry }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => log.push(`[${config}] ${chunk.toString()}`))
    helpers.push(child)
  }
  const wrangler = spawn(
    'wrangler',
    [
      'dev',
      '-c',
      'wrangler.toml',
      // The notifications consumer, so the emails the tests follow are sent (to the log provider).
      '-c',
      'workers/notifications/wrangler.toml',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      persist,
      // The committed example, not a developer's .dev.vars: known secrets, notifications to the log provider.
      // Absolute: wrangler resolves env files against each config's folder, and the notifications
      // consumer needs the same secrets (JWT_SECRET signs the order link it mails to guests).
      '--env-file',
      join(ROOT, '.dev.vars.example'),
      '--env-file',
      envFile,
      '--env-file',
      paymentEnv,
      '--show-interactive-dev-session=false',
    ],
    { cwd: ROOT, env: childEnv({ CI: '1', WRANGLER_SEND_METRICS: 'false', ...registry }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const stream of [wrangler.stdout, wrangler.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString())
      storeLogStream.write(chunk)
    })
  }
  const stopAll = async () => {
    await Promise.all([wrangler, ...helpers].map(stop))
    storeLogStream.end()
  }
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForOk(`${baseUrl}/health`, {
      timeoutMs: 120_000,
      isAlive: () => wrangler.exitCode === null,
      check: (_res, body) => body.includes('"database"'),
    })
    await waitForOk(`${fakesBase}/stripe-js/v3`, { timeoutMs: 120_000, isAlive: () => helpers[0]!.exitCode === null })
    await waitForOk(`http://127.0.0.1:${webhooksPort}/health`, { timeoutMs: 120_000, isAlive: () => helpers[1]!.exitCode === null })
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
