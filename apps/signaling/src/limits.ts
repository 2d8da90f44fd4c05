import type { ClientMessage } from '@peerlane/protocol'

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

/**
 * Rate limits one connection's incoming frames: three token buckets (frames, bytes, and strikes
 * for frames refused) in one object with one clock reading, since every connection carries one
 * for its whole life. Two seconds of burst: a call setup sends an offer and a burst of candidates
 * at once. Refilling all three together is exact: capped refills compose.
 */
export class FrameGuard {
  readonly #limits: RateLimits
  readonly #now: () => number
  #messages: number
  #bytes: number
  #strikes: number
  #updatedAt: number

  constructor(limits: RateLimits, now: () => number = monotonicNow) {
    this.#limits = limits
    this.#now = now
    this.#messages = limits.messagesPerSecond * 2
    this.#bytes = limits.bytesPerSecond * 2
    this.#strikes = limits.disconnectAfter
    this.#updatedAt = now()
  }

  /** The verdict on a frame of `size` bytes. */
  admit(size: number): FrameVerdict {
    const { messagesPerSecond, bytesPerSecond, disconnectAfter } = this.#limits
    const now = this.#now()
    const seconds = (now - this.#updatedAt) / 1000
    this.#updatedAt = now
    this.#messages = Math.min(messagesPerSecond * 2, this.#messages + seconds * messagesPerSecond)
    this.#bytes = Math.min(bytesPerSecond * 2, this.#bytes + seconds * bytesPerSecond)
    this.#strikes = Math.min(disconnectAfter, this.#strikes + (seconds * disconnectAfter) / 10)
    // A frame refused for its size still spends a message token: refused frames are traffic too.
    if (this.#messages >= 1) {
      this.#messages -= 1
      if (this.#bytes >= size) {
        this.#bytes -= size
        return 'ok'
      }
    }
    if (this.#strikes < 1) return 'abusive'
    this.#strikes -= 1
    return 'limited'
  }
}

const monotonicNow = (): number => performance.now()

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
