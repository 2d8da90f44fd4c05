/**
 * Messages peers send each other over their data channels. They never touch the signaling
 * server, so they are not part of the server protocol; a peer may run any client, so every
 * frame is checked here before the SDK acts on it.
 */

/** Longest chat message, in UTF-16 code units; longer ones are refused at `sendMessage`. */
export const MAX_CHAT_LENGTH = 4000
/** …and in UTF-8 bytes (4000 code units never exceed 12,000 bytes; the bound is stated, not implied). */
export const MAX_CHAT_BYTES = 12_000
/** Longest file name carried in an offer, in UTF-16 code units and in UTF-8 bytes; the sender cuts longer names. */
export const MAX_FILE_NAME_LENGTH = 255
export const MAX_FILE_NAME_BYTES = 1020
/** Bounds of the other string fields (ids, MIME types, stream ids): ASCII in practice, so chars = bytes. */
const MAX_ID_BYTES = 64
const MAX_MIME_TYPE_BYTES = 255
const MAX_STREAM_ID_BYTES = 128
/** A text frame longer than this (UTF-16 code units, ≥ its bytes / 3) is dropped before it is parsed. */
export const MAX_TEXT_FRAME_LENGTH = 16 * 1024

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
  /** Set when the side gave up because the other went silent, rather than by choice. */
  readonly reason?: 'stalled'
}

export interface FileReceivedFrame {
  readonly type: 'file-received'
  readonly id: number
  /** False when the SHA-256 or the size did not match. */
  readonly ok: boolean
}

/** The receiver wants the file: the sender starts streaming only after this. */
export interface FileAcceptFrame {
  readonly type: 'file-accept'
  readonly id: number
}

/** Why a receiver turned an offer down: its app said no, or it was over the receiver's limits. */
export type FileDeclineReason = 'declined' | 'too-large' | 'too-many'

export interface FileDeclineFrame {
  readonly type: 'file-decline'
  readonly id: number
  readonly reason: FileDeclineReason
}

export type FileControlFrame = FileOfferFrame | FileAcceptFrame | FileDeclineFrame | FileEndFrame | FileCancelFrame | FileReceivedFrame

type Fields = Record<string, unknown>

const isUint32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff
const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const utf8 = new TextEncoder()

/** UTF-8 bytes of `text` (lone surrogates count as the 3 bytes of U+FFFD, as they are sent). */
export function utf8Length(text: string): number {
  return utf8.encode(text).length
}

/** `text` cut to at most `maxChars` code units and `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function truncateText(text: string, maxChars: number, maxBytes: number): string {
  let cut = text.slice(0, maxChars)
  while (utf8Length(cut) > maxBytes) cut = cut.slice(0, -1)
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}

// At most 3 UTF-8 bytes per code unit: short strings are decided without encoding them.
const isShortString = (value: unknown, maxChars: number, maxBytes = maxChars): value is string =>
  typeof value === 'string' && value.length <= maxChars && (value.length * 3 <= maxBytes || utf8Length(value) <= maxBytes)

const DECLINE_REASONS: ReadonlySet<unknown> = new Set<FileDeclineReason>(['declined', 'too-large', 'too-many'])

function parseObject(raw: string): Fields | undefined {
  if (raw.length > MAX_TEXT_FRAME_LENGTH) return undefined
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
      return isShortString(m.id, MAX_ID_BYTES) && isShortString(m.text, MAX_CHAT_LENGTH, MAX_CHAT_BYTES) && typeof m.sentAt === 'number' && Number.isFinite(m.sentAt)
        ? { type: 'chat', id: m.id, text: m.text, sentAt: m.sentAt }
        : undefined
    case 'media-state':
      return typeof m.audioMuted === 'boolean' &&
        typeof m.videoOff === 'boolean' &&
        (m.screenStreamId === null || isShortString(m.screenStreamId, MAX_STREAM_ID_BYTES))
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
      return isShortString(m.name, MAX_FILE_NAME_LENGTH, MAX_FILE_NAME_BYTES) && isSize(m.size) && isShortString(m.mimeType, MAX_MIME_TYPE_BYTES)
        ? { type: 'file-offer', id: m.id, name: m.name, size: m.size, mimeType: m.mimeType }
        : undefined
    case 'file-accept':
      return { type: 'file-accept', id: m.id }
    case 'file-decline':
      return DECLINE_REASONS.has(m.reason) ? { type: 'file-decline', id: m.id, reason: m.reason as FileDeclineReason } : undefined
    case 'file-end':
      return typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256)
        ? { type: 'file-end', id: m.id, sha256: m.sha256 }
        : undefined
    case 'file-cancel':
      if (m.side !== 'sender' && m.side !== 'receiver') return undefined
      if (m.reason === 'stalled') return { type: 'file-cancel', id: m.id, side: m.side, reason: 'stalled' }
      return m.reason === undefined ? { type: 'file-cancel', id: m.id, side: m.side } : undefined
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
