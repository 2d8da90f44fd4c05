export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly initialDelayMs: number
  /** Ceiling of the exponential growth. */
  readonly maxDelayMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000 }

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with "full jitter" so a
 * room of clients cut off by the same server restart does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
