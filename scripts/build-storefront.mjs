// Builds the storefront's static files into public/shop/ (served by the [assets] binding):
// the islands (src/modules/storefront/islands/*.ts → minified ES modules) and styles.css.
// Also copies the pinned Scalar API reference bundle (npm @scalar/api-reference) to public/docs/scalar/
// so /docs works offline. Prints each island's gzipped size: a product page must ship at most 30 KB of JS.
// Run by `npm run storefront:build`, wrangler's [build] command, `npm test` and the browser tests.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const SRC = here('../src/modules/storefront/')
const OUT = here('../public/shop/')
const BUDGET = 30 * 1024

mkdirSync(OUT, { recursive: true })
copyFileSync(`${SRC}styles.css`, `${OUT}styles.css`)
const scalar = here('../node_modules/@scalar/api-reference/dist/browser/standalone.js')
if (existsSync(scalar)) {
  mkdirSync(here('../public/docs/scalar/'), { recursive: true })
  copyFileSync(scalar, here('../public/docs/scalar/standalone.js'))
} else {
  console.warn('storefront: @scalar/api-reference is not installed; /docs will have no script (run npm install)')
}
const islands = readdirSync(`${SRC}islands`).filter((f) => f.endsWith('.ts'))
await esbuild.build({
  entryPoints: islands.map((f) => `${SRC}islands/${f}`),
  outdir: OUT,
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
  legalComments: 'none',
})
const sizes = islands.map((f) => {
  const name = f.replace(/\.ts$/, '.js')
  return [name, gzipSync(readFileSync(`${OUT}${name}`)).length]
})
console.log(`storefront: built public/shop/ (${sizes.map(([n, s]) => `${n} ${(s / 1024).toFixed(1)} KiB gz`).join(', ')})`)
const product = sizes.find(([n]) => n === 'product.js')
if (product && product[1] > BUDGET) {
  console.error(`storefront: product page JS is ${product[1]} bytes gzipped, over the ${BUDGET}-byte budget`)
  process.exit(1)
}
