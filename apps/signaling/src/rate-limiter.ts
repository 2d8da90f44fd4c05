// One clock for every bucket: binding performance.now per bucket cost a function per bucket,
// three per connection.
const monotonicNow = (): number => performance.now()

/**
 * A token bucket: holds up to `capacity` tokens and regains `ratePerSecond` of them each second.
 * Spending is refused, not queued, so a flood costs the server no memory.
 */
export class TokenBucket {
  #tokens: number
  #updatedAt: number
  readonly #capacity: number
  readonly #ratePerSecond: number
  readonly #now: () => number

  constructor(ratePerSecond: number, capacity: number, now: () => number = monotonicNow) {
    this.#ratePerSecond = ratePerSecond
    this.#capacity = capacity
    this.#tokens = capacity
    this.#now = now
    this.#updatedAt = now()
  }

  /** Spends `amount` tokens if the bucket holds them; false (and nothing spent) otherwise. */
  take(amount = 1): boolean {
    this.#refill()
    if (this.#tokens < amount) return false
    this.#tokens -= amount
    return true
  }

  /** Whether `take(amount)` would succeed now, spending nothing. */
  has(amount = 1): boolean {
    this.#refill()
    return this.#tokens >= amount
  }

  /** True once the bucket has refilled completely, i.e. it remembers nothing of its past use. */
  isFull(): boolean {
    this.#refill()
    return this.#tokens >= this.#capacity
  }

  #refill(): void {
    const now = this.#now()
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#ratePerSecond)
    this.#updatedAt = now
  }
}

/** One bucket per key (e.g. per remote IP); full buckets are forgotten so idle keys cost nothing. */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #ratePerSecond: number
  readonly #capacity: number
  readonly #now: (() => number) | undefined

  constructor(ratePerSecond: number, capacity: number, now?: () => number) {
    this.#ratePerSecond = ratePerSecond
    this.#capacity = capacity
    this.#now = now
  }

  take(key: string): boolean {
    let bucket = this.#buckets.get(key)
    if (!bucket) {
      // Pruning on insert keeps the map bounded by the keys seen within about one refill period.
      if (this.#buckets.size >= 1024) this.prune()
      bucket = new TokenBucket(this.#ratePerSecond, this.#capacity, this.#now)
      this.#buckets.set(key, bucket)
    }
    return bucket.take()
  }

  prune(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(key)
  }

  get size(): number {
    return this.#buckets.size
  }
}
