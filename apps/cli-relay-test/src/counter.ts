/** Counts occurrences by key, e.g. errors by code; serialises as a plain sorted object. */
export class Counter {
  readonly #counts = new Map<string, number>()

  add(key: string | number, by = 1): void {
    const name = String(key)
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + by)
  }

  get total(): number {
    let sum = 0
    for (const count of this.#counts.values()) sum += count
    return sum
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)))
  }
}
