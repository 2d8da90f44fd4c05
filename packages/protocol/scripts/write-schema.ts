// Regenerates schema/protocol.v<N>.json from the TypeBox schemas. Run after a wire change
// (`pnpm --filter @peerlane/protocol schema:write`) and commit the diff with a changeset.
import { writeFileSync } from 'node:fs'
import { JSON_SCHEMA_FILE, protocolJsonSchemaText } from '../src/json-schema.js'

const target = new URL(`../schema/${JSON_SCHEMA_FILE}`, import.meta.url)
writeFileSync(target, protocolJsonSchemaText())
console.log(`wrote ${target.pathname}`)
