// Builds the dashboard into public/admin/ (served by the API Worker's [assets] binding at /admin/):
// one minified ES module bundle (app.js) plus index.html and styles.css copied from static/.
// Run by `npm run dashboard:build`, by wrangler's [build] command before `wrangler dev`/deploy,
// by `npm start` and by the browser tests. `--watch` rebuilds on change.
import { cpSync, mkdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const OUT = here('../public/admin/')

mkdirSync(OUT, { recursive: true })
cpSync(here('./static/'), OUT, { recursive: true })

const options = {
  entryPoints: [here('./src/main.tsx')],
  outfile: `${OUT}app.js`,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
  legalComments: 'none',
  // Russian text as UTF-8, not \u escapes (a third of the size; module scripts are always UTF-8).
  charset: 'utf8',
}

if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context(options)
  await ctx.watch()
  console.log('dashboard: watching dashboard/src')
} else {
  await esbuild.build(options)
  console.log(`dashboard: built public/admin/app.js (${(statSync(`${OUT}app.js`).size / 1024).toFixed(1)} KiB)`)
}
