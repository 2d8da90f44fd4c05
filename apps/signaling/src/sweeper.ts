/** What the sweep needs of a connection. */
export interface Swept {
  /** Set by the connection when a pong arrives; cleared by each heartbeat round. */
  alive: boolean
  /** When the connection last entered the lobby (no room), by `performance.now()`. */
  readonly lobbySince: number
  ping(): void
  /** Missed the previous round's ping: the peer's network is gone. */
  missedHeartbeat(): void
  /** Stayed outside any room for the join timeout. */
  joinTimedOut(): void
}

export interface SweepOptions {
  /** Each round pings every connection and cuts the ones that did not answer the previous round. */
  readonly heartbeatIntervalMs: number
  /** How long a connection may stay in the lobby; it is told within a quarter of this after. */
  readonly joinTimeoutMs: number
}

// Below this a timer would cost more than the precision is worth.
const MIN_TICK_MS = 10

/**
 * One timer for every connection's heartbeat and join deadline, instead of a timer (and its
 * closures) per socket: at 10,000 idle peers those were a measurable share of the memory.
 *
 * Heartbeat: a peer whose network vanished never sends a close frame; without the ping round its
 * room would keep a ghost member until TCP gives up (minutes to hours). Join deadline: an idle,
 * never-joining socket would hold a connection slot for as long as it answers pings. Lobby
 * connections are kept in the order they entered, so a tick looks only at the expired ones.
 */
export class Sweeper<T extends Swept> {
  readonly #all = new Set<T>()
  readonly #lobby = new Set<T>()
  readonly #options: SweepOptions
  readonly #timer: NodeJS.Timeout
  // Ticks per heartbeat round, and ticks since the last round: counted, not timed, so a timer
  // firing a little early never skips a round.
  readonly #ticksPerRound: number
  #ticks = 0

  constructor(options: SweepOptions) {
    this.#options = options
    const tick = Math.max(MIN_TICK_MS, Math.min(options.heartbeatIntervalMs, options.joinTimeoutMs / 4))
    this.#ticksPerRound = Math.max(1, Math.round(options.heartbeatIntervalMs / tick))
    this.#timer = setInterval(() => this.#sweep(), tick)
    // The sweep alone should never keep a process alive.
    this.#timer.unref()
  }

  /** Starts watching a new connection, which begins in the lobby. */
  track(connection: T): void {
    this.#all.add(connection)
    this.#lobby.add(connection)
  }

  untrack(connection: T): void {
    this.#all.delete(connection)
    this.#lobby.delete(connection)
  }

  /** The connection is in no room again (it left): its join deadline runs from `lobbySince`. */
  enteredLobby(connection: T): void {
    this.#lobby.delete(connection)
    this.#lobby.add(connection)
  }

  joinedRoom(connection: T): void {
    this.#lobby.delete(connection)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#all.clear()
    this.#lobby.clear()
  }

  #sweep(): void {
    const now = performance.now()
    for (const connection of this.#lobby) {
      if (now - connection.lobbySince < this.#options.joinTimeoutMs) break
      this.#lobby.delete(connection)
      connection.joinTimedOut()
    }
    if (++this.#ticks < this.#ticksPerRound) return
    this.#ticks = 0
    for (const connection of this.#all) {
      if (connection.alive) {
        connection.alive = false
        connection.ping()
        continue
      }
      this.untrack(connection)
      connection.missedHeartbeat()
    }
  }
}
