import type { ClientMessage } from '@peerlane/protocol'
import { TokenBucket } from './rate-limiter.js'

export interface RateLimits {
  /** Sustained frames per second per connection; bursts of twice this pass. */
  readonly messagesPerSecond: number
  /** Sustained bytes per second per connection; bursts of twice this pass. */
  readonly bytesPerSecond: number
  /** Rate-limited frames within about ten seconds after which the connection is closed with 1008. */
  readonly disconnectAfter: number
}

/**
 * `limited`: drop the frame and answer `rate-limited`. `abusive`: the client keeps going after being
 * told, so it is not a burst but a flood, and the socket is closed.
 */
export type FrameVerdict = 'ok' | 'limited' | 'abusive'

/** Rate limits one connection's incoming frames. */
export function createFrameGuard(limits: RateLimits, now?: () => number): (bytes: number) => FrameVerdict {
  // Two seconds of burst: a call setup sends an offer and a burst of candidates at once.
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * 2, now)
  const bytes = new TokenBucket(limits.bytesPerSecond, limits.bytesPerSecond * 2, now)
  const strikes = new TokenBucket(limits.disconnectAfter / 10, limits.disconnectAfter, now)
  return (size) => {
    // A frame refused for its size still spends a message token: refused frames are traffic too.
    if (messages.take() && bytes.take(size)) return 'ok'
    return strikes.take() ? 'limited' : 'abusive'
  }
}

export interface MessageLimits {
  readonly maxSdpLength: number
  readonly maxCandidateLength: number
  readonly maxNameLength: number
}

export interface LimitViolation {
  readonly path: string
  readonly message: string
}

/**
 * Operator limits on field sizes, checked after the protocol's schema (which holds the absolute
 * caps, `WIRE_LIMITS`); a violation is answered like any invalid message.
 */
export function checkMessageLimits(message: ClientMessage, limits: MessageLimits): LimitViolation | undefined {
  switch (message.type) {
    case 'join':
      // The name arrives NFC-normalised (see connection.ts), which may lengthen it.
      return tooLong(message.name, limits.maxNameLength, '/name', ' once NFC-normalised')
    case 'offer':
    case 'answer':
      return typeof message.sdp === 'string'
        ? tooLong(message.sdp, limits.maxSdpLength, '/sdp')
        : tooLong(message.sdp.sdp, limits.maxSdpLength, '/sdp/sdp')
    case 'candidate':
      if (typeof message.candidate === 'string') return tooLong(message.candidate, limits.maxCandidateLength, '/candidate')
      return tooLong(message.candidate?.candidate, limits.maxCandidateLength, '/candidate/candidate')
    default:
      return undefined
  }
}

function tooLong(value: string | undefined, max: number, path: string, note = ''): LimitViolation | undefined {
  if (value === undefined || value.length <= max) return undefined
  return { path, message: `Longer than this server's limit of ${max} characters${note}` }
}
