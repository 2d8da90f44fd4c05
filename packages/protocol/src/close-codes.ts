/**
 * WebSocket close codes a Peerlane server closes with (RFC 6455 range; 4000–4999 are kept
 * for Peerlane's own codes as they are added).
 */
export const CLOSE_CODES = {
  /** The client left, or the server closed the socket cleanly. */
  normal: 1000,
  /** The server is shutting down. Reconnect later, or to another node. */
  goingAway: 1001,
  /** A frame exceeded the server's maximum payload (64 KiB by default). Do not resend it. */
  messageTooBig: 1009,
  /** The server hit an unexpected condition. Retry with backoff. */
  internalError: 1011,
} as const

export type CloseCodeName = keyof typeof CLOSE_CODES
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName]

/** What each close code means for a client, for docs and for SDK error messages. */
export const CLOSE_CODE_DESCRIPTIONS: Record<CloseCode, string> = {
  1000: 'Normal closure: the client left or the server closed the socket on purpose.',
  1001: 'Going away: the server is shutting down. Reconnect later or to another node.',
  1009: 'Message too big: a frame exceeded the server’s maximum payload. Do not resend it.',
  1011: 'Internal error: the server hit an unexpected condition. Retry with backoff.',
}
