import { encode, type PeerJoined, type PeerLeft, type PeerLeftReason } from '@peerlane/protocol'
import { isLocal, type Frame, type RoomRegistry } from '../rooms.js'
import { RemoteMember } from './remote-member.js'

/** Sends a frame for `peerId` in `room` to `node`'s channel. */
export type Forward = (node: string, room: string, peerId: string, frame: Frame) => void

/**
 * This node's view of the peers other nodes hold, in the rooms where it has peers of its own:
 * entries in the room registry (RemoteMember) so that relaying and `welcome.peers` work as in
 * memory, kept current by the other nodes' control messages. Changes that this node's peers must
 * hear (a peer new to them, a peer gone) are told to them here.
 */
export class RoomMirror {
  readonly #registry: RoomRegistry
  readonly #forward: Forward

  constructor(registry: RoomRegistry, forward: Forward) {
    this.#registry = registry
    this.#forward = forward
  }

  /** `peerId` in `room` lives on `node`; this node's peers hear `peer-joined` if it is new to them. */
  up(room: string, peerId: string, name: string | undefined, node: string): void {
    const known = this.#registry.member(room, peerId)
    if (known && (isLocal(known) || known.node === node)) return
    this.#registry.add(room, new RemoteMember(peerId, name, node, room, this.#forward))
    if (!known) this.#tellLocals(room, encode({ type: 'peer-joined', peer: name === undefined ? { peerId } : { peerId, name } } satisfies PeerJoined))
  }

  /** `peerId` of `node` left `room` (`removedBy` a host); ignored when the peer lives elsewhere by now. */
  left(room: string, peerId: string, node: string, reason: PeerLeftReason, removedBy?: string): void {
    if (this.#registry.member(room, peerId)?.node !== node) return
    this.#gone(room, peerId, reason, removedBy)
  }

  /** A session of this node moved to `node`: it is a remote peer from now on, unknown to nobody. */
  moved(room: string, peerId: string, name: string | undefined, node: string): void {
    this.#registry.remove(room, peerId)
    if (this.#registry.has(room)) this.#registry.add(room, new RemoteMember(peerId, name, node, room, this.#forward))
  }

  /** Every peer of a dead `node` is gone, but those `moving` here (a resume waiting for its hand-over). */
  forgetNode(node: string, moving: (room: string, peerId: string) => boolean): void {
    const gone: [string, string][] = []
    for (const [room, members] of this.#registry.rooms()) {
      for (const member of members.values()) if (member.node === node && !moving(room, member.peerId)) gone.push([room, member.peerId])
    }
    for (const [room, peerId] of gone) this.#gone(room, peerId, 'disconnected')
  }

  /** Remote peers of `room` missing from `listed` (what Redis lists) are gone. */
  prune(room: string, listed: ReadonlySet<string>): void {
    for (const member of this.#registry.others(room, '')) if (!isLocal(member) && !listed.has(member.peerId)) this.#gone(room, member.peerId, 'disconnected')
  }

  /** The other nodes holding peers in `room`. */
  nodesIn(room: string): Set<string> {
    const nodes = new Set<string>()
    for (const member of this.#registry.others(room, '')) if (member.node !== undefined) nodes.add(member.node)
    return nodes
  }

  /** Every other node this node knows a peer of. */
  nodes(): Set<string> {
    const nodes = new Set<string>()
    for (const [, members] of this.#registry.rooms()) for (const member of members.values()) if (member.node !== undefined) nodes.add(member.node)
    return nodes
  }

  /** The rooms where this node has peers. */
  rooms(): string[] {
    return [...this.#registry.rooms()].map(([room]) => room)
  }

  #gone(room: string, peerId: string, reason: PeerLeftReason, removedBy?: string): void {
    this.#registry.remove(room, peerId)
    const left: PeerLeft = removedBy === undefined ? { type: 'peer-left', peerId, reason } : { type: 'peer-left', peerId, reason, removedBy }
    this.#tellLocals(room, encode(left))
  }

  #tellLocals(room: string, frame: string): void {
    for (const member of this.#registry.others(room, '')) if (isLocal(member)) member.send(frame)
  }
}
