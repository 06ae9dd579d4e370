// Shared plumbing for the local scripts (npm start, npm run seed, npm run bench): paths, the node@22
// toolchain on PATH, child processes, local migrations and the seed.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { d1DatabaseId, localD1File, openLocalD1 } from './local-d1.mjs'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'node_modules', '.bin')

/**
 * Child environment with node_modules/.bin first on PATH, as `npm run` does: that is where the
 * node@22 devDependency and wrangler live, so the scripts also work when run as `node scripts/x.mjs`.
 */
export function childEnv(extra = {}) {
  const path = process.env.PATH ?? ''
  const withBin = path.split(delimiter)[0] === BIN ? path : `${BIN}${delimiter}${path}`
  return { ...process.env, PATH: withBin, ...extra }
}

/**
 * wrangler needs Node 22. When a script is started with an older node (not through npm), re-run it
 * with the node@22 devDependency and exit with its status.
 */
export async function ensureNode22() {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= 22 || process.env.EC_REEXEC) return
  const local = join(BIN, 'node')
  if (!existsSync(local)) return
  const code = await new Promise((resolve) => {
    const child = spawn(local, process.argv.slice(1), { stdio: 'inherit', env: childEnv({ EC_REEXEC: '1' }) })
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
    child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)))
  })
  process.exit(code)
}

/** Runs a command to completion (stdio inherited), rejecting on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: childEnv(), ...opts })
    child.on('error', reject)
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`)),
    )
  })
}

/**
 * What a fresh clone lacks before `wrangler dev` can start: `.dev.vars` (local secrets; only the
 * example is committed) and the static-assets directory, which git does not keep while empty.
 */
export function ensureDevVars() {
  const vars = join(ROOT, '.dev.vars')
  if (!existsSync(vars)) {
    copyFileSync(join(ROOT, '.dev.vars.example'), vars)
    console.log('created .dev.vars from .dev.vars.example')
  }
  mkdirSync(join(ROOT, 'public'), { recursive: true })
}

/** The API Worker's config first, then every workers/<name>/wrangler.toml (queue consumers, webhooks, fakes). */
export function workerConfigs() {
  const configs = ['wrangler.toml']
  const dir = join(ROOT, 'workers')
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      for (const file of ['wrangler.toml', 'wrangler.jsonc', 'wrangler.json']) {
        if (existsSync(join(dir, name, file))) {
          configs.push(relative(ROOT, join(dir, name, file)))
          break
        }
      }
    }
  }
  return configs
}

/**
 * `wrangler dev -c a -c b --env-file x` gives x to the first Worker only: wrangler hands the grouped
 * Workers just `--env`, and each reads the .dev.vars beside its own config (none in this repository),
 * so the notifications consumer ran without JWT_SECRET and mailed no order link. This writes a copy
 * of `config` into `dir`/<worker folder>/ (main and migrations_dir made absolute) with a .dev.vars
 * made of `envFiles` beside it, and returns the copy's path to pass to -c instead.
 */
export function groupedConfig(config, envFiles, dir) {
  const src = join(ROOT, config)
  const out = join(dir, basename(dirname(src)))
  mkdirSync(out, { recursive: true })
  const text = readFileSync(src, 'utf8').replace(
    /^(\s*(?:main|migrations_dir)\s*=\s*)"([^"]+)"/gm,
    (_, key, path) => `${key}${JSON.stringify(resolve(dirname(src), path))}`,
  )
  writeFileSync(
    join(out, basename(src)),
    `# Generated from ${config} by scripts/lib/local.mjs (groupedConfig): edit that file instead.\n${text}`,
  )
  writeFileSync(join(out, '.dev.vars'), envFiles.map((f) => readFileSync(f, 'utf8')).join('\n'))
  return join(out, basename(src))
}

/**
 * Applies pending D1 migrations to the local database: .wrangler/state (what `wrangler dev`
 * reads) unless `persistTo` names another state directory (the benchmark keeps its own).
 */
export function migrateLocal(persistTo) {
  const args = ['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])]
  return run('wrangler', args, { env: childEnv({ CI: '1' }) })
}

/**
 * Loads src/seed (TypeScript with extensionless imports) into Node by bundling it with esbuild,
 * which wrangler already depends on.
 */
async function loadSeedModule() {
  const { build } = await import('esbuild')
  const out = await build({
    entryPoints: [join(ROOT, 'src/seed/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: false,
    logLevel: 'error',
  })
  const code = out.outputFiles[0].text
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)
}

// workerd complains once per Durable Object binding because getPlatformProxy does not run the
// API Worker's code; harmless here (the seed uses only R2 through it), so keep it off the console.
const DO_NOISE = /DurableObjectNamespace in the config referenced the class|no such Durable Object class is exported/

function quietly(stream) {
  const write = stream.write.bind(stream)
  stream.write = (chunk, ...rest) => (DO_NOISE.test(String(chunk)) ? true : write(chunk, ...rest))
  return () => {
    stream.write = write
  }
}

/** The local D1 database of wrangler.toml in .wrangler/state (or `persistTo`), opened in this process. */
async function openLocalDb(persistTo) {
  return openLocalD1(localD1File(persistTo ?? join(ROOT, '.wrangler', 'state'), d1DatabaseId(join(ROOT, 'wrangler.toml'))))
}

/**
 * Runs `fn(bindings)` with the local D1 and R2 of wrangler.toml, persisted to the same
 * .wrangler/state that `wrangler dev` uses (or to `persistTo`, like `wrangler dev --persist-to`).
 * D1 is the database file itself (scripts/lib/local-d1.mjs); R2 goes through the local bindings
 * proxy (getPlatformProxy), whose storage format is Miniflare's own.
 */
async function withLocalBindings(persistTo, fn) {
  // Only for this call: child processes started later (wrangler dev) inherit process.env.
  const logLevel = process.env.WRANGLER_LOG
  process.env.WRANGLER_LOG = 'error'
  const restore = [quietly(process.stdout), quietly(process.stderr)]
  const { getPlatformProxy } = await import('wrangler')
  // getPlatformProxy wants the versioned directory that `--persist-to <dir>` uses inside <dir>.
  const persist = persistTo ? { path: join(persistTo, 'v3') } : true
  const proxy = await getPlatformProxy({ configPath: join(ROOT, 'wrangler.toml'), persist }).finally(() => {
    restore.forEach((r) => r())
    if (logLevel === undefined) delete process.env.WRANGLER_LOG
    else process.env.WRANGLER_LOG = logLevel
  })
  const local = await openLocalDb(persistTo).catch(async (err) => {
    await proxy.dispose()
    throw err
  })
  try {
    return await fn({ db: local.db, images: proxy.env.IMAGES })
  } finally {
    local.close()
    await proxy.dispose()
  }
}

/**
 * Seeds the local store. With `ifNeeded`, skips when every seeded row is already there (so
 * `npm start` does not rewrite demo rows you edited); otherwise always re-seeds.
 */
export async function seedLocal({ ifNeeded = false, products, persistTo } = {}) {
  const mod = await loadSeedModule()
  const options = products ? { products } : {}
  return withLocalBindings(persistTo, async (bindings) => {
    if (ifNeeded && (await mod.isSeeded(bindings.db, options))) {
      console.log('demo data already present (npm run seed re-seeds)')
      return
    }
    const started = Date.now()
    await mod.seed(bindings, { ...options, log: (line) => console.log(`seed: ${line}`) })
    console.log(`seed: done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  })
}

/**
 * A TCP port nothing listens on right now. Picked below the kernel's ephemeral range (32768+),
 * where other processes' `listen(0)` sockets (every workerd picks some) cannot grab it between
 * this check and wrangler binding it.
 */
export async function freePort() {
  const { createServer } = await import('node:net')
  const tryPort = (port) =>
    new Promise((resolve) => {
      const srv = createServer()
      srv.unref()
      srv.once('error', () => resolve(false))
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
    })
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000)
    if (await tryPort(port)) return port
  }
  throw new Error('no free TCP port found in 20000-31999')
}

/**
 * Polls `url` until it answers 200 and `check(response, bodyText)` accepts it (so a stranger on
 * the port does not pass for our server), or throws after `timeoutMs`.
 */
export async function waitForOk(url, { timeoutMs = 90_000, isAlive = () => true, check = () => true } = {}) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`server for ${url} exited before it was ready`)
    try {
      const res = await fetch(url)
      const text = await res.text()
      if (res.ok && check(res, text)) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`)
}

/**
 * Inserts `count` customer accounts for the benchmark's shoppers (ids bench_usr_0…, no usable
 * password: the bench signs their access tokens itself with JWT_SECRET). Idempotent; run it
 * before `wrangler dev` starts on the same state, never beside it.
 */
export async function ensureBenchUsers({ count, persistTo }) {
  const { db, close } = await openLocalDb(persistTo)
  try {
    const now = new Date().toISOString()
    const stmt = db.prepare(
      `INSERT OR IGNORE INTO users (id, email, name, role, password_hash, password_salt, password_iterations, created_at, updated_at)
       VALUES (?, ?, ?, 'customer', 'x', 'x', 1, ?, ?)`,
    )
    for (let i = 0; i < count; i += 500) {
      const batch = []
      for (let j = i; j < Math.min(count, i + 500); j++)
        batch.push(stmt.bind(`bench_usr_${j}`, `bench-${j}@bench.example`, `Bench shopper ${j}`, now, now))
      await db.batch(batch)
    }
  } finally {
    close()
  }
}

/** KEY=value lines of .dev.vars (the local secrets wrangler dev reads). */
export function readDevVars() {
  const vars = {}
  for (const line of readFileSync(join(ROOT, '.dev.vars'), 'utf8').split('\n')) {
    const m = line.match(/^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/)
    if (m) vars[m[1]] = m[2]
  }
  return vars
}
