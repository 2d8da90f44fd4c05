import { FrameQueue, type QueueBudget, type QueueLimits } from './frame-queue.js'
import type { Frame, Member } from './rooms.js'

/** The connection a session is bound to while its socket is open. */
export interface SessionSocket {
  /** Delivers one frame; false when the socket can no longer take it. */
  deliver(frame: Frame): boolean
  /** Another connection resumed the session while this socket still looked open. */
  replaced(): void
}

export interface SessionOptions {
  readonly peerId: string
  readonly name?: string | undefined
  readonly room: string
  /** The room token's identity (`sub`), when the server checks room tokens; resume tokens carry it. */
  readonly identity?: string | undefined
  /** What may wait while the session is detached (the oldest frames are dropped first past it). */
  readonly queueLimits: QueueLimits
  readonly queueBudget: QueueBudget
}

/**
 * A joined peer. It outlives its socket: while detached (socket gone, grace period running) the
 * room still lists it and frames addressed to it are queued, then delivered in order when a
 * socket resumes the session.
 */
export class Session implements Member {
  readonly peerId: string
  readonly name: string | undefined
  readonly room: string
  readonly identity: string | undefined
  #socket: SessionSocket | undefined
  readonly #queueLimits: QueueLimits
  readonly #queueBudget: QueueBudget
  // Made when a frame first has to wait: most sessions never lose their socket.
  #queue: FrameQueue | undefined
  #graceTimer: ReturnType<typeof setTimeout> | undefined
  #ended = false

  constructor(options: SessionOptions, socket: SessionSocket) {
    this.peerId = options.peerId
    this.name = options.name
    this.room = options.room
    this.identity = options.identity
    this.#queueLimits = options.queueLimits
    this.#queueBudget = options.queueBudget
    this.#socket = socket
  }

  send(frame: Frame): void {
    if (this.#ended) return
    // A socket that is already closing refuses the frame: keep it for the resume that may follow.
    if (this.#socket?.deliver(frame)) return
    this.#queue ??= new FrameQueue(this.#queueLimits, this.#queueBudget)
    this.#queue.push(frame)
  }

  /** True when frames queued for this session were dropped since it was last attached. */
  get queueOverflowed(): boolean {
    return this.#queue?.overflowed ?? false
  }

  /** Detaches from a dead socket; `onExpire` runs unless the session is resumed within `graceMs`. */
  detach(graceMs: number, onExpire: () => void): void {
    this.#socket = undefined
    clearTimeout(this.#graceTimer)
    this.#graceTimer = setTimeout(onExpire, graceMs)
    this.#graceTimer.unref?.()
  }

  /**
   * Binds a new socket; frames queued while detached are delivered first. If a socket is still
   * bound (the server has not yet noticed it died), it is told it was replaced.
   */
  attach(socket: SessionSocket): void {
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    const previous = this.#socket
    this.#socket = socket
    previous?.replaced()
    for (const frame of this.#queue?.take() ?? []) this.send(frame)
  }

  /**
   * Cluster mode: another node resumed this session. Ends it here without a `peer-left` (the peer
   * lives on there) and returns what was queued for it, oldest first, for that node to deliver.
   * A socket still bound is told it was replaced.
   */
  transfer(): { frames: Frame[]; overflowed: boolean } {
    const overflowed = this.queueOverflowed
    const frames = this.#queue?.take() ?? []
    const previous = this.#socket
    this.end()
    previous?.replaced()
    return { frames, overflowed }
  }

  /** Ends the session for good: no more delivery, no pending expiry. */
  end(): void {
    this.#ended = true
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#socket = undefined
    this.#queue?.clear()
  }
}
