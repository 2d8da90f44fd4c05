/**
 * Resume tokens revoked before their expiry (by `leave`), keyed by peer id: a session's peer id
 * is random and new on every fresh join, so it names every token issued for that session.
 *
 * Bounded: an entry is kept only until the last token it covers has expired, and at most
 * `maxEntries` are kept (each is a 12-character peer id and a number, so the count bounds the
 * bytes too); past that the oldest revocation is forgotten and falls back to its token's expiry.
 */
export class RevocationList {
  // Insertion order is expiry order (every entry lives for the same TTL), so expired and
  // surplus entries are always at the front.
  readonly #expiresAt = new Map<string, number>()
  readonly #maxEntries: number
  readonly #now: () => number

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.#maxEntries = maxEntries
    this.#now = now
  }

  /** Revokes every token of `peerId` that expires by `expiresAt`. */
  revoke(peerId: string, expiresAt: number): void {
    this.#prune()
    this.#expiresAt.delete(peerId)
    this.#expiresAt.set(peerId, expiresAt)
    for (const oldest of this.#expiresAt.keys()) {
      if (this.#expiresAt.size <= this.#maxEntries) break
      this.#expiresAt.delete(oldest)
    }
  }

  has(peerId: string): boolean {
    const expiresAt = this.#expiresAt.get(peerId)
    return expiresAt !== undefined && expiresAt > this.#now()
  }

  get size(): number {
    return this.#expiresAt.size
  }

  #prune(): void {
    const now = this.#now()
    for (const [peerId, expiresAt] of this.#expiresAt) {
      if (expiresAt > now) return
      this.#expiresAt.delete(peerId)
    }
  }
}
