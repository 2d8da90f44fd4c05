/** A refill rate and the most that may be spent at once. */
export interface BucketRate {
  readonly perSecond: number
  readonly burst: number
}

/**
 * Two token buckets spent together: one counts messages, one bytes. A message passes only when
 * both have room for it, so neither many small messages nor a few huge ones get through a flood.
 */
export class TokenBucket {
  #messages: number
  #bytes: number
  #last: number

  readonly #messageRate: BucketRate
  readonly #byteRate: BucketRate
  readonly #now: () => number
  constructor(
    messageRate: BucketRate,
    byteRate: BucketRate,
    now: () => number = Date.now,
  ) {
    this.#messageRate = messageRate
    this.#byteRate = byteRate
    this.#now = now
    this.#messages = messageRate.burst
    this.#bytes = byteRate.burst
    this.#last = now()
  }

  /** Spends one message of `size` bytes; false (nothing spent) when either bucket is short. */
  take(size: number): boolean {
    const now = this.#now()
    const seconds = Math.max(0, now - this.#last) / 1000
    this.#last = now
    this.#messages = Math.min(this.#messageRate.burst, this.#messages + seconds * this.#messageRate.perSecond)
    this.#bytes = Math.min(this.#byteRate.burst, this.#bytes + seconds * this.#byteRate.perSecond)
    if (this.#messages < 1 || this.#bytes < size) return false
    this.#messages -= 1
    this.#bytes -= size
    return true
  }
}
