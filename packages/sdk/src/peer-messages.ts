/**
 * Messages peers send each other over their data channels. They never touch the signaling
 * server, so they are not part of the server protocol; a peer may run any client, so every
 * frame is checked here before the SDK acts on it.
 */

/** Longest chat message, in UTF-16 code units; longer ones are refused at `sendMessage`. */
export const MAX_CHAT_LENGTH = 4000
/** Longest file name carried in an offer; longer names are cut by the sender. */
export const MAX_FILE_NAME_LENGTH = 255

export interface ChatFrame {
  readonly type: 'chat'
  readonly id: string
  readonly text: string
  /** The sender's clock, ms since the epoch. */
  readonly sentAt: number
}

export interface MediaStateFrame {
  readonly type: 'media-state'
  readonly audioMuted: boolean
  readonly videoOff: boolean
  /** The id of the stream carrying the sender's screen share, or null when not sharing. */
  readonly screenStreamId: string | null
}

export type ControlFrame = ChatFrame | MediaStateFrame

export interface FileOfferFrame {
  readonly type: 'file-offer'
  readonly id: number
  readonly name: string
  readonly size: number
  readonly mimeType: string
}

export interface FileEndFrame {
  readonly type: 'file-end'
  readonly id: number
  readonly sha256: string
}

export interface FileCancelFrame {
  readonly type: 'file-cancel'
  readonly id: number
  /** Who cancelled: ids are the sender's, so this says which side's table `id` belongs to. */
  readonly side: 'sender' | 'receiver'
}

export interface FileReceivedFrame {
  readonly type: 'file-received'
  readonly id: number
  /** False when the SHA-256 or the size did not match. */
  readonly ok: boolean
}

export type FileControlFrame = FileOfferFrame | FileEndFrame | FileCancelFrame | FileReceivedFrame

type Fields = Record<string, unknown>

const isUint32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff
const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isShortString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max

function parseObject(raw: string): Fields | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined
  } catch {
    return undefined
  }
}

/** The control-channel frame in `raw`, or undefined when it is not one. */
export function decodeControlFrame(raw: string): ControlFrame | undefined {
  const m = parseObject(raw)
  if (!m) return undefined
  switch (m.type) {
    case 'chat':
      return isShortString(m.id, 64) && isShortString(m.text, MAX_CHAT_LENGTH) && typeof m.sentAt === 'number' && Number.isFinite(m.sentAt)
        ? { type: 'chat', id: m.id, text: m.text, sentAt: m.sentAt }
        : undefined
    case 'media-state':
      return typeof m.audioMuted === 'boolean' &&
        typeof m.videoOff === 'boolean' &&
        (m.screenStreamId === null || isShortString(m.screenStreamId, 128))
        ? { type: 'media-state', audioMuted: m.audioMuted, videoOff: m.videoOff, screenStreamId: m.screenStreamId }
        : undefined
    default:
      return undefined
  }
}

/** The file-channel text frame in `raw`, or undefined when it is not one. */
export function decodeFileControlFrame(raw: string): FileControlFrame | undefined {
  const m = parseObject(raw)
  if (!m || !isUint32(m.id)) return undefined
  switch (m.type) {
    case 'file-offer':
      return isShortString(m.name, MAX_FILE_NAME_LENGTH) && isSize(m.size) && isShortString(m.mimeType, 255)
        ? { type: 'file-offer', id: m.id, name: m.name, size: m.size, mimeType: m.mimeType }
        : undefined
    case 'file-end':
      return typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256)
        ? { type: 'file-end', id: m.id, sha256: m.sha256 }
        : undefined
    case 'file-cancel':
      return m.side === 'sender' || m.side === 'receiver' ? { type: 'file-cancel', id: m.id, side: m.side } : undefined
    case 'file-received':
      return typeof m.ok === 'boolean' ? { type: 'file-received', id: m.id, ok: m.ok } : undefined
    default:
      return undefined
  }
}

/** Bytes before the payload of a binary file chunk: the transfer id, big-endian. */
export const CHUNK_HEADER_BYTES = 4
/** Whole chunk frames stay within 16 KiB, the size every WebRTC stack sends without fragmenting trouble. */
export const CHUNK_FRAME_BYTES = 16 * 1024

export function encodeChunk(id: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(CHUNK_HEADER_BYTES + payload.length)
  new DataView(frame.buffer).setUint32(0, id)
  frame.set(payload, CHUNK_HEADER_BYTES)
  return frame
}

export function decodeChunk(frame: Uint8Array): { id: number; payload: Uint8Array } | undefined {
  if (frame.length < CHUNK_HEADER_BYTES) return undefined
  const id = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0)
  return { id, payload: frame.subarray(CHUNK_HEADER_BYTES) }
}
