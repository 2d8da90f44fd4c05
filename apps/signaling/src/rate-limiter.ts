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

/**
 * One bucket per key (e.g. per remote IP). Memory is bounded: full buckets (keys with nothing to
 * remember) are forgotten first, and past `maxKeys` the oldest key is, which only hands it a fresh
 * bucket.
 */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #ratePerSecond: number
  readonly #capacity: number
  readonly #now: (() => number) | undefined
  readonly #maxKeys: number

  constructor(ratePerSecond: number, capacity: number, now?: () => number, maxKeys = 10_000) {
    this.#ratePerSecond = ratePerSecond
    this.#capacity = capacity
    this.#now = now
    this.#maxKeys = maxKeys
  }

  take(key: string): boolean {
    return this.#bucket(key).take()
  }

  /** True while `key` has `tokens` left, without taking any. */
  has(key: string, tokens = 1): boolean {
    return this.#buckets.get(key)?.has(tokens) ?? true
  }

  prune(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(key)
  }

  get size(): number {
    return this.#buckets.size
  }

  #bucket(key: string): TokenBucket {
    let bucket = this.#buckets.get(key)
    if (bucket) return bucket
    // Pruning on insert keeps the map bounded by the keys seen within about one refill period.
    if (this.#buckets.size >= 1024) this.prune()
    if (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next().value
      if (oldest !== undefined) this.#buckets.delete(oldest)
    }
    bucket = new TokenBucket(this.#ratePerSecond, this.#capacity, this.#now)
    this.#buckets.set(key, bucket)
    return bucket
  }
}
