import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { CLIENT_MESSAGES, type ClientMessage } from './client-messages.js'
import type { ErrorCode } from './error-codes.js'
import { SERVER_MESSAGES, type ServerMessage } from './server-messages.js'

/** Who sent a frame: a client (decoded by the server) or the server (decoded by a client). */
export type Sender = 'client' | 'server'

export interface DecodeError {
  readonly code: Extract<ErrorCode, 'bad-json' | 'invalid-message' | 'unknown-type'>
  readonly message: string
  /** JSON Pointer to the first offending field (`''` is the whole message). */
  readonly path?: string
  /** The `type` of the rejected message, when it could be read. */
  readonly ref?: string
}

export type DecodeResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: DecodeError }

type MessageOf<S extends Sender> = S extends 'client' ? ClientMessage : ServerMessage

const SCHEMAS: Record<Sender, Readonly<Record<string, TSchema>>> = {
  client: CLIENT_MESSAGES,
  server: SERVER_MESSAGES,
}

// Validation is interpretive (`Value.Check`), never compiled with `new Function`, so the SDK
// runs on pages whose Content-Security-Policy forbids `unsafe-eval`.

/** Parses one frame's text and validates it as a message from `sender`; returns the message or the first precise error. */
export function decode<S extends Sender>(text: string, sender: S): DecodeResult<MessageOf<S>> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return fail({ code: 'bad-json', message: 'Frame is not valid JSON' })
  }
  return validate(value, sender)
}

/** Validates an already-parsed value as a message from `sender`. */
export function validate<S extends Sender>(value: unknown, sender: S): DecodeResult<MessageOf<S>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail({ code: 'invalid-message', message: 'Expected a JSON object', path: '' })
  }
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string') {
    return fail({ code: 'invalid-message', message: 'Expected a string `type` field', path: '/type' })
  }
  const schemas = SCHEMAS[sender]
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined
  if (!schema) {
    return fail({ code: 'unknown-type', message: `Unknown message type "${truncate(type)}"`, path: '/type', ref: truncate(type) })
  }
  if (Value.Check(schema, value)) return { ok: true, message: value as MessageOf<S> }
  const error = firstPreciseError(Value.Errors(schema, value).First())
  return fail({
    code: 'invalid-message',
    message: error ? describe(error) : 'Message does not match its schema',
    path: error?.path ?? '',
    ref: type,
  })
}

/** Serialises a message for the wire: one JSON text frame. */
export function encode(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message)
}

function fail(error: DecodeError): { ok: false; error: DecodeError } {
  return { ok: false, error }
}

// TypeBox reports a failed union as one coarse "Expected union value". Descend into the branch
// that got furthest (the deepest first error) so the client learns which field is wrong.
function firstPreciseError(error: ValueError | undefined): ValueError | undefined {
  if (!error || error.type !== ValueErrorType.Union) return error
  let best: ValueError | undefined
  for (const branch of error.errors) {
    const candidate = firstPreciseError(branch.First())
    if (candidate && candidate.path.length > (best?.path.length ?? error.path.length)) best = candidate
  }
  return best ?? error
}

function describe(error: ValueError): string {
  if (error.type === ValueErrorType.Union && error.schema.description) {
    return `Expected ${lowerFirst(error.schema.description)}`
  }
  return error.message
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text
}
