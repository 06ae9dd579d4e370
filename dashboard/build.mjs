// Builds the dashboard into public/admin/ (served by the API Worker's [assets] binding at /admin/):
// minified ES modules — the entry app.js (shell, sign-in page, English text) plus chunks/ loaded on
// demand (one per page, the Russian dictionary, shared code), named by content hash so they can be
// cached for good — and index.html (with a modulepreload link per chunk the entry imports) and
// styles.css from static/.
// Run by `npm run dashboard:build`, by wrangler's [build] command before `wrangler dev`/deploy,
// by `npm start` and by the browser tests. `--watch` rebuilds on change.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const OUT = here('../public/admin/')
const CHUNKS = `${OUT}chunks/`

mkdirSync(OUT, { recursive: true })
cpSync(here('./static/'), OUT, { recursive: true })

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
const sizes = (file) => {
  const bytes = readFileSync(file)
  return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length }
}

// After each build: drop chunks of earlier builds (hashed names pile up otherwise, in --watch too)
// and print the entry's size and the total.
const report = {
  name: 'report',
  setup(build) {
    build.onEnd((result) => {
      if (!result.metafile) return
      const js = Object.keys(result.metafile.outputs)
        .filter((f) => f.endsWith('.js'))
        .map((f) => relative(OUT, f))
      const keep = new Set(js.map((f) => f.replace(/^chunks\//, '')))
      for (const f of readdirSync(CHUNKS, { withFileTypes: true })) {
        const base = f.name.replace(/\.map$/, '')
        if (f.isFile() && !keep.has(base)) rmSync(`${CHUNKS}${f.name}`)
      }
      // The entry with the chunks it imports statically: what the sign-in page waits for.
      const first = new Set()
      const visit = (f) => {
        if (first.has(f)) return
        first.add(f)
        for (const i of result.metafile.outputs[f].imports) if (i.kind === 'import-statement') visit(i.path)
      }
      visit(Object.keys(result.metafile.outputs).find((f) => relative(OUT, f) === 'app.js'))
      const sum = (files) =>
        files.map((f) => sizes(`${OUT}${f}`)).reduce((a, b) => ({ raw: a.raw + b.raw, gz: a.gz + b.gz }), { raw: 0, gz: 0 })
      const firstFiles = [...first].map((f) => relative(OUT, f))
      // index.html names the entry's static chunks too, so the browser fetches them alongside
      // app.js instead of after parsing it.
      const preloads = firstFiles.filter((f) => f !== 'app.js').map((f) => `\n    <link rel="modulepreload" href="./${f}" />`)
      const html = readFileSync(here('./static/index.html'), 'utf8')
      writeFileSync(`${OUT}index.html`, html.replace(/(<script type="module" src="\.\/app\.js"><\/script>)/, `$1${preloads.join('')}`))
      const entry = sum(firstFiles)
      const total = sum(js)
      console.log(
        `dashboard: built public/admin/: entry app.js with its ${first.size - 1} static chunks ${kib(entry.raw)} (${kib(entry.gz)} gz); ` +
          `all ${js.length} files ${kib(total.raw)} (${kib(total.gz)} gz)`,
      )
    })
  },
}

mkdirSync(CHUNKS, { recursive: true })
const options = {
  entryPoints: { app: here('./src/main.tsx') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
  legalComments: 'none',
  // Russian text as UTF-8, not \u escapes (a third of the size; module scripts are always UTF-8).
  charset: 'utf8',
  plugins: [report],
}

if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context(options)
  await ctx.watch()
  console.log('dashboard: watching dashboard/src')
} else {
  await esbuild.build(options)
}
