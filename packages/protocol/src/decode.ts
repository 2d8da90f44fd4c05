import schema from '../schema/protocol.v1.compact.json' with { type: 'json' }
import type { ClientMessage } from './client-messages.js'
import type { ErrorCode } from './error-codes.js'
import { PEER_LIMITS } from './limits.js'
import type { PeerMessage } from './peer-messages.js'
import { firstError, type JsonSchema } from './schema-check.js'
import type { ServerMessage } from './server-messages.js'

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

type MessageOf<S extends Sender> = S extends 'client' ? ClientMessage : S extends 'server' ? ServerMessage : PeerMessage

// Validation walks the committed compact JSON Schema (derived from the full one, which a test
// keeps identical to the TypeBox definitions), so this module carries no TypeBox runtime and no
// documentation into browsers and never compiles code.
const definitions = schema.$defs as unknown as Readonly<Record<string, JsonSchema>>

function schemaFor(sender: Sender, type: string): JsonSchema | undefined {
  const key = `${sender}.${type}`
  return Object.hasOwn(definitions, key) ? definitions[key] : undefined
}

/** Parses one frame's text and validates it as a message from `sender`; returns the message or the first precise error. */
export function decode<S extends Sender>(text: string, sender: S): DecodeResult<MessageOf<S>> {
  // A data channel has no frame limit of its own: a hostile peer's huge frame is refused unparsed.
  if (sender === 'peer' && text.length > PEER_LIMITS.textFrameLength) {
    return fail({ code: 'invalid-message', message: `Frame longer than ${PEER_LIMITS.textFrameLength} characters`, path: '' })
  }
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
  const messageSchema = schemaFor(sender, type)
  if (!messageSchema) {
    const shown = truncate(type)
    return fail({ code: 'unknown-type', message: `Unknown message type "${shown}"`, path: '/type', ref: shown })
  }
  const error = firstError(messageSchema, value)
  if (!error) return { ok: true, message: value as MessageOf<S> }
  return fail({ code: 'invalid-message', message: error.message, path: error.path, ref: type })
}

/** Serialises a message for the wire: one JSON text frame. */
export function encode(message: ClientMessage | ServerMessage | PeerMessage): string {
  return JSON.stringify(message)
}

function fail(error: DecodeError): { ok: false; error: DecodeError } {
  return { ok: false, error }
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text
}
