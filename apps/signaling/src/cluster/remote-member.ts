import type { Frame, Member } from '../rooms.js'

/** A peer whose socket another node holds: frames sent to it go to that node's channel. */
export class RemoteMember implements Member {
  readonly peerId: string
  readonly name: string | undefined
  readonly node: string
  readonly #room: string
  readonly #forward: (node: string, room: string, peerId: string, frame: Frame) => void

  constructor(peerId: string, name: string | undefined, node: string, room: string, forward: (node: string, room: string, peerId: string, frame: Frame) => void) {
    this.peerId = peerId
    this.name = name
    this.node = node
    this.#room = room
    this.#forward = forward
  }

  send(frame: Frame): void {
    this.#forward(this.node, this.#room, this.peerId, frame)
  }
}
