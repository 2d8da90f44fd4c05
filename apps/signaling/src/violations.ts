import { CLOSE_CODES, type CloseCode, type ErrorCode } from '@peerlane/protocol'

/** Why the server cut a socket off, as counted by `peerlane_dropped_connections_total{reason}`. */
export type DropReason = 'slow-consumer' | 'heartbeat' | 'flood' | 'join-timeout' | 'replaced'

/** What the server does about one violation: the error frame, the close, and how it is counted travel together. */
export interface ViolationRule {
  /** The `error` frame sent to the client first, when the client is told why. */
  readonly error?: ErrorCode
  /** How the socket ends: a close handshake with code and reason, or `terminate` for a peer that cannot take one. */
  readonly close?: { readonly code: CloseCode; readonly reason: string } | 'terminate'
  /** Counted under `dropped{reason}` when the socket is cut off for it. */
  readonly dropped?: DropReason
}

const close = (code: CloseCode, reason: string) => ({ code, reason }) as const

/**
 * Every way a connection can misbehave or be refused, and what it costs the client. This is the
 * one place that decides which violation closes the socket and with which code.
 */
export const VIOLATIONS = {
  // Frame pipeline: the frame itself is wrong; the connection stays.
  'binary-frame': { error: 'binary-frame' },
  'bad-json': { error: 'bad-json' },
  'unknown-type': { error: 'unknown-type' },
  'invalid-message': { error: 'invalid-message' },
  'field-too-long': { error: 'invalid-message' },
  'rate-limited': { error: 'rate-limited' },
  // A client that keeps going after `rate-limited` is flooding, not bursting.
  flood: { close: close(CLOSE_CODES.policyViolation, 'rate limit exceeded repeatedly'), dropped: 'flood' },
  internal: { error: 'internal' },
  // Room state: the request is refused; the connection stays.
  'already-joined': { error: 'already-joined' },
  'not-in-room': { error: 'not-in-room' },
  draining: { error: 'draining' },
  'too-many-joins': { error: 'too-many-joins' },
  'server-full': { error: 'server-full' },
  'room-full': { error: 'room-full' },
  'identity-in-use': { error: 'identity-in-use' },
  'unknown-peer': { error: 'unknown-peer' },
  // Moderation: a host action from a non-host, media beyond the grant, a knock turned away.
  'not-permitted': { error: 'not-permitted' },
  denied: { error: 'denied' },
  'knock-timeout': { error: 'knock-timeout' },
  // Identity: the connection ends.
  unauthorized: { error: 'unauthorized', close: close(CLOSE_CODES.unauthorized, 'unauthorized') },
  'identity-replaced': { close: close(CLOSE_CODES.replaced, 'replaced by a newer session of the same identity'), dropped: 'replaced' },
  'resumed-elsewhere': { close: close(CLOSE_CODES.replaced, 'session resumed on another connection') },
  removed: { close: close(CLOSE_CODES.removed, 'removed by a host') },
  // Liveness: the socket holds a slot without using it, or cannot keep up.
  'join-timeout': { close: close(CLOSE_CODES.joinTimeout, 'no join in time'), dropped: 'join-timeout' },
  'slow-consumer': { close: 'terminate', dropped: 'slow-consumer' },
  heartbeat: { close: 'terminate', dropped: 'heartbeat' },
} as const satisfies Record<string, ViolationRule>

export type Violation = keyof typeof VIOLATIONS
