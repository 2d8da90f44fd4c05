import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { JSON_SCHEMA_FILE } from '../src/json-schema.js'
import { validVectors } from '../src/vectors.js'
import { renderProtocolReference } from './render.js'

/** Where the generated protocol reference is committed. */
export const REFERENCE_FILE = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url))

/** The reference page as generated from the committed schema and vectors now. */
export function protocolReference(): string {
  const schema = JSON.parse(readFileSync(new URL(`../schema/${JSON_SCHEMA_FILE}`, import.meta.url), 'utf8')) as Record<string, unknown>
  return renderProtocolReference({ schema, vectors: validVectors() })
}
