// The schema `decode` walks at runtime: the committed JSON Schema without what validation never
// reads (titles, examples, the code tables, the message unions — `decode` dispatches on
// `sender.type` itself — and every description but a union's, which words its error). It is what keeps the codec small in every browser bundle; the full,
// documented schema stays the drift-gated contract, and this one is derived from it.
import type { JsonSchema } from './schema-check.js'

const UNREAD = new Set(['description', 'title', 'examples', '$comment', '$schema', '$id'])
const UNIONS = new Set(['ClientMessage', 'ServerMessage', 'PeerMessage'])

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  const isUnion = 'anyOf' in value || 'oneOf' in value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !UNREAD.has(key) || (isUnion && key === 'description'))
      .map(([key, inner]) => [key, strip(inner)]),
  )
}

/** The per-message definitions of `schema`, without annotations. */
export function compactSchema(schema: { readonly $defs: Record<string, unknown> }): { $defs: Record<string, JsonSchema> } {
  const defs = Object.entries(schema.$defs).filter(([name]) => !UNIONS.has(name))
  return { $defs: Object.fromEntries(defs.map(([name, definition]) => [name, strip(definition) as JsonSchema])) }
}
