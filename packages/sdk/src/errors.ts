import { PEER_PROTOCOL_VERSION, type DecodeError, type ErrorCode } from '@peerlane/protocol/codec'

/** Codes of errors raised by the SDK itself; server-sent `error` codes keep their protocol code. */
export const SDK_ERROR_CODES = {
  'connection-failed': 'The signaling WebSocket could not be opened.',
  'connection-lost': 'The signaling WebSocket closed while in a room.',
  'protocol-error': 'The server sent a frame that is not a valid protocol message; `cause` holds the decode error.',
  'negotiation-failed':
    'Creating or applying an offer, answer or candidate failed for one peer, or our answer/offer to it would exceed the server’s SDP or frame limit (it was rolled back, not sent).',
  'invalid-state': 'The call is not allowed in the client’s current state (e.g. join while joined).',
  'invalid-argument': 'An argument is out of range or names nothing (e.g. an unknown peer id, an empty or over-long chat message).',
  'channel-unavailable': 'The data channel to a peer is not open yet (or any more), so nothing could be sent to it.',
  'transfer-cancelled': 'A file transfer was cancelled by the sender or the receiver.',
  'transfer-failed': 'A file transfer stopped: the peer left, the channel closed or the file could not be read.',
  'transfer-corrupt': 'A received file’s size or SHA-256 does not match what the sender announced.',
  'transfer-declined': 'The receiver declined the file: its app said no, it was over their size limit, or they were receiving too many files at once.',
  'transfer-stalled': 'A file transfer made no progress for the stall timeout; it ends on both sides.',
  'peer-protocol-error':
    'A peer sent a data-channel frame the peer protocol refuses (not JSON, an unknown type, a field out of range, a frame on the wrong channel); it was dropped. `cause` holds the decode error.',
  'peer-incompatible':
    'A peer announced (in its `hello`) a peer protocol version other than ours: chat, media state or files may not reach it or may be refused by it. Suggest that one side update.',
  unsupported: 'This platform lacks the WebRTC API the call needs (e.g. `setCodecPreferences`, `replaceTrack`).',
} as const

export type SdkErrorCode = keyof typeof SDK_ERROR_CODES
export type PeerlaneErrorCode = SdkErrorCode | ErrorCode

export class PeerlaneError extends Error {
  override readonly name = 'PeerlaneError'

  constructor(
    readonly code: PeerlaneErrorCode,
    message: string,
    options?: { cause?: unknown; peerId?: string; closeCode?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.peerId = options?.peerId
    this.closeCode = options?.closeCode
  }

  /** The remote peer the error concerns, when it concerns one. */
  readonly peerId: string | undefined
  /** For `connection-lost`: the WebSocket close code (e.g. 4004 when a host removed you). */
  readonly closeCode: number | undefined

  static fromServer(code: ErrorCode, message: string): PeerlaneError {
    return new PeerlaneError(code, message)
  }

  static protocol(error: DecodeError): PeerlaneError {
    return new PeerlaneError('protocol-error', `Invalid frame from server: ${error.message}`, { cause: error })
  }

  static connectionFailed(url: string, cause?: unknown): PeerlaneError {
    return new PeerlaneError('connection-failed', `Could not connect to ${url}`, { cause })
  }

  static connectionLost(code: number, reason: string): PeerlaneError {
    return new PeerlaneError('connection-lost', `Signaling connection closed (${code}${reason ? ` ${reason}` : ''})`, { closeCode: code })
  }

  static negotiation(peerId: string, cause: unknown): PeerlaneError {
    const detail = cause instanceof Error ? cause.message : String(cause)
    return new PeerlaneError('negotiation-failed', `Negotiation with ${peerId} failed: ${detail}`, { cause, peerId })
  }

  static peerProtocol(peerId: string, error: DecodeError): PeerlaneError {
    return new PeerlaneError('peer-protocol-error', `Invalid frame from ${peerId}: ${error.message}`, { cause: error, peerId })
  }

  static peerIncompatible(peerId: string, version: number): PeerlaneError {
    return new PeerlaneError('peer-incompatible', `${peerId} speaks peer protocol ${version}; this SDK speaks ${PEER_PROTOCOL_VERSION}`, { peerId })
  }

  static invalidState(message: string): PeerlaneError {
    return new PeerlaneError('invalid-state', message)
  }

  static invalidArgument(message: string): PeerlaneError {
    return new PeerlaneError('invalid-argument', message)
  }

  static channelUnavailable(peerId: string): PeerlaneError {
    return new PeerlaneError('channel-unavailable', `No open data channel to ${peerId}`, { peerId })
  }

  static unsupported(what: string): PeerlaneError {
    return new PeerlaneError('unsupported', `${what} is not supported on this platform`)
  }
}
