// What a connection needs from cluster mode. Types only: the in-memory server never loads the
// Redis implementation (server.ts imports it dynamically when `redisUrl` is set).
import type { ModerationSnapshot } from '../room-moderation.js'
import type { Frame } from '../rooms.js'
import type { Session } from '../session.js'

/** A member of a room as Redis lists it: its id, its name and the node holding its socket. */
export interface ClusterPeer {
  readonly peerId: string
  readonly node: string
  readonly name?: string | undefined
}

export interface ClusterJoinRequest {
  readonly room: string
  /** The id a fresh join gets. */
  readonly peerId: string
  /** The id a valid resume token names: the join resumes it, unless a `leave` revoked it on any node. */
  readonly resumePeerId: string | undefined
  readonly name: string | undefined
  /** The room token's identity, for the duplicate-identity policy. */
  readonly identity: string | undefined
  /** A `room-admin` session: a host, which never knocks. */
  readonly admin: boolean
  /** Told how its knock ends, when the room is locked and the join has to knock. */
  readonly knocker: ClusterKnocker
}

/** A connection of this node waiting in a locked room (the cluster ends its knock on timeout). */
export interface ClusterKnocker {
  /**
   * A host admitted it: Redis lists it as a member already; `members` is the room after it. False
   * when the connection is gone meanwhile (the cluster then takes the member out again).
   */
  admitted(by: string, members: readonly ClusterPeer[], moderation: ModerationSnapshot): boolean
  /** A host denied it, or it waited `knockTimeoutMs`: it is back in the lobby. */
  turnedAway(code: 'denied' | 'knock-timeout'): void
}

/** A host action as the cluster applies it. */
export type HostAction =
  | { readonly type: 'lock'; readonly locked: boolean }
  | { readonly type: 'admit' | 'deny' | 'make-host' | 'remove'; readonly peer: string }

/** Why the cluster refused a host action (the host is told). */
export type HostRefusal = 'not-permitted' | 'unknown-peer' | 'room-full' | 'identity-in-use'

export type ClusterJoinResult =
  | { readonly ok: false; readonly code: 'room-full' | 'identity-in-use' }
  /** The room is locked: the join knocks under `peerId`, and the hosts (on any node) heard `knock`. */
  | { readonly ok: 'waiting'; readonly peerId: string }
  | {
      readonly ok: true
      readonly peerId: string
      /** The name the room knows the peer by (a resumed session keeps its own). */
      readonly name: string | undefined
      /** Resumed under a token's id (an existing session, or one re-created after it ended). */
      readonly resumed: boolean
      /** Another node held the session: its queued frames are there, or gone with it when it is dead. */
      readonly from: { readonly node: string; readonly alive: boolean } | undefined
      /** The session the duplicate-identity policy replaces, on whichever node holds it. */
      readonly evict: { readonly peerId: string; readonly node: string } | undefined
      /** Everyone in the room after the join, the joiner included. */
      readonly members: readonly ClusterPeer[]
      /** The room's lock, hosts and knocks after the join (the other nodes heard of a new host). */
      readonly moderation: ModerationSnapshot
      /** The join made a host (everyone hears `room-state`), rather than only the joiner. */
      readonly hostsChanged: boolean
    }

/** What another node handed over with a session it held. */
export interface Handover {
  /** Frames were dropped on the way (its queue overflowed, or the node is gone). */
  readonly overflowed: boolean
  /**
   * The frames queued there, then any routed to the peer while the hand-over ran, oldest first.
   * Call it right after the session is registered here: from then on frames reach it directly.
   */
  drain(): Frame[]
}

export interface Cluster {
  readonly nodeId: string
  /** False while Redis is unreachable: joins are then admitted by this node alone and reconciled later. */
  ready(): boolean
  /** Admits a join atomically cluster-wide: room size, duplicate identity, revocation, lock and host role (one Lua script). */
  join(request: ClusterJoinRequest): Promise<ClusterJoinResult>
  /** Asks `node` for a session it held; a dead or silent node hands over nothing (overflowed). */
  takeOver(room: string, peerId: string, node: string): Promise<Handover>
  /** Brings this node's view of `room` in line with `members` (a join's answer). */
  mirror(room: string, members: readonly ClusterPeer[]): void
  /**
   * `session` of this node is in its room now: the other nodes with peers there hear of it, and
   * of `moderation` after it when its join made it a host.
   */
  up(session: Session, moderation?: ModerationSnapshot): void
  /**
   * `session` of this node ended: Redis forgets it, the other nodes' peers hear `peer-left`
   * (`removedBy` the host that removed it) and, if it was the last host, everyone the new one.
   */
  left(session: Session, reason: 'left' | 'disconnected' | 'replaced', removedBy?: string): void
  /** A knock of this node ended because the knocker left (unless a host answered it first). */
  withdraw(room: string, peerId: string): void
  /** A host action by `by`, checked (is it a host?) and applied in Redis; the refusal, else undefined. */
  moderate(room: string, by: string, action: HostAction): Promise<HostRefusal | undefined>
  /** A `leave`: the peer's resume tokens stop working on every node. */
  revoke(peerId: string): void
  /** Ends the session of `identity` on `node` as replaced (duplicate-identity policy `replace`). */
  evict(node: string, room: string, identity: string, peerId: string): void
  close(): Promise<void>
}
