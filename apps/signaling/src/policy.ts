import type { Authenticator } from './auth.js'
import type { DuplicateIdentityPolicy } from './config.js'
import type { IdentityRegistry } from './identities.js'
import type { MessageLimits, RateLimits } from './limits.js'
import type { Metrics } from './metrics.js'
import type { KeyedRateLimiter } from './rate-limiter.js'

/** What a connection needs to enforce auth, limits and drain, and to count what it does. */
export interface ConnectionPolicy {
  /** Undefined when no key is configured: the server is open and `join` needs no token. */
  readonly auth: Authenticator | undefined
  readonly duplicateIdentity: DuplicateIdentityPolicy
  readonly identities: IdentityRegistry
  readonly rateLimits: RateLimits
  readonly messageLimits: MessageLimits
  readonly maxRooms: number
  readonly metrics: Metrics
  /** True once the server drains: joins are refused with `draining`. */
  readonly draining: () => boolean
  /** Per-client budget of joins that fail or create a room (see `joinFailuresPerIpPerMinute`). */
  readonly joinBudget: KeyedRateLimiter
}
