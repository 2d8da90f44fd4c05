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

  /** True while `address` may still try joins that fail or create rooms. */
  allows(address: string): boolean {
    return this.#buckets.get(budgetKey(address))?.has(1) ?? true
  }

  /** Counts one failed join, or one that created a room, against `address`. */
  charge(address: string): void {
    const key = budgetKey(address)
    let bucket = this.#buckets.get(key)
    if (!bucket) {
      if (this.#buckets.size >= this.#maxClients) this.#evict()
      bucket = new TokenBucket(this.#perMinute / 60, this.#perMinute, this.#now)
      this.#buckets.set(key, bucket)
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

/**
 * IPv6 clients are budgeted per /64: one subscriber usually holds a whole /64, so per-address
 * budgets would hand an attacker 2^64 of them. IPv4-mapped addresses count as their IPv4 address.
 */
export function budgetKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
