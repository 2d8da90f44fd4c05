import type { Frame } from './rooms.js'

/** What one detached session may hold; past either bound its oldest frames are dropped. */
export interface QueueLimits {
  readonly maxFrames: number
  /** UTF-8 bytes of the queued frames. */
  readonly maxBytes: number
}

interface Queued {
  readonly frame: Frame
  readonly bytes: number
}

/**
 * The bytes queued over every detached session of the server, with a cap. Past the cap the
 * session that has been queueing longest gives up its oldest frames first: it is the likeliest
 * never to come back, and its oldest frames are the stalest. Finding it costs O(1) (a Set keeps
 * insertion order), so enforcing the cap under a flood costs no scan over sessions.
 */
export class QueueBudget {
  readonly maxBytes: number
  #bytes = 0
  readonly #queues = new Set<FrameQueue>()

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  /** Bytes queued right now over all sessions. */
  get bytes(): number {
    return this.#bytes
  }

  charge(queue: FrameQueue, bytes: number): void {
    this.#bytes += bytes
    this.#queues.add(queue)
  }

  release(queue: FrameQueue, bytes: number, empty: boolean): void {
    this.#bytes -= bytes
    if (empty) this.#queues.delete(queue)
  }

  enforce(): void {
    while (this.#bytes > this.maxBytes) {
      const longest = this.#queues.values().next().value
      if (!longest) return
      longest.dropOldest()
    }
  }
}

/** Frames waiting for a detached session, bounded by its own limits and the server-wide budget. */
export class FrameQueue {
  #frames: Queued[] = []
  #bytes = 0
  #overflowed = false
  readonly #limits: QueueLimits
  readonly #budget: QueueBudget

  constructor(limits: QueueLimits, budget: QueueBudget) {
    this.#limits = limits
    this.#budget = budget
  }

  /** True once a frame was dropped since the last `take`: the client must renegotiate. */
  get overflowed(): boolean {
    return this.#overflowed
  }

  push(frame: Frame): void {
    const bytes = Buffer.byteLength(frame)
    if (bytes > this.#limits.maxBytes || bytes > this.#budget.maxBytes) {
      this.#overflowed = true
      return
    }
    this.#frames.push({ frame, bytes })
    this.#bytes += bytes
    this.#budget.charge(this, bytes)
    // Oldest first: a resuming client needs the latest offer/answer more than stale candidates.
    while (this.#frames.length > this.#limits.maxFrames || this.#bytes > this.#limits.maxBytes) this.dropOldest()
    this.#budget.enforce()
  }

  dropOldest(): void {
    const oldest = this.#frames.shift()
    if (!oldest) return
    this.#bytes -= oldest.bytes
    this.#overflowed = true
    this.#budget.release(this, oldest.bytes, this.#frames.length === 0)
  }

  /** Empties the queue and returns what it held, oldest first. */
  take(): Frame[] {
    const frames = this.#frames.map((queued) => queued.frame)
    this.clear()
    return frames
  }

  clear(): void {
    if (this.#frames.length > 0) this.#budget.release(this, this.#bytes, true)
    this.#frames = []
    this.#bytes = 0
    this.#overflowed = false
  }
}
