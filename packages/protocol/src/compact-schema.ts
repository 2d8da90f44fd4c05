// The schemas `decode` walks at runtime: the committed JSON Schema without what validation never
// reads (titles, examples, the code tables, the message unions — `decode` dispatches on `type`
// itself — every description but a union's, which words its error, and a `type` beside a
// `const`, which the const already decides), one file per sender, keyed by message type. A
// browser decodes only what the server and its peers send, so it bundles those two and never the
// client messages; the full, documented schema stays the drift-gated contract, and these are
// derived from it.
import type { Sender } from './decode-core.js'
import type { JsonSchema } from './schema-check.js'

const UNREAD = new Set(['description', 'title', 'examples', '$comment', '$schema', '$id'])

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  const isUnion = 'anyOf' in value || 'oneOf' in value
  const isConst = 'const' in value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => (!UNREAD.has(key) || (isUnion && key === 'description')) && !(isConst && key === 'type'))
      .map(([key, inner]) => [key, strip(inner)]),
  )
}

/** The definitions of `sender`'s messages in `schema`, keyed by message type, without annotations. */
export function compactSchema(schema: { readonly $defs: Record<string, unknown> }, sender: Sender): { $defs: Record<string, JsonSchema> } {
  const prefix = `${sender}.`
  const defs = Object.entries(schema.$defs).filter(([name]) => name.startsWith(prefix))
  return { $defs: Object.fromEntries(defs.map(([name, definition]) => [name.slice(prefix.length), strip(definition) as JsonSchema])) }
}
