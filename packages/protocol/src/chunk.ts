import { PEER_LIMITS } from './limits.js'

// A file chunk is a binary frame on the file channel: the transfer id as a big-endian uint32,
// then the payload. Whole frames stay within PEER_LIMITS.chunkFrameBytes.

export interface FileChunk {
  readonly id: number
  readonly payload: Uint8Array
}

export function encodeChunk(id: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(PEER_LIMITS.chunkHeaderBytes + payload.length)
  new DataView(frame.buffer).setUint32(0, id)
  frame.set(payload, PEER_LIMITS.chunkHeaderBytes)
  return frame
}

/** The chunk in a binary frame, or undefined when the frame is shorter than its header or longer than a chunk may be. */
export function decodeChunk(frame: Uint8Array): FileChunk | undefined {
  if (frame.length < PEER_LIMITS.chunkHeaderBytes || frame.length > PEER_LIMITS.chunkFrameBytes) return undefined
  const id = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0)
  return { id, payload: frame.subarray(PEER_LIMITS.chunkHeaderBytes) }
}
