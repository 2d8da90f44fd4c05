import { decode, normalizeName, protocolJsonSchema, validate, type ClientMessage, type DecodeResult } from '@peerlane/protocol'
import type { RawData } from 'ws'
import { compileCheck, type Check, type SchemaNode } from './compiled-check.js'
import { checkMessageLimits, type LimitViolation, type MessageLimits } from './limits.js'

// The steps a text frame passes before it is dispatched, each a small function of the frame:
// guard (rate limits, on arrival: FrameGuard in limits.ts) → decode → limits → dispatch (connection.ts).

/** Bytes of a frame as `ws` hands it over (one buffer, fragments, or an ArrayBuffer). */
export function frameBytes(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, chunk) => sum + chunk.length, 0) : data.byteLength
}

/** One contiguous buffer of the frame, without a copy when `ws` already gave one. */
export function frameBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  return data
}

// The protocol's schema of each client message (`client.<type>`), compiled once.
const CLIENT_CHECKS: ReadonlyMap<unknown, Check> = new Map(
  Object.entries(protocolJsonSchema().$defs as Record<string, SchemaNode>)
    .filter(([name]) => name.startsWith('client.'))
    .map(([name, schema]) => [name.slice('client.'.length), compileCheck(schema)]),
)

/**
 * Parses and validates a text frame against the protocol's schema for client messages: the same
 * result as the protocol's `decode(text, 'client')`, through the compiled check when the frame
 * is valid, and through `decode` itself (for its precise error) when it is not.
 */
export function decodeFrame(text: string): DecodeResult<ClientMessage> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return decode(text, 'client')
  }
  const check = typeof value === 'object' && value !== null ? CLIENT_CHECKS.get((value as { type?: unknown }).type) : undefined
  return check?.(value) ? { ok: true, message: value as ClientMessage } : validate(value, 'client')
}

/**
 * The operator's field limits. Every name is relayed and compared in NFC, so a join's name is
 * normalised first (in place: the message is this frame's alone) and the limit applies to that form.
 */
export function limitFrame(message: ClientMessage, limits: MessageLimits): LimitViolation | undefined {
  if (message.type === 'join' && message.name !== undefined) message.name = normalizeName(message.name)
  return checkMessageLimits(message, limits)
}
