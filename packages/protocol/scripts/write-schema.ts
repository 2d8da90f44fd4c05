// Regenerates schema/protocol.v<N>.json, and the compact per-sender schemas `decode` walks, from the
// TypeBox schemas. Run after a wire change (`pnpm --filter @peerlane/protocol schema:write`) and
// commit the diff with a changeset.
import { writeFileSync } from 'node:fs'
import { COMPACT_SCHEMA_FILES, JSON_SCHEMA_FILE, compactJsonSchemaText, protocolJsonSchemaText } from '../src/json-schema.js'

for (const [file, text] of [
  [JSON_SCHEMA_FILE, protocolJsonSchemaText()],
  ...(['client', 'server', 'peer'] as const).map((sender) => [COMPACT_SCHEMA_FILES[sender], compactJsonSchemaText(sender)] as const),
] as const) {
  const target = new URL(`../schema/${file}`, import.meta.url)
  writeFileSync(target, text)
  console.log(`wrote ${target.pathname}`)
}
