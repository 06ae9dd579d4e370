// npm run seed: (re)writes the deterministic demo data set into the local store (.wrangler/state).
// Options: --if-needed (skip when already complete), --products N (default 1200).
import { ensureNode22, migrateLocal, seedLocal } from './lib/local.mjs'

await ensureNode22()
const args = process.argv.slice(2)
const at = args.indexOf('--products')
const products = at >= 0 ? Number(args[at + 1]) : undefined
if (products !== undefined && !(Number.isInteger(products) && products > 0)) {
  console.error('--products needs a positive integer')
  process.exit(2)
}
await migrateLocal()
await seedLocal({ ifNeeded: args.includes('--if-needed'), products })
