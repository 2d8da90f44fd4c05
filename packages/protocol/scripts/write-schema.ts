// Regenerates schema/protocol.v<N>.json, and its compact twin that `decode` walks, from the
// TypeBox schemas. Run after a wire change (`pnpm --filter @peerlane/protocol schema:write`) and
// commit the diff with a changeset.
import { writeFileSync } from 'node:fs'
import { COMPACT_SCHEMA_FILE, JSON_SCHEMA_FILE, compactJsonSchemaText, protocolJsonSchemaText } from '../src/json-schema.js'

for (const [file, text] of [
  [JSON_SCHEMA_FILE, protocolJsonSchemaText()],
  [COMPACT_SCHEMA_FILE, compactJsonSchemaText()],
] as const) {
  const target = new URL(`../schema/${file}`, import.meta.url)
  writeFileSync(target, text)
  console.log(`wrote ${target.pathname}`)
}
