// Listener type is `any`-free: each event name maps to its own handler signature.
type Handler = (...args: never[]) => void

/** A small typed event emitter: `on('name', fn)` is checked against the event map. */
export class Emitter<Events extends { [K in keyof Events]: Handler }> {
  readonly #listeners = new Map<keyof Events, Set<Handler>>()
  /** Type-only (no runtime field): the event map, for helpers generic over emitters. */
  declare readonly eventTypes?: Events

  /** Subscribes `handler`; returns a function that unsubscribes it. */
  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(handler)
    return () => this.off(event, handler)
  }

  off<K extends keyof Events>(event: K, handler: Events[K]): void {
    this.#listeners.get(event)?.delete(handler)
  }

  /** True while anyone listens to `event`: lets work nobody would see be skipped. */
  protected listens(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const handler of [...(this.#listeners.get(event) ?? [])]) {
      // A throwing app handler must not break the SDK's own state machine.
      try {
        ;(handler as (...a: Parameters<Events[K]>) => void)(...args)
      } catch (error) {
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
}
