// Run by `pnpm version-packages` after `changeset version`: the schemas being released become
// the baseline that the next changes are classified against.
import { copyFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url))
const baselineDir = fileURLToPath(new URL('./baseline/', import.meta.url))
for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.json'))) {
  copyFileSync(`${schemaDir}${file}`, `${baselineDir}${file}`)
  console.log(`baseline: ${file}`)
}
