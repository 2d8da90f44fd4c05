import { randomBytes } from 'node:crypto'
import type { PeerInfo } from '@peerlane/protocol'

/** One encoded text frame: a string, or its UTF-8 bytes (a relayed frame spliced from the client's). */
export type Frame = string | Buffer

/** Anything frames can be sent to: a member, or a lobby listener that has no peer id yet. */
export interface Recipient {
  /** Queues one already-encoded frame; never throws. */
  send(frame: Frame): void
}

/** A peer as the room registry sees it: an id, an optional name and a way to reach it. */
export interface Member extends Recipient {
  readonly peerId: string
  readonly name?: string | undefined
  /** Cluster mode: the node holding a peer whose socket is elsewhere; undefined for a peer of this process. */
  readonly node?: string | undefined
}

/** True for a peer whose socket this process holds (always, outside cluster mode). */
export function isLocal(member: Member): boolean {
  return member.node === undefined
}

export type JoinResult = { readonly ok: true } | { readonly ok: false; readonly code: 'room-full' }

export interface RoomStats {
  readonly rooms: number
  readonly peers: number
}

/** 12 characters of base64url: 72 random bits, unguessable, and valid under the protocol's PeerId pattern. */
export function createPeerId(): string {
  return randomBytes(9).toString('base64url')
}

export function peerInfo(member: Member): PeerInfo {
  return member.name === undefined ? { peerId: member.peerId } : { peerId: member.peerId, name: member.name }
}

/**
 * Rooms and their members, plus the "lobby": connections that have not joined yet but listen to
 * one room's broadcasts. The lobby exists for the classic tutorial client, which only speaks
 * after it has received an offer, so it must hear that offer before it is a member.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Map<string, Member>>()
  readonly #lobby = new Map<string, Set<Recipient>>()
  readonly #maxPeersPerRoom: number

  constructor(maxPeersPerRoom: number) {
    this.#maxPeersPerRoom = maxPeersPerRoom
  }

  /** Adds `member` to `room` (created on demand). */
  join(room: string, member: Member): JoinResult {
    const members = this.#rooms.get(room) ?? new Map<string, Member>()
    if (members.size >= this.#maxPeersPerRoom) return { ok: false, code: 'room-full' }
    members.set(member.peerId, member)
    this.#rooms.set(room, members)
    return { ok: true }
  }

  /**
   * Cluster mode: sets `member` in `room` (replacing any with its peer id) without the room-size
   * check, which Redis made cluster-wide; the room must already hold or be given a local member.
   */
  add(room: string, member: Member): void {
    const members = this.#rooms.get(room) ?? new Map<string, Member>()
    members.set(member.peerId, member)
    this.#rooms.set(room, members)
  }

  /** Cluster mode: removes whoever has `peerId` in `room`; returns it. */
  remove(room: string, peerId: string): Member | undefined {
    const members = this.#rooms.get(room)
    const member = members?.get(peerId)
    if (!members || !member) return undefined
    members.delete(peerId)
    this.#forgetUnlessLocal(room, members)
    return member
  }

  /** Rooms with a peer of this process, and their members (cluster bookkeeping). */
  rooms(): IterableIterator<[string, ReadonlyMap<string, Member>]> {
    return this.#rooms.entries()
  }

  has(room: string): boolean {
    return this.#rooms.has(room)
  }

  get roomCount(): number {
    return this.#rooms.size
  }

  /** Removes `member` from `room`, deleting the room once empty; returns who is left. */
  leave(room: string, member: Member): Member[] {
    const members = this.#rooms.get(room)
    if (!members || members.get(member.peerId) !== member) return []
    members.delete(member.peerId)
    const others = [...members.values()]
    this.#forgetUnlessLocal(room, members)
    return others
  }

  member(room: string, peerId: string): Member | undefined {
    return this.#rooms.get(room)?.get(peerId)
  }

  /** Every member of `room` except the one with `peerId`. */
  others(room: string, peerId: string): Member[] {
    const members = this.#rooms.get(room)
    return members ? [...members.values()].filter((m) => m.peerId !== peerId) : []
  }

  // A room is kept only while a peer of this process is in it: other nodes' peers are a mirror
  // for routing, which nobody here needs once the last local peer left.
  #forgetUnlessLocal(room: string, members: Map<string, Member>): void {
    for (const member of members.values()) if (isLocal(member)) return
    this.#rooms.delete(room)
  }

  listen(room: string, listener: Recipient): void {
    const listeners = this.#lobby.get(room) ?? new Set<Recipient>()
    listeners.add(listener)
    this.#lobby.set(room, listeners)
  }

  unlisten(room: string, listener: Recipient): void {
    const listeners = this.#lobby.get(room)
    if (!listeners?.delete(listener)) return
    if (listeners.size === 0) this.#lobby.delete(room)
  }

  listeners(room: string): Recipient[] {
    return [...(this.#lobby.get(room) ?? [])]
  }

  stats(): RoomStats {
    let peers = 0
    for (const members of this.#rooms.values()) for (const member of members.values()) if (isLocal(member)) peers++
    return { rooms: this.#rooms.size, peers }
  }
}
