import type { Frame } from '../rooms.js'
import type { Handover } from './cluster.js'

interface Pending {
  readonly buffered: Frame[]
  handed: Frame[] | undefined
  overflowed: boolean
  settle: () => void
}

/**
 * Sessions being resumed here from another node. Until the session is registered here (`drain`),
 * frames routed to its peer wait behind what the old node hands over, so that none overtakes them
 * and none is sent back to a node that no longer holds the peer.
 */
export class Handovers {
  readonly #pending = new Map<string, Pending>()
  readonly #timeoutMs: number

  /** `timeoutMs`: how long the old node may take; then the session starts without its frames (overflowed). */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs
  }

  /** Waits for the hand-over of `peerId` in `room` (ask the old node after calling this). */
  wait(room: string, peerId: string): Promise<Handover> {
    const key = `${room} ${peerId}`
    return new Promise((resolve) => {
      const pending: Pending = { buffered: [], handed: undefined, overflowed: true, settle: () => {} }
      const timer = setTimeout(() => pending.settle(), this.#timeoutMs)
      pending.settle = () => {
        clearTimeout(timer)
        resolve({
          overflowed: pending.overflowed,
          drain: () => {
            if (this.#pending.get(key) === pending) this.#pending.delete(key)
            return [...(pending.handed ?? []), ...pending.buffered]
          },
        })
      }
      this.#pending.set(key, pending)
    })
  }

  /** Keeps `frame` for a peer being handed over; false when none is. */
  hold(room: string, peerId: string, frame: Frame): boolean {
    const pending = this.#pending.get(`${room} ${peerId}`)
    if (!pending) return false
    pending.buffered.push(frame)
    return true
  }

  /** The old node's answer; a late one (after the timeout) still lands before `drain`. */
  handed(room: string, peerId: string, frames: Frame[], overflowed: boolean): void {
    const pending = this.#pending.get(`${room} ${peerId}`)
    if (!pending || pending.handed) return
    pending.handed = frames
    pending.overflowed = overflowed
    pending.settle()
  }

  has(room: string, peerId: string): boolean {
    return this.#pending.has(`${room} ${peerId}`)
  }
}
