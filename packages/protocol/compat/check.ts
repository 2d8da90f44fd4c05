// `pnpm protocol:check`: the protocol compatibility gate (see compat/gate.ts). Prints every
// change since the last release with its kind and reason; exits 1 when the gate fails.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { JSON_SCHEMA_FILE, protocolJsonSchemaText } from '../src/json-schema.js'
import { pendingBump } from './changesets.js'
import { runGate, type SchemaVersions } from './gate.js'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const read = (path: string) => readFileSync(here(path), 'utf8')

// Every schema the package publishes, with the function that generates it.
const generators: Readonly<Record<string, () => string>> = { [JSON_SCHEMA_FILE]: protocolJsonSchemaText }

const schemas: SchemaVersions[] = Object.entries(generators).map(([file, generate]) => ({
  file,
  baseline: JSON.parse(read(`./baseline/${file}`)) as Record<string, unknown>,
  committed: read(`../schema/${file}`),
  generated: generate(),
}))
const bump = pendingBump(here('../../../.changeset'), '@peerlane/protocol')
const result = runGate(schemas, bump)

console.log(`protocol:check — changes since the last release: ${result.verdict}; pending @peerlane/protocol bump: ${bump ?? 'none'}`)
for (const change of result.changes) console.log(`  ${change.kind.padEnd(8)} ${change.path}: ${change.why}`)
for (const problem of result.problems) console.error(`✗ ${problem}`)
if (result.ok) console.log('✓ protocol compatibility gate passed')
process.exitCode = result.ok ? 0 : 1
