// Starts the store the browser tests drive: the dashboard built, a fresh local D1 (temporary
// --persist-to directory) migrated and seeded, and `wrangler dev` on a free port. Stopped and
// removed after the run.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { childEnv, freePort, migrateLocal, ROOT, run, seedLocal, waitForOk } from '../../scripts/lib/local.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
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
  const log: string[] = []
  const wrangler = spawn(
    'wrangler',
    [
      'dev',
      '-c',
      'wrangler.toml',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      persist,
      // The committed example, not a developer's .dev.vars: known secrets, notifications to the log provider.
      '--env-file',
      '.dev.vars.example',
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
    ],
    { cwd: ROOT, env: childEnv({ CI: '1', WRANGLER_SEND_METRICS: 'false' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const stream of [wrangler.stdout, wrangler.stderr]) stream?.on('data', (chunk: Buffer) => log.push(chunk.toString()))
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForOk(`${baseUrl}/health`, {
      timeoutMs: 120_000,
      isAlive: () => wrangler.exitCode === null,
      check: (_res, body) => body.includes('"database"'),
    })
  } catch (err) {
    await stop(wrangler)
    rmSync(persist, { recursive: true, force: true })
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- wrangler output ---\n${log.join('').slice(-4000)}`)
  }
  console.log(`browser tests: store on ${baseUrl} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`)
  project.provide('baseUrl', baseUrl)

  return async () => {
    await stop(wrangler)
    rmSync(persist, { recursive: true, force: true })
  }
}
