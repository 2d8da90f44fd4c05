import type { Member } from './rooms.js'

/** Delivers one frame to the session's socket; false when the socket can no longer take it. */
export type Transport = (frame: string) => boolean

export interface SessionOptions {
  readonly peerId: string
  readonly name?: string | undefined
  readonly room: string
  /** Frames kept for a detached session; past this the oldest are dropped. */
  readonly maxQueued: number
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
  #transport: Transport | undefined
  #queue: string[] = []
  #graceTimer: ReturnType<typeof setTimeout> | undefined
  readonly #maxQueued: number
  #ended = false
  #onReplaced: (() => void) | undefined

  constructor(options: SessionOptions, transport: Transport, onReplaced: () => void) {
    this.peerId = options.peerId
    this.name = options.name
    this.room = options.room
    this.#maxQueued = options.maxQueued
    this.#transport = transport
    this.#onReplaced = onReplaced
  }

  send(frame: string): void {
    if (this.#ended) return
    // A socket that is already closing refuses the frame: keep it for the resume that may follow.
    if (this.#transport?.(frame)) return
    this.#queue.push(frame)
    // Oldest first: a resuming client needs the latest offer/answer more than stale candidates.
    if (this.#queue.length > this.#maxQueued) this.#queue.shift()
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
    const queued = this.#queue
    this.#queue = []
    for (const frame of queued) this.send(frame)
  }

  /** Ends the session for good: no more delivery, no pending expiry. */
  end(): void {
    this.#ended = true
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#transport = undefined
    this.#queue = []
  }
}
