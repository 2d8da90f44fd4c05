import type { ErrorCode } from './error-codes.js'
import { firstError, type JsonSchema } from './schema-check.js'

/**
 * Who sent a frame: a client (decoded by the server), the server (decoded by a client), or
 * another peer over a data channel (decoded by an SDK).
 */
export type Sender = 'client' | 'server' | 'peer'

export interface DecodeError {
  readonly code: Extract<ErrorCode, 'bad-json' | 'invalid-message' | 'unknown-type'>
  readonly message: string
  /** JSON Pointer to the first offending field (`''` is the whole message). */
  readonly path?: string
  /** The `type` of the rejected message, when it could be read. */
  readonly ref?: string
}

export type DecodeResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: DecodeError }

/** One sender's message schemas (a compact schema's `$defs`), keyed by message type. */
export type MessageSchemas = Readonly<Record<string, JsonSchema>>

/**
 * Parses one frame's text and validates it against `schemas`; returns the message or the first
 * precise error. A frame longer than `maxLength` characters is refused unparsed.
 */
export function decodeWith<T>(schemas: MessageSchemas, text: string, maxLength = Infinity): DecodeResult<T> {
  if (text.length > maxLength) return fail({ code: 'invalid-message', message: `Frame longer than ${maxLength} characters`, path: '' })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return fail({ code: 'bad-json', message: 'Frame is not valid JSON' })
  }
  return validateWith(schemas, value)
}

/** Validates an already-parsed value against `schemas`, dispatching on its `type`. */
export function validateWith<T>(schemas: MessageSchemas, value: unknown): DecodeResult<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail({ code: 'invalid-message', message: 'Expected a JSON object', path: '' })
  }
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string') {
    return fail({ code: 'invalid-message', message: 'Expected a string `type` field', path: '/type' })
  }
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined
  if (!schema) {
    const shown = type.length > 64 ? `${type.slice(0, 64)}…` : type
    return fail({ code: 'unknown-type', message: `Unknown message type "${shown}"`, path: '/type', ref: shown })
  }
  const error = firstError(schema, value)
  if (!error) return { ok: true, message: value as T }
  return fail({ code: 'invalid-message', message: error.message, path: error.path, ref: type })
}

function fail(error: DecodeError): { ok: false; error: DecodeError } {
  return { ok: false, error }
}
