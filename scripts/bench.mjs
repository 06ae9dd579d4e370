// npm run bench: load-tests the local store on loopback and compares it with a bare Worker.
//
// Starts, on free ports, (1) the store under `wrangler dev` with its own state in
// $TMPDIR/edge-commerce-bench-<hash> (migrated and seeded on first use, so your dev data is never touched)
// and (2) scripts/bench/ceiling-worker.js, a Worker that only returns "ok". Then runs every
// scenario in scripts/bench/scenarios.mjs with autocannon: warm-up, measured run, req/s, p50/p99
// latency and the ratio to the ceiling. Both servers are stopped on exit, also on failure.
//
// Then two checks that are not throughput runs: the catalog cache hit ratio of the other pages
// after 100 orders of one product (must stay >= 95%), and a flash sale (BENCH_FLASH_BUYERS
// concurrent buyers, default 1,000, for BENCH_FLASH_UNITS units of one SKU, default 100: exactly
// that many orders, every other buyer 409, no 5xx, the server alive; p50/p99 reported).
//
// Env: BENCH_CONNECTIONS (default 20), BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3),
// BENCH_ONLY (substrings of scenario names to run, separated by "|"; "none" skips them), BENCH_PRODUCTS (catalog size,
// default the seed's; each size keeps its own state directory), BENCH_SKIP_CHECKS=1 (no hit-ratio
// or flash-sale check).
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import {
  childEnv,
  ensureBenchUsers,
  ensureDevVars,
  ensureNode22,
  freePort,
  migrateLocal,
  readDevVars,
  ROOT,
  seedLocal,
  waitForOk,
  workerConfigs,
} from './lib/local.mjs'
import { benchShop, DEMO_USERS, scenarios } from './bench/scenarios.mjs'
import { cacheHitRatioAfterOrders, flashSale } from './bench/checks.mjs'

await ensureNode22()

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20)
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const ONLY = process.env.BENCH_ONLY?.split('|').filter(Boolean)
const PRODUCTS = process.env.BENCH_PRODUCTS ? Number(process.env.BENCH_PRODUCTS) : undefined
if (PRODUCTS !== undefined && !(Number.isSafeInteger(PRODUCTS) && PRODUCTS > 0))
  throw new Error('BENCH_PRODUCTS must be a positive integer')
const FLASH_BUYERS = Number(process.env.BENCH_FLASH_BUYERS ?? 1000)
const FLASH_UNITS = Number(process.env.BENCH_FLASH_UNITS ?? 100)
const CHECKS = process.env.BENCH_SKIP_CHECKS !== '1'
/** Seeded shopper accounts: the flash sale's buyers, and beyond them the checkout scenarios' shoppers. */
const BENCH_USERS = FLASH_BUYERS + 2 * CONNECTIONS + 2 + 200
// Outside the project on purpose: with state under the project's .wrangler/, wrangler dev's
// esbuild watcher rebuilt the Worker mid-run under concurrent KV writes ("Network connection
// lost", then wrangler exited). One directory per checkout, kept between runs to skip re-seeding.
const STATE = join(
  tmpdir(),
  `edge-commerce-bench-${createHash('sha256').update(ROOT).digest('hex').slice(0, 10)}${PRODUCTS ? `-${PRODUCTS}` : ''}`,
)
const LOGS = join(ROOT, 'artifacts')

const servers = []

/** Starts `wrangler dev` in its own process group (so the whole tree can be stopped), logging to a file. */
function startServer(name, args) {
  mkdirSync(LOGS, { recursive: true })
  const logFile = join(LOGS, `bench-${name}.log`)
  const log = createWriteStream(logFile)
  // A private dev registry: other `wrangler dev` sessions on the machine (an `npm start`, say)
  // register the same Worker names, and every registry change reloads our servers mid-run.
  const env = childEnv({ WRANGLER_REGISTRY_PATH: join(STATE, 'registry') })
  const child = spawn('wrangler', ['dev', ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  const server = { name, child, logFile, alive: true }
  child.on('exit', (code, signal) => {
    server.alive = false
    server.exit = signal ?? `code ${code}`
  })
  servers.push(server)
  return server
}

function stopServers() {
  for (const s of servers) {
    if (!s.alive) continue
    try {
      process.kill(-s.child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
}

process.on('exit', stopServers)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopServers()
    process.exit(130)
  })
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU time (ms, user + system) used so far by every process in a server's process group (wrangler
 * and its workerd), read from /proc; null where there is no /proc. Throughput on a busy 2-core box
 * swings with whatever else runs, while the CPU a request costs the server barely moves, so the
 * table reports both.
 */
function groupCpuMs(server) {
  let ticks = 0
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      let stat
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      } catch {
        continue // exited meanwhile
      }
      // Fields after "(comm)": state ppid pgrp ... utime (12th) stime (13th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(f[2]) === server.child.pid) ticks += Number(f[11]) + Number(f[12])
    }
  } catch {
    return null
  }
  return (ticks * 1000) / CLOCK_TICKS
}

/** An autocannon run with the server's CPU ms per completed request (null without /proc). */
async function cannonCpu(server, opts) {
  const before = groupCpuMs(server)
  const r = await cannon(opts)
  const after = groupCpuMs(server)
  return { r, cpu: before === null || after === null || r.requests.total === 0 ? null : (after - before) / r.requests.total }
}

const cpuText = (ms) => (ms === null ? 'n/a' : fmt(ms, 2))

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** Warm-up (discarded), then the measured run. autocannon takes the path as part of the url. */
async function measure(server, base, { path = '/', ...opts }) {
  const url = base + path
  await cannon({ url, duration: WARMUP, ...opts })
  const { r, cpu } = await cannonCpu(server, { url, duration: DURATION, ...opts })
  return {
    rps: r.requests.average,
    cpu,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    // Zero completed requests is a failure too (every request slower than the run), not "0 req/s".
    bad: r.non2xx + r.errors + r.timeouts + (r.requests.total === 0 ? 1 : 0),
    detail:
      r.requests.total === 0 ? 'no request completed within the run' : `${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts)`,
  }
}

function context(base, vars) {
  const secret = new TextEncoder().encode(vars.JWT_SECRET ?? '')
  // The same claims as src/modules/accounts/tokens.ts signAccessToken, for the seeded bench_usr_<n> accounts.
  const token = (i) =>
    new SignJWT({ role: 'customer', email: `bench-${i}@bench.example` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`bench_usr_${i}`)
      .setIssuer('edge-commerce')
      .setAudience('edge-commerce-api')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(secret)
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = await res.json().catch(() => null)
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  return {
    base,
    demo: DEMO_USERS,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body, headers),
    shoppers: async (from, count) => {
      if (from + count > BENCH_USERS) throw new Error(`bench: only ${BENCH_USERS} bench shoppers are seeded`)
      return Promise.all(Array.from({ length: count }, async (_, k) => ({ Authorization: `Bearer ${await token(from + k)}` })))
    },
    login: async (email, password) => {
      const r = await call('POST', '/api/v1/auth/login', { email, password })
      return { Authorization: `Bearer ${r.access_token}` }
    },
  }
}

function machine() {
  const cpu = cpus()
  const wrangler = JSON.parse(readFileSync(join(ROOT, 'node_modules/wrangler/package.json'), 'utf8')).version
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, wrangler ${wrangler}`
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })

try {
  ensureDevVars()
  console.log(`bench state: ${STATE} (delete it to start from a fresh seed)`)
  await migrateLocal(STATE)
  await seedLocal({ ifNeeded: true, persistTo: STATE, ...(PRODUCTS ? { products: PRODUCTS } : {}) })
  await ensureBenchUsers({ count: BENCH_USERS, persistTo: STATE })

  // Every Worker of the stack in one wrangler dev, as `npm start` runs it.
  const grouped = workerConfigs()
  const storePort = await freePort()
  const ceilingPort = await freePort()
  const store = startServer('store', [
    ...grouped.flatMap((c) => ['-c', c]),
    '--port',
    String(storePort),
    '--inspector-port',
    String(await freePort()),
    '--persist-to',
    STATE,
  ])
  const ceiling = startServer('ceiling', [
    '-c',
    'scripts/bench/wrangler.toml',
    '--port',
    String(ceilingPort),
    '--inspector-port',
    String(await freePort()),
    '--persist-to',
    STATE,
  ])
  const storeUrl = `http://127.0.0.1:${storePort}`
  const ceilingUrl = `http://127.0.0.1:${ceilingPort}`
  await Promise.all([
    waitForOk(`${storeUrl}/health`, {
      timeoutMs: 120_000,
      isAlive: () => store.alive,
      // Our API: JSON health with a request id echoed.
      check: (res, text) => res.headers.has('X-Request-Id') && text.includes('"status":"ok"'),
    }).catch((e) => {
      throw new Error(`${e.message} (log: ${store.logFile})`)
    }),
    waitForOk(ceilingUrl, { timeoutMs: 120_000, isAlive: () => ceiling.alive, check: (_res, text) => text === 'ok' }).catch((e) => {
      throw new Error(`${e.message} (log: ${ceiling.logFile})`)
    }),
  ])

  // Other processes on the box skew every figure; the load average says how busy it was.
  console.log(
    `\nmachine: ${machine()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} before the run`,
  )
  console.log(`load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per scenario, loopback, wrangler dev\n`)

  // The ceiling is measured right before every scenario (half the duration; the bare Worker needs
  // no warm-up after the first run) and each ratio uses that adjacent figure, so background load
  // that comes and goes during the run skews the ratios as little as possible.
  const ceilingDuration = Math.max(3, Math.round(DURATION / 2))
  await cannon({ url: `${ceilingUrl}/`, duration: WARMUP })
  const ceilingNow = async () => {
    const { r, cpu } = await cannonCpu(ceiling, { url: `${ceilingUrl}/`, duration: ceilingDuration })
    if (r.non2xx + r.errors + r.timeouts > 0 || r.requests.total === 0) throw new Error('the ceiling Worker failed requests')
    return { rps: r.requests.average, cpu }
  }

  const rows = []
  const ctx = context(storeUrl, readDevVars())
  for (const scenario of scenarios.filter((s) => !ONLY || ONLY.some((part) => s.name.includes(part)))) {
    const opts = await scenario.setup(ctx)
    const ceilingRun = await ceilingNow()
    const result = await measure(store, storeUrl, opts)
    if (!store.alive) throw new Error(`the store exited (${store.exit}) during "${scenario.name}" (log: ${store.logFile})`)
    if (result.bad && opts.path) {
      // Show what a failing answer looks like, so a wrong figure is not mistaken for a slow one.
      const res = await fetch(storeUrl + opts.path, { method: opts.method, headers: opts.headers, body: opts.body }).catch((e) => e)
      const sample = res instanceof Response ? `${res.status} ${(await res.text()).slice(0, 200)}` : String(res)
      console.log(`  sample response now: ${sample}`)
    }
    rows.push([scenario.name, result, ceilingRun])
    console.log(
      `${scenario.name}: ${fmt(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${cpuText(result.cpu)} CPU ms/req; ` +
        `ceiling ${fmt(ceilingRun.rps)} req/s, ${cpuText(ceilingRun.cpu)} CPU ms/req -> ${fmt((result.rps / ceilingRun.rps) * 100)}%` +
        `${result.bad ? `; ${result.detail}` : ''}`,
    )
  }

  const cpuRatio = (r, c) => (r.cpu === null || c.cpu === null ? 'n/a' : `${fmt((c.cpu / r.cpu) * 100)}%`)
  console.log(
    `\n| scenario | req/s | p50 ms | p99 ms | ceiling req/s | vs ceiling | server CPU ms/req | ceiling CPU ms/req | vs ceiling (CPU) | non-2xx/errors |`,
  )
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`)
  for (const [name, r, c] of rows) {
    console.log(
      `| ${name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${fmt(c.rps)} | ${fmt((r.rps / c.rps) * 100)}% | ` +
        `${cpuText(r.cpu)} | ${cpuText(c.cpu)} | ${cpuRatio(r, c)} | ${r.bad} |`,
    )
  }
  console.log(
    `\nceiling: the bare "ok" Worker under the same wrangler dev, measured for ${ceilingDuration} s right before each scenario.` +
      `\nCPU ms/req: user + system CPU of the server's processes (wrangler and workerd) over the measured run, divided by the` +
      `\nrequests it answered; "vs ceiling (CPU)" is ceiling CPU / scenario CPU, the throughput ratio a CPU-bound box would give.`,
  )

  let checksFailed = false
  if (CHECKS) {
    const shop = await benchShop(ctx)
    const ratio = await cacheHitRatioAfterOrders(ctx, shop, { orders: 100, buyersFrom: FLASH_BUYERS + 2 * CONNECTIONS + 2 })
    console.log(
      `\ncache hit ratio of ${ratio.pages} other catalog pages after ${ratio.orders} orders of one product: ` +
        `${fmt(ratio.ratio * 100, 1)}% (${ratio.hits} HIT, ${ratio.pages - ratio.hits} MISS; target >= 95%)`,
    )
    if (ratio.ratio < 0.95) checksFailed = true
    if (!store.alive) throw new Error(`the store exited (${store.exit}) during the hit-ratio check (log: ${store.logFile})`)

    const sale = await flashSale(ctx, shop, { buyers: FLASH_BUYERS, units: FLASH_UNITS })
    const alive =
      store.alive &&
      (await fetch(`${storeUrl}/health`).then(
        (r) => r.ok,
        () => false,
      ))
    console.log(
      `\nflash sale: ${sale.buyers} concurrent buyers, ${sale.units} units of one SKU -> ${sale.created} orders (201), ` +
        `${sale.conflicts} sold out (409), ${sale.other} other answers${sale.other ? ` (${JSON.stringify(sale.otherStatuses)})` : ''}; ` +
        `checkout p50 ${sale.p50} ms, p99 ${sale.p99} ms, max ${sale.max} ms, all answered in ${fmt(sale.wallMs / 1000, 1)} s; ` +
        `stock left ${sale.stockLeft}; server ${alive ? 'alive' : 'DEAD'}`,
    )
    if (sale.created !== sale.units || sale.other > 0 || sale.stockLeft !== 0 || !alive) checksFailed = true
  }
  console.log(
    `\n${machine()}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} after the run`,
  )
  const failed = rows.some(([, r]) => r.bad > 0) || checksFailed
  if (failed)
    console.error('\nsome requests or checks failed: see the non-2xx/errors column, the checks above and artifacts/bench-store.log')
  process.exitCode = failed ? 1 : 0
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : err}`)
  process.exitCode = 1
} finally {
  stopServers()
}
