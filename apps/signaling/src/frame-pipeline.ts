import { decode, normalizeName, type ClientMessage, type DecodeResult } from '@peerlane/protocol'
import type { RawData } from 'ws'
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

/** Parses and validates a text frame against the protocol's schema for client messages. */
export function decodeFrame(text: string): DecodeResult<ClientMessage> {
  return decode(text, 'client')
}

/**
 * The operator's field limits. Every name is relayed and compared in NFC, so a join's name is
 * normalised first (in place: the message is this frame's alone) and the limit applies to that form.
 */
export function limitFrame(message: ClientMessage, limits: MessageLimits): LimitViolation | undefined {
  if (message.type === 'join' && message.name !== undefined) message.name = normalizeName(message.name)
  return checkMessageLimits(message, limits)
}
