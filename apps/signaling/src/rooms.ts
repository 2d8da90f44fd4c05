import { randomBytes } from 'node:crypto'
import type { PeerInfo } from '@peerlane/protocol'
import { RoomModeration, type Knocker, type ModerationOptions } from './room-moderation.js'

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
  /** False for a classic tutorial client, which gets no `welcome` and so no `room-state` either. */
  readonly hearsRoomState?: boolean
}

/** True for a peer whose socket this process holds (always, outside cluster mode). */
export function isLocal(member: Member): boolean {
  return member.node === undefined
}

export type JoinResult = { readonly ok: true } | { readonly ok: false; readonly code: 'room-full' }

interface Room {
  /** In order of arrival (the longest-present first). */
  readonly members: Map<string, Member>
  readonly moderation: RoomModeration
}

/** Unlocked rooms whose first member is host: what a registry built without options does. */
const OPEN_ROOMS: ModerationOptions = { lockNewRooms: false, hostsByArrival: true, knockTimeoutMs: 120_000, maxWaiting: 20 }

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
 *
 * A room exists while it has members or knocks waiting (a locked room keeps its lock for them);
 * each room owns its moderation (room-moderation.ts).
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>()
  readonly #lobby = new Map<string, Set<Recipient>>()
  readonly #maxPeersPerRoom: number
  readonly #moderation: ModerationOptions

  constructor(maxPeersPerRoom: number, moderation: ModerationOptions = OPEN_ROOMS) {
    this.#maxPeersPerRoom = maxPeersPerRoom
    this.#moderation = moderation
  }

  #room(name: string): Room {
    let room = this.#rooms.get(name)
    if (room) return room
    const members = new Map<string, Member>()
    room = { members, moderation: new RoomModeration(members, this.#moderation, () => this.#dropIfEmpty(name)) }
    this.#rooms.set(name, room)
    return room
  }

  // A room is kept while a peer of this process is in it or knocks wait: other nodes' peers are a
  // mirror for routing (cluster mode), which nobody here needs once the last local peer left.
  #dropIfEmpty(name: string): void {
    const room = this.#rooms.get(name)
    if (!room || room.moderation.waitingCount > 0) return
    for (const member of room.members.values()) if (isLocal(member)) return
    this.#rooms.delete(name)
  }

  /** Adds `member` to `room` (created on demand). */
  join(room: string, member: Member): JoinResult {
    const existing = this.#rooms.get(room)
    if (existing && existing.members.size >= this.#maxPeersPerRoom) return { ok: false, code: 'room-full' }
    this.#room(room).members.set(member.peerId, member)
    return { ok: true }
  }

  /**
   * Cluster mode: sets `member` in `room` (replacing any with its peer id) without the room-size
   * check, which Redis made cluster-wide; the room must already hold or be given a local member.
   */
  add(room: string, member: Member): void {
    this.#room(room).members.set(member.peerId, member)
  }

  /** Cluster mode: removes whoever has `peerId` in `room`; returns it. */
  remove(room: string, peerId: string): Member | undefined {
    const members = this.#rooms.get(room)?.members
    const member = members?.get(peerId)
    if (!members || !member) return undefined
    members.delete(peerId)
    this.#dropIfEmpty(room)
    return member
  }

  /** Rooms with a peer of this process, and their members (cluster bookkeeping). */
  *rooms(): IterableIterator<[string, ReadonlyMap<string, Member>]> {
    for (const [name, { members }] of this.#rooms) yield [name, members]
  }

  /** True when a join of `room` has to knock (see RoomModeration.mustKnock); new rooms follow `lockNewRooms`. */
  mustKnock(room: string, admin: boolean): boolean {
    const existing = this.#rooms.get(room)
    if (existing) return existing.moderation.mustKnock(admin)
    return this.#moderation.lockNewRooms && !admin && !this.#moderation.hostsByArrival
  }

  /** Puts `knocker` in `room`'s waiting list (the room is created on demand, locked). */
  knock(room: string, knocker: Knocker): JoinResult {
    const target = this.#room(room)
    if (target.moderation.knock(knocker) === undefined) return { ok: true }
    this.#dropIfEmpty(room)
    return { ok: false, code: 'room-full' }
  }

  moderation(room: string): RoomModeration | undefined {
    return this.#rooms.get(room)?.moderation
  }

  has(room: string): boolean {
    return this.#rooms.has(room)
  }

  get roomCount(): number {
    return this.#rooms.size
  }

  /** Removes `member` from `room`, deleting the room once empty; returns who is left. */
  leave(room: string, member: Member): Member[] {
    const members = this.#rooms.get(room)?.members
    if (!members || members.get(member.peerId) !== member) return []
    members.delete(member.peerId)
    this.#dropIfEmpty(room)
    return [...members.values()]
  }

  member(room: string, peerId: string): Member | undefined {
    return this.#rooms.get(room)?.members.get(peerId)
  }

  /** Every member of `room` except the one with `peerId`. */
  others(room: string, peerId: string): Member[] {
    const members = this.#rooms.get(room)?.members
    return members ? [...members.values()].filter((m) => m.peerId !== peerId) : []
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
    for (const { members } of this.#rooms.values()) for (const member of members.values()) if (isLocal(member)) peers++
    return { rooms: this.#rooms.size, peers }
  }
}
