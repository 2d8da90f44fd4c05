/**
 * Counts open connections per key (a client address) against a cap per key and an overall cap.
 * Keys at zero are deleted, so the map never holds more entries than there are open connections.
 */
export class ConnectionBudget {
  private readonly counts = new Map<string, number>()
  private open = 0

  constructor(
    private readonly perKey: number,
    private readonly total = Number.POSITIVE_INFINITY,
  ) {}

  /** Takes a slot; false (and nothing taken) when `key` or the total is at its cap. An undefined key counts only against the total. */
  take(key: string | undefined): boolean {
    if (this.open >= this.total) return false
    if (key !== undefined) {
      const count = this.counts.get(key) ?? 0
      if (count >= this.perKey) return false
      this.counts.set(key, count + 1)
    }
    this.open += 1
    return true
  }

  /** Gives back a slot taken with the same key. */
  release(key: string | undefined): void {
    this.open -= 1
    if (key === undefined) return
    const count = this.counts.get(key) ?? 0
    if (count <= 1) this.counts.delete(key)
    else this.counts.set(key, count - 1)
  }
}
