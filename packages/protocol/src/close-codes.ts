/**
 * WebSocket close codes a Peerlane server closes with: RFC 6455's where one fits, 4000–4999
 * for Peerlane's own.
 */
export const CLOSE_CODES = {
  /** The client left, or the server closed the socket cleanly. */
  normal: 1000,
  /** The server is shutting down. Reconnect later, or to another node. */
  goingAway: 1001,
  /** The client broke a policy persistently (flooding, not reading its messages). Do not retry unchanged. */
  policyViolation: 1008,
  /** A frame exceeded the server's maximum payload (64 KiB by default). Do not resend it. */
  messageTooBig: 1009,
  /** The server hit an unexpected condition. Retry with backoff. */
  internalError: 1011,
  /** The server is restarting or draining. Reconnect with backoff and resume the session. */
  serviceRestart: 1012,
  /** The server is overloaded (too many connections). Retry later with backoff. */
  tryAgainLater: 1013,
  /** The join token was rejected. Do not retry with the same token. */
  unauthorized: 4001,
  /** A newer session with the same identity replaced this one. Do not reconnect automatically. */
  replaced: 4002,
  /** The socket did not join a room within the server's timeout. Reconnect when ready to join. */
  joinTimeout: 4003,
  /** A host removed this session from its room; its resume token is revoked. Do not reconnect automatically. */
  removed: 4004,
} as const

export type CloseCodeName = keyof typeof CLOSE_CODES
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName]

/** What each close code means for a client, for docs and for SDK error messages. */
export const CLOSE_CODE_DESCRIPTIONS: Record<CloseCode, string> = {
  1000: 'Normal closure: the client left or the server closed the socket on purpose.',
  1001: 'Going away: the server is shutting down. Reconnect later or to another node.',
  1009: 'Message too big: a frame exceeded the server’s maximum payload. Do not resend it.',
  1008: 'Policy violation: the client kept flooding or stopped reading. Do not retry unchanged.',
  1011: 'Internal error: the server hit an unexpected condition. Retry with backoff.',
  1012: 'Service restart: the server is draining. Reconnect with backoff and resume the session.',
  1013: 'Try again later: the server is overloaded. Retry with backoff.',
  4001: 'Unauthorized: the join token was rejected. Get a new token; do not retry with this one.',
  4002: 'Replaced: a newer session with the same identity took over. Do not reconnect automatically.',
  4003: 'Join timeout: the socket sent no `join` (nor, for a tutorial client, a relayed message) in time. Reconnect when ready to join.',
  4004: 'Removed: a host removed you from the room and your resume token is revoked. Do not reconnect automatically.',
}
