import type { FrameQueue } from './frame-queue.js'
import type { Member } from './rooms.js'

/** Delivers one frame to the session's socket; false when the socket can no longer take it. */
export type Transport = (frame: string) => boolean

export interface SessionOptions {
  readonly peerId: string
  readonly name?: string | undefined
  readonly room: string
  /** The room token's identity (`sub`), when the server checks room tokens; resume tokens carry it. */
  readonly identity?: string | undefined
  /** Where frames wait while the session is detached (bounded; the oldest are dropped first). */
  readonly queue: FrameQueue
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
  #transport: Transport | undefined
  readonly #queue: FrameQueue
  #graceTimer: ReturnType<typeof setTimeout> | undefined
  #ended = false
  #onReplaced: (() => void) | undefined

  constructor(options: SessionOptions, transport: Transport, onReplaced: () => void) {
    this.peerId = options.peerId
    this.name = options.name
    this.room = options.room
    this.identity = options.identity
    this.#queue = options.queue
    this.#transport = transport
    this.#onReplaced = onReplaced
  }

  send(frame: string): void {
    if (this.#ended) return
    // A socket that is already closing refuses the frame: keep it for the resume that may follow.
    if (this.#transport?.(frame)) return
    this.#queue.push(frame)
  }

  /** True when frames queued for this session were dropped since it was last attached. */
  get queueOverflowed(): boolean {
    return this.#queue.overflowed
  }

  /** Detaches from a dead socket; `onExpire` runs unless the session is resumed within `graceMs`. */
  detach(graceMs: number, onExpire: () => void): void {
    this.#transport = undefined
    clearTimeout(this.#graceTimer)
    this.#graceTimer = setTimeout(onExpire, graceMs)
    this.#graceTimer.unref?.()
  }

  /**
   * Binds a new socket; frames queued while detached are delivered first. If a socket is still
   * bound (the server has not yet noticed it died), `onReplaced` of that binding runs.
   */
  attach(transport: Transport, onReplaced: () => void): void {
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    const previous = this.#onReplaced
    this.#onReplaced = onReplaced
    if (this.#transport) previous?.()
    this.#transport = transport
    for (const frame of this.#queue.take()) this.send(frame)
  }

  /** Ends the session for good: no more delivery, no pending expiry. */
  end(): void {
    this.#ended = true
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#transport = undefined
    this.#queue.clear()
  }
}
