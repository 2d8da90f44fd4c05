import { TokenBucket } from './rate-limiter.js'

/**
 * Per-client budget of joins that failed or named a room that did not exist yet: guessing room
 * names looks exactly like that, while a real user mostly joins rooms that exist. A client that
 * has used it up gets `too-many-joins` for every join until the budget refills (linearly, over a
 * minute).
 *
 * Memory is bounded: at most `maxClients` entries of one bounded-length key and one bucket each.
 * Full buckets (clients with nothing to remember) go first; past that the oldest entry is
 * forgotten, which only hands that client a fresh budget.
 */
export class JoinBudget {
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #perMinute: number
  readonly #maxClients: number
  readonly #now: (() => number) | undefined

  constructor(perMinute: number, maxClients: number, now?: () => number) {
    this.#perMinute = perMinute
    this.#maxClients = maxClients
    this.#now = now
  }

  /** True while `address` (a client's `limitKey`) may still try joins that fail or create rooms. */
  allows(address: string): boolean {
    return this.#buckets.get(address)?.has(1) ?? true
  }

  /** Counts one failed join, or one that created a room, against `address`. */
  charge(address: string): void {
    let bucket = this.#buckets.get(address)
    if (!bucket) {
      if (this.#buckets.size >= this.#maxClients) this.#evict()
      bucket = new TokenBucket(this.#perMinute / 60, this.#perMinute, this.#now)
      this.#buckets.set(address, bucket)
    }
    bucket.take()
  }

  get size(): number {
    return this.#buckets.size
  }

  #evict(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(key)
    if (this.#buckets.size < this.#maxClients) return
    const oldest = this.#buckets.keys().next().value
    if (oldest !== undefined) this.#buckets.delete(oldest)
  }
}
