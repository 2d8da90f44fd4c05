import { encode, type KnockEnded, type KnockOutcome, type PeerInfo, type RoomState } from '@peerlane/protocol'
import type { Frame, Member } from './rooms.js'

/** How rooms are moderated; one set for the whole server. */
export interface ModerationOptions {
  /** New rooms start locked (`lockRooms`): newcomers knock until a host admits them. */
  readonly lockNewRooms: boolean
  /**
   * Open mode (no room tokens): the first member of a room is its host, and when the last host
   * leaves the role passes to the longest-present member. Otherwise (token mode) hosts are the
   * `room-admin` sessions and whoever a host made one, and nobody inherits the role.
   */
  readonly hostsByArrival: boolean
  /** How long a knock waits for a host before it ends with `knock-timeout`. */
  readonly knockTimeoutMs: number
  /** Knocks a room holds at once; one more gets `room-full`. */
  readonly maxWaiting: number
}

/** Why a host's `admit` did not let the knocker in (the knocker keeps waiting). */
export type AdmitRefusal = 'unknown-peer' | 'room-full' | 'identity-in-use'

/** A client waiting to be admitted: the connection that knocked. */
export interface Knocker {
  /** The id it will have once admitted (already told to it in `waiting`). */
  readonly peerId: string
  readonly name?: string | undefined
  /** A host (`by`) admitted it: it joins the room now. Returns why it cannot (the host is told), else undefined. */
  admitted(by: string): AdmitRefusal | undefined
  /** Its knock ended without admission. */
  turnedAway(code: 'denied' | 'knock-timeout'): void
}

/**
 * Cluster mode: a room's lock, hosts and waiting list as Redis holds them (cluster/scripts.ts).
 * `version` grows with every change, so a node adopts a snapshot only if it is newer than its own.
 */
export interface ModerationSnapshot {
  readonly version: number
  readonly locked: boolean
  readonly hosts: readonly string[]
  readonly waiting: readonly PeerInfo[]
}

/**
 * What the members of this node hear with a snapshot: `state`, a new `room-state` for everyone (the
 * lock or the hosts changed); `knock` or `ended`, that frame and a `room-state` for the hosts.
 */
export type ModerationEvent =
  | { readonly e: 'state' }
  | { readonly e: 'knock'; readonly peer: PeerInfo }
  | { readonly e: 'ended'; readonly ended: KnockEnded }

/** `admin`: a `room-admin` session, host for as long as it is a member. `host`: by arrival or by `make-host`. */
type HostKind = 'admin' | 'host'

interface Knock {
  readonly knocker: Knocker
  readonly timer: ReturnType<typeof setTimeout>
}

/**
 * One room's lock, hosts and waiting knocks, and the `room-state`/`knock`/`knock-ended` frames
 * that tell members about them. It reads the room's member map (arrival order is the map's
 * insertion order) and never changes it: joining and leaving stay with the registry.
 *
 * Everything here is bounded: hosts are members (at most `maxPeersPerRoom`), knocks at most
 * `maxWaiting`, and each knock's name is a validated `PeerName`, so a `room-state` frame has a
 * known largest size.
 */
export class RoomModeration {
  #locked: boolean
  readonly #hosts = new Map<string, HostKind>()
  readonly #knocks = new Map<string, Knock>()
  /** Cluster mode: the waiting list of the last snapshot (knocks of every node); this node's knocks otherwise. */
  #waiting: readonly PeerInfo[] | undefined
  #version = 0
  readonly #members: ReadonlyMap<string, Member>
  readonly #options: ModerationOptions
  /** Runs when the last knock ended, so the registry can drop a room nobody is in. */
  readonly #onIdle: () => void

  constructor(members: ReadonlyMap<string, Member>, options: ModerationOptions, onIdle: () => void) {
    this.#members = members
    this.#options = options
    this.#locked = options.lockNewRooms
    this.#onIdle = onIdle
  }

  get locked(): boolean {
    return this.#locked
  }

  /** Cluster mode: the version of the last snapshot adopted (0 before any). */
  get version(): number {
    return this.#version
  }

  get waitingCount(): number {
    return this.#knocks.size
  }

  isHost(peerId: string): boolean {
    return this.#hosts.has(peerId)
  }

  /**
   * True when a newcomer has to knock: the room is locked and the newcomer will not be a host
   * (a `room-admin` session, or in open mode the first member of an empty room).
   */
  mustKnock(admin: boolean): boolean {
    if (!this.#locked || admin) return false
    return !(this.#options.hostsByArrival && this.#members.size === 0)
  }

  // ── membership ─────────────────────────────────────────────────────────────────────────────

  /** A new member (already in the member map and welcomed): it hears the room state, and everyone does if it became a host. */
  arrived(member: Member, admin: boolean): void {
    if (admin || (this.#options.hostsByArrival && this.#hosts.size === 0)) {
      this.#hosts.set(member.peerId, admin ? 'admin' : 'host')
      return this.#broadcast()
    }
    if (member.hearsRoomState !== false) member.send(this.#state(false))
  }

  /** A member resumed its session: it hears the room state again after its `welcome`. */
  resumed(member: Member): void {
    member.send(this.#state(this.#hosts.has(member.peerId)))
  }

  /** A member left the map; a host's role passes on in open mode. */
  departed(peerId: string): void {
    if (this.#members.has(peerId) || !this.#hosts.delete(peerId)) return
    if (this.#hosts.size === 0 && this.#options.hostsByArrival) {
      const longest = this.#members.values().next().value
      if (longest) this.#hosts.set(longest.peerId, 'host')
    }
    this.#broadcast()
  }

  // ── cluster mode ───────────────────────────────────────────────────────────────────────────

  /**
   * Adopts `snapshot` unless this node already has a newer one (snapshots cross Redis in any
   * order), then tells this node's members what `event` says, from the newest state it has.
   * The longest-present member is Redis's to pick: this node does not keep arrival order.
   */
  apply(snapshot: ModerationSnapshot, event?: ModerationEvent): void {
    if (snapshot.version > this.#version) {
      this.#version = snapshot.version
      this.#locked = snapshot.locked
      this.#waiting = snapshot.waiting
      this.#hosts.clear()
      for (const peerId of snapshot.hosts) this.#hosts.set(peerId, 'host')
    }
    if (event === undefined) return
    if (event.e === 'state') return this.#broadcast()
    this.#toHosts(encode(event.e === 'knock' ? { type: 'knock', peer: event.peer } : event.ended))
    this.#toHosts(this.#state(true))
  }

  // ── host actions (the caller checked `isHost`) ─────────────────────────────────────────────

  setLocked(locked: boolean): void {
    if (locked === this.#locked) return
    this.#locked = locked
    this.#broadcast()
  }

  /** `by` makes `peerId` a host; a host by arrival gives its own role up, a `room-admin` keeps it. */
  makeHost(by: string, peerId: string): 'unknown-peer' | undefined {
    if (!this.#members.has(peerId)) return 'unknown-peer'
    if (peerId === by) return undefined
    let changed = false
    if (!this.#hosts.has(peerId)) {
      this.#hosts.set(peerId, 'host')
      changed = true
    }
    if (this.#hosts.get(by) === 'host') {
      this.#hosts.delete(by)
      changed = true
    }
    if (changed) this.#broadcast()
    return undefined
  }

  // ── knocks ─────────────────────────────────────────────────────────────────────────────────

  /** Holds `knocker` until a host answers or the knock times out; hosts hear `knock`. */
  knock(knocker: Knocker): 'room-full' | undefined {
    if (this.#knocks.size >= this.#options.maxWaiting) return 'room-full'
    const timer = setTimeout(() => {
      if (this.#finish(knocker.peerId, 'timed-out')) knocker.turnedAway('knock-timeout')
    }, this.#options.knockTimeoutMs)
    timer.unref?.()
    this.#knocks.set(knocker.peerId, { knocker, timer })
    this.#toHosts(encode({ type: 'knock', peer: info(knocker) }))
    this.#toHosts(this.#state(true))
    return undefined
  }

  /** Host `by` admits a waiting peer; what went wrong otherwise (the waiter keeps waiting then). */
  admit(by: string, peerId: string): AdmitRefusal | undefined {
    const knock = this.#knocks.get(peerId)
    if (!knock) return 'unknown-peer'
    const refused = knock.knocker.admitted(by)
    if (refused) return refused
    this.#finish(peerId, 'admitted', by)
    return undefined
  }

  deny(by: string, peerId: string): 'unknown-peer' | undefined {
    const knock = this.#knocks.get(peerId)
    if (!knock) return 'unknown-peer'
    this.#finish(peerId, 'denied', by)
    knock.knocker.turnedAway('denied')
    return undefined
  }

  /** The knocker left or its socket closed. */
  withdraw(peerId: string): void {
    this.#finish(peerId, 'left')
  }

  #finish(peerId: string, outcome: KnockOutcome, by?: string): boolean {
    const knock = this.#knocks.get(peerId)
    if (!knock) return false
    clearTimeout(knock.timer)
    this.#knocks.delete(peerId)
    const ended: KnockEnded = by === undefined ? { type: 'knock-ended', peerId, outcome } : { type: 'knock-ended', peerId, outcome, by }
    this.#toHosts(encode(ended))
    this.#toHosts(this.#state(true))
    if (this.#knocks.size === 0) this.#onIdle()
    return true
  }

  // ── frames ─────────────────────────────────────────────────────────────────────────────────

  #state(forHost: boolean): string {
    const state: RoomState = { type: 'room-state', locked: this.#locked, hosts: [...this.#hosts.keys()] }
    if (forHost) state.waiting = this.#waiting ? [...this.#waiting] : [...this.#knocks.values()].map(({ knocker }) => info(knocker))
    return encode(state)
  }

  /** Every member hears the new state; only hosts see who is waiting. */
  #broadcast(): void {
    const forMembers = this.#state(false)
    const forHosts = this.#hosts.size === 0 ? forMembers : this.#state(true)
    // Members on other nodes (cluster mode) hear it from their own node.
    for (const member of this.#members.values()) {
      if (member.hearsRoomState !== false && member.node === undefined) member.send(this.#hosts.has(member.peerId) ? forHosts : forMembers)
    }
  }

  #toHosts(frame: Frame): void {
    for (const peerId of this.#hosts.keys()) {
      const host = this.#members.get(peerId)
      if (host && host.node === undefined) host.send(frame)
    }
  }
}

function info(knocker: Knocker): PeerInfo {
  return knocker.name === undefined ? { peerId: knocker.peerId } : { peerId: knocker.peerId, name: knocker.name }
}
