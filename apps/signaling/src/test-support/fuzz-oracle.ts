// Test-only: what a frame deserves, decided without the protocol's decoder. Ajv checks each frame
// against the committed JSON Schema (`protocol.v1.json`), so a bug in `decode` — the code the
// server runs — shows up as a disagreement instead of being repeated by the test.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { WIRE_LIMITS } from '@peerlane/protocol'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js'

export interface OracleFrame {
  readonly data: Buffer
  readonly binary: boolean
}

/** The codes of errors the server answers a frame itself with (not room state, not limits it was told to lift). */
export const FRAME_ERROR_CODES: ReadonlySet<string> = new Set(['bad-json', 'invalid-message', 'unknown-type', 'binary-frame'])

interface Schema {
  readonly $id: string
  readonly $defs: Record<string, unknown>
}

const schemaPath = createRequire(import.meta.url).resolve('@peerlane/protocol/schema/protocol.v1.json')
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Schema
const ajv = new Ajv2020({ strict: false, allErrors: false })
ajv.addSchema(schema)

const validators = new Map<string, ValidateFunction>()
function validator(key: string): ValidateFunction | undefined {
  if (!Object.hasOwn(schema.$defs, key)) return undefined
  let validate = validators.get(key)
  if (!validate) {
    validate = ajv.getSchema(`${schema.$id}#/$defs/${key}`)
    if (!validate) throw new Error(`the schema has no ${key}`)
    validators.set(key, validate)
  }
  return validate
}

/** The error code the committed schema says a client frame deserves; undefined for a valid message. */
export function expectedClientError(frame: OracleFrame): string | undefined {
  if (frame.binary) return 'binary-frame'
  let value: unknown
  try {
    value = JSON.parse(frame.data.toString('utf8'))
  } catch {
    return 'bad-json'
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid-message'
  const { type, name } = value as { type?: unknown; name?: unknown }
  if (typeof type !== 'string') return 'invalid-message'
  const validate = validator(`client.${type}`)
  if (!validate) return 'unknown-type'
  if (!validate(value)) return 'invalid-message'
  // The server compares names in NFC and applies the name limit to that form (README: names).
  if (type === 'join' && typeof name === 'string' && name.normalize('NFC').length > WIRE_LIMITS.nameLength) return 'invalid-message'
  return undefined
}

/** True when `text` is a message the server may send, by the committed schema. */
export function isServerMessage(text: string): boolean {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return false
  }
  const type = (value as { type?: unknown } | null)?.type
  const validate = typeof type === 'string' ? validator(`server.${type}`) : undefined
  return validate !== undefined && validate(value) === true
}
