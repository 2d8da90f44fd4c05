// The schema the codec's decoder walks, for browsers: the committed JSON Schema without what
// validation never reads (descriptions, titles, examples, the code tables, the unions: `decode`
// dispatches on `sender.type` itself). About 2 KB less min+gz in every SDK bundle.
// Not wired yet: the lead decides whether `decode.ts` imports this file's output (written at
// build time, e.g. `node scripts/compact-schema.mjs dist/protocol.v1.compact.json`) instead of
// `schema/protocol.v1.json`. The committed, documented schema stays the drift-gated contract.
import { readFileSync, writeFileSync } from 'node:fs'

const UNREAD = new Set(['description', 'title', 'examples', '$comment', '$schema', '$id'])
const UNIONS = new Set(['ClientMessage', 'ServerMessage', 'PeerMessage'])

export function compactSchema(schema) {
  const strip = (value) =>
    Array.isArray(value)
      ? value.map(strip)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([key]) => !UNREAD.has(key)).map(([key, inner]) => [key, strip(inner)]))
        : value
  // Only the per-message definitions: `decode` reads `$defs` and nothing else.
  return { $defs: Object.fromEntries(Object.entries(strip(schema.$defs)).filter(([name]) => !UNIONS.has(name))) }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [target = 'dist/protocol.v1.compact.json'] = process.argv.slice(2)
  const schema = JSON.parse(readFileSync(new URL('../schema/protocol.v1.json', import.meta.url), 'utf8'))
  writeFileSync(target, JSON.stringify(compactSchema(schema)))
  console.log(`wrote ${target}`)
}
