import {
  DEFAULT_CAPABILITIES,
  PROTOCOL_VERSION,
  descriptionOf,
  encode,
  isRoomName,
  type Capability,
  type ClientMessage,
  type Join,
  type MuteRequested,
  type PeerJoined,
  type PeerLeft,
  type PeerLeftReason,
  type RelayMessage,
  type Waiting,
  type Welcome,
} from '@peerlane/protocol'
import type { Logger } from 'pino'
import { WebSocket, type RawData } from 'ws'
import type { Cluster, ClusterJoinResult, ClusterKnocker, ClusterPeer, Handover, HostAction } from './cluster/cluster.js'
import type { ConnectionBudget } from './connection-budget.js'
import type { AuthFailureReason, AuthResult, RoomTokenClaims } from './auth.js'
import { limitKey } from './client-address.js'
import { connectionLog, type ConnectionLog } from './connection-log.js'
import { decodeFrame, frameBuffer, frameBytes, limitFrame } from './frame-pipeline.js'
import type { QueueBudget, QueueLimits } from './frame-queue.js'
import type { IceServersFor } from './ice-server-source.js'
import { FrameGuard } from './limits.js'
import { grantExceeded } from './media-grant.js'
import { errorFrame, type ErrorDetail } from './messages.js'
import type { ConnectionPolicy } from './policy.js'
import type { ResumeClaims, ResumeTokens } from './resume-token.js'
import type { AdmitRefusal, Knocker, ModerationSnapshot } from './room-moderation.js'
import { relay, type ReceivedFrame } from './router.js'
import { createPeerId, isLocal, peerInfo, type Frame, type JoinResult, type Recipient, type RoomRegistry } from './rooms.js'
import { Session, type SessionSocket } from './session.js'
import type { Sweeper } from './sweeper.js'
import { VIOLATIONS, type Violation, type ViolationRule } from './violations.js'

export interface ConnectionContext {
  readonly registry: RoomRegistry
  /** Cluster mode (`redisUrl`): rooms, identities and revocations shared through Redis; undefined in memory. */
  readonly cluster: Cluster | undefined
  /** The ICE servers of each `welcome` (with TURN, fresh credentials, renewed on the socket). */
  readonly iceServers: IceServersFor
  readonly maxBufferedAmount: number
  readonly logger: Logger
  readonly resume: {
    readonly tokens: ResumeTokens
    /** How long a dropped session waits for its client to resume before the room hears `peer-left`. */
    readonly graceMs: number
    /** What one dropped session may have queued. */
    readonly queueLimits: QueueLimits
    /** What all dropped sessions together may have queued. */
    readonly queueBudget: QueueBudget
  }
  readonly policy: ConnectionPolicy
  /** Heartbeat and join deadline (4003) of every connection, on one timer. */
  readonly sweeper: Sweeper<Connection>
  /** Open connections per client address: a connection gives its slot back when it closes. */
  readonly openPerAddress: ConnectionBudget
  /** True for the frames whose relay latency is observed (a sample: see `relayLatencySampleEvery`). */
  readonly sampleLatency: () => boolean
  /** How long a knock on a locked room waits (`waiting.timeoutMs`). */
  readonly knockTimeoutMs: number
}

/** The room of a client that relays before it joins: `?room=` of its connection URL when valid. */
export const IMPLICIT_ROOM = 'default'

// Relayed frames may be Buffers (spliced from the sender's); they are still text frames.
const TEXT_FRAME = { binary: false } as const
const TO_LOBBY = { toLobby: true } as const
const TO_MEMBERS = { toLobby: false } as const
const BROADCAST = { e: 'state' } as const
// What a session brings from a node that died holding it: nothing, and the client must renegotiate.
const LOST: Handover = { overflowed: true, drain: () => [] }

/**
 * `lobby`: in no room, hearing its URL room's broadcasts (see RoomRegistry). `waiting`: knocked on
 * a locked room, hearing nothing of it until a host admits it. `joined`: a member. `closed`: the
 * socket is gone; frames still queued behind a token check are dropped.
 */
export type ConnectionState = 'lobby' | 'waiting' | 'joined' | 'closed'

/** A knock in progress: who this connection will be once admitted. */
interface Knock {
  readonly room: string
  /** The id it will have once admitted (already told to it in `waiting`). */
  readonly peerId: string
  readonly name: string | undefined
  readonly identity: string | undefined
  readonly capabilities: readonly Capability[]
  /** Held in Redis (cluster mode), not in this process's room registry. */
  readonly clustered: boolean
}

/** Messages a waiting client may send: anything else could reach or probe the room. */
const WHILE_WAITING: ReadonlySet<string> = new Set(['leave', 'ping'])

interface Membership {
  readonly session: Session
  /** Joined by relaying without `join` (classic tutorial client): it gets no `welcome` and cannot resume. */
  readonly implicit: boolean
}

/**
 * Wires one accepted socket (its request URL `url`) to the room registry; `remote` is the
 * client's address as `clientAddress` found it. Takes the URL, not the request: nothing a
 * connection keeps may hold on to the request and its headers for the socket's life.
 */
export function handleConnection(socket: WebSocket, url: string | undefined, remote: string, context: ConnectionContext): Connection {
  return new Connection(socket, roomFromUrl(url), remote, context)
}

// Socket listeners shared by every connection (`this` is the socket), so an idle connection
// holds no closures of its own.
const connections = new WeakMap<WebSocket, Connection>()
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  connections.get(this)?.arrived(data, isBinary)
}
function onPong(this: WebSocket): void {
  const connection = connections.get(this)
  if (connection) connection.alive = true
}
function onError(this: WebSocket, error: Error & { code?: string }): void {
  connections.get(this)?.failed(error)
}
function onClose(this: WebSocket, code: number): void {
  connections.get(this)?.closed(code)
}

/**
 * One socket's life: its state (lobby → joined → lobby … → closed), its frame pipeline
 * (guard → decode → limits → dispatch) and what it does about violations (one table, VIOLATIONS).
 */
export class Connection implements Recipient, SessionSocket {
  #state: ConnectionState = 'lobby'
  #membership: Membership | undefined
  #knock: Knock | undefined
  // Frames wait here while a join's token is verified (asynchronously), so none overtakes the
  // join; otherwise each frame is handled at once, with no promise per frame on the hot path.
  #backlog: Promise<void> | undefined
  /** Answered the last heartbeat ping (see Sweeper). */
  alive = true
  /** When it last entered the lobby, for the join deadline (see Sweeper). */
  lobbySince = performance.now()
  readonly #guard: FrameGuard
  readonly #log: ConnectionLog
  readonly #socket: WebSocket
  readonly #lobbyRoom: string
  readonly #remote: string
  // Per-client budgets count under this key (an IPv6 client's /64).
  readonly #address: string
  readonly #context: ConnectionContext

  constructor(socket: WebSocket, lobbyRoom: string, remote: string, context: ConnectionContext) {
    this.#socket = socket
    this.#lobbyRoom = lobbyRoom
    this.#remote = remote
    this.#address = limitKey(remote)
    this.#context = context
    this.#log = connectionLog(context.logger, () => this.#logBindings())
    this.#guard = new FrameGuard(context.policy.rateLimits)
    connections.set(socket, this)
    socket.on('error', onError)
    socket.on('message', onMessage)
    socket.on('pong', onPong)
    // `on`, not `once`: `close` is emitted once, and `once` wraps every listener in a new function.
    socket.on('close', onClose)
    context.registry.listen(lobbyRoom, this)
    context.sweeper.track(this)
  }

  #logBindings(): Record<string, string> {
    const member = this.#membership?.session ?? this.#knock
    const room = this.#membership?.session.room ?? this.#knock?.room
    return member && room ? { remote: this.#remote, room, peerId: member.peerId } : { remote: this.#remote }
  }

  get state(): ConnectionState {
    return this.#state
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  /** The one state setter: every transition keeps the lobby listener and the join deadline in step. */
  #setState(next: ConnectionState): void {
    const previous = this.#state
    if (next === previous) return
    this.#state = next
    const { registry, sweeper } = this.#context
    if (previous === 'lobby') registry.unlisten(this.#lobbyRoom, this)
    // A knock has its own deadline (knockTimeoutMs), so waiting is out of the join deadline.
    if (next === 'joined' || next === 'waiting') sweeper.joinedRoom(this)
    // A socket that leaves its room has the join timeout again, but no longer hears the lobby.
    if ((previous === 'joined' || previous === 'waiting') && next === 'lobby') {
      this.lobbySince = performance.now()
      sweeper.enteredLobby(this)
    }
    if (next === 'closed') sweeper.untrack(this)
    this.#log.rebind()
  }

  #enter(session: Session, implicit: boolean): void {
    this.#membership = { session, implicit }
    this.#setState('joined')
  }

  /** Leaves membership without ending the session (it was replaced or taken over). */
  #forget(): void {
    this.#membership = undefined
    if (this.#state === 'joined') this.#setState('lobby')
  }

  // ── transport ──────────────────────────────────────────────────────────────────────────────

  /** Sends one frame; false when the socket can no longer take it (closing, or stuck). */
  deliver(frame: Frame): boolean {
    const socket = this.#socket
    if (socket.readyState !== WebSocket.OPEN) return false
    // Signaling frames are small; a peer this far behind is not reading, and buffering for it
    // without bound would let one stuck client grow the server's memory.
    if (socket.bufferedAmount > this.#context.maxBufferedAmount) {
      this.#log.warn({ bufferedAmount: socket.bufferedAmount }, 'terminating a peer that stopped reading')
      this.#violate('slow-consumer')
      return false
    }
    socket.send(frame, TEXT_FRAME)
    return true
  }

  /** As a lobby listener (Recipient). */
  send(frame: Frame): void {
    this.deliver(frame)
  }

  /** Another connection resumed this one's session while this socket still looks open. */
  replaced(): void {
    this.#forget()
    this.#violate('resumed-elsewhere')
  }

  /** A host removed this connection's session (the room hears `peer-left` from the host's side). */
  removed(): void {
    this.#forget()
    this.#log.debug('removed by a host')
    this.#violate('removed')
  }

  /** Does what VIOLATIONS says about `violation`: tell the client, count it, close. */
  #violate(violation: Violation, detail?: ErrorDetail): void {
    const rule: ViolationRule = VIOLATIONS[violation]
    const { metrics } = this.#context.policy
    if (rule.error !== undefined) {
      metrics.errors.inc({ code: rule.error })
      this.deliver(errorFrame(rule.error, detail))
    }
    if (rule.dropped !== undefined) metrics.dropped.inc({ reason: rule.dropped })
    if (rule.close === 'terminate') this.#socket.terminate()
    else if (rule.close) this.#socket.close(rule.close.code, rule.close.reason)
  }

  // ── sweep ──────────────────────────────────────────────────────────────────────────────────

  ping(): void {
    this.#socket.ping()
  }

  missedHeartbeat(): void {
    this.#log.debug('terminating a socket that missed a heartbeat')
    this.#violate('heartbeat')
  }

  joinTimedOut(): void {
    this.#log.debug('closing a socket that joined no room in time')
    this.#violate('join-timeout')
  }

  // ── frame pipeline: guard → decode → limits → dispatch ─────────────────────────────────────

  /** A frame arrived (the socket's `message` event). */
  arrived(data: RawData, isBinary: boolean): void {
    const arrivedAt = this.#context.sampleLatency() ? performance.now() : 0
    // Checked on arrival, before queueing: a flood costs no memory even while a join is pending.
    const verdict = this.#guard.admit(frameBytes(data))
    if (verdict !== 'ok') return this.#limited(verdict)
    const backlog = this.#backlog
    const pending = backlog ? backlog.then(() => this.#handle(data, isBinary, arrivedAt)) : this.#handle(data, isBinary, arrivedAt)
    if (!pending) return
    const settled: Promise<void> = pending.then(() => {
      if (this.#backlog === settled) this.#backlog = undefined
    })
    this.#backlog = settled
  }

  #limited(verdict: 'limited' | 'abusive'): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return
    this.#context.policy.metrics.rateLimited.inc()
    if (verdict === 'limited') return this.#violate('rate-limited')
    this.#log.warn('closing a connection that kept flooding')
    this.#violate('flood')
  }

  /** Handles one frame; returns a promise only when a step is asynchronous (a join's token check). */
  #handle(data: RawData, isBinary: boolean, arrivedAt: number): Promise<void> | undefined {
    if (this.#state === 'closed') return undefined
    try {
      if (isBinary) return void this.#violate('binary-frame')
      const bytes = frameBuffer(data)
      const frame: ReceivedFrame = { bytes, text: bytes.toString('utf8') }
      const decoded = decodeFrame(frame.text)
      if (!decoded.ok) {
        const { code, message, path, ref } = decoded.error
        return void this.#violate(code, { message, path, ref })
      }
      const violation = limitFrame(decoded.message, this.#context.policy.messageLimits)
      if (violation) return void this.#violate('field-too-long', { ...violation, ref: decoded.message.type })
      return this.#dispatch(decoded.message, frame, arrivedAt)?.catch((error: unknown) => this.#failed(error))
    } catch (error) {
      this.#failed(error)
      return undefined
    }
  }

  // A handler bug must cost one error reply, never the process or the other peers.
  #failed(error: unknown): void {
    this.#log.error({ err: error }, 'failed to handle a frame')
    this.#violate('internal')
  }

  /** `arrivedAt`: when the frame arrived, for the relay latency histogram; 0 when it is not sampled. */
  #dispatch(message: ClientMessage, frame: ReceivedFrame, arrivedAt: number): Promise<void> | undefined {
    if (this.#state === 'waiting' && !WHILE_WAITING.has(message.type)) {
      return void this.#violate(message.type === 'join' ? 'already-joined' : 'not-in-room', { ref: message.type })
    }
    switch (message.type) {
      case 'join':
        return this.#join(message)
      case 'leave':
        if (this.#knock) return void this.#withdraw('lobby')
        if (!this.#membership) return void this.#violate('not-in-room', { ref: 'leave' })
        return void this.#leave()
      case 'ping':
        this.deliver(encode(message.id === undefined ? { type: 'pong' } : { type: 'pong', id: message.id }))
        return undefined
      case 'offer':
      case 'answer':
      case 'candidate':
        return void this.#relay(message, frame, arrivedAt)
      case 'lock':
      case 'admit':
      case 'deny':
      case 'remove':
      case 'ask-mute':
      case 'make-host':
        return this.#moderate(message)
    }
  }

  // ── join, resume, leave ────────────────────────────────────────────────────────────────────

  #join(message: Join): Promise<void> | undefined {
    const { policy } = this.#context
    if (this.#membership) return void this.#violate('already-joined', { ref: 'join' })
    if (policy.draining()) return void this.#violate('draining', { ref: 'join' })
    if (this.#joinBudgetSpent('join')) return undefined
    if (!policy.auth) return this.#admit(message, undefined)
    return policy.auth.verify(message.token, message.room).then((result) => this.#verified(message, result))
  }

  #verified(message: Join, result: AuthResult): Promise<void> | undefined {
    // The socket closed while the token was checked: joining now would leave a ghost member.
    if (this.#state === 'closed') return undefined
    if (!result.ok) return void this.#refuse(result.reason, result.message)
    return this.#admit(message, result.claims)
  }

  #admit(message: Join, claims: RoomTokenClaims | undefined): Promise<void> | undefined {
    if (!this.#roomAvailable(message.room)) return void this.#failJoin('server-full')
    const { cluster } = this.#context
    // While Redis is unreachable a node admits joins alone; it re-registers them when Redis returns.
    if (cluster?.ready()) return this.#admitClustered(message, claims, cluster)
    return void this.#admitLocally(message, claims)
  }

  #admitLocally(message: Join, claims: RoomTokenClaims | undefined): void {
    const { registry } = this.#context
    const identity = claims?.identity
    // Open mode grants every publish capability; a token grants what it lists (auth.ts).
    const capabilities = claims?.capabilities ?? DEFAULT_CAPABILITIES
    // A name in the token was set by the application's backend and wins over the client's.
    const name = claims?.name ?? message.name
    const resumable = this.#resumable(message.resumeToken, message.room, identity)
    // A valid resume token proves an earlier admission to this room, so it resumes past a lock.
    if (!resumable && registry.mustKnock(message.room, capabilities.includes('room-admin'))) {
      return this.#knockOn(message.room, name, identity, capabilities)
    }
    const conflict = this.#identityConflict(message.room, identity, resumable)
    if (conflict) return this.#failJoin(conflict)
    if (!(resumable && this.#resume(resumable, name, capabilities))) this.#joinNew(message.room, name, identity, capabilities, false, 'join')
    this.#claimIdentity()
  }

  /**
   * A live session of the same token identity in `room`: replaced (evicted) or, with
   * `duplicateIdentity: reject`, the reason this join is refused. Resuming its own session is
   * not a duplicate.
   */
  #identityConflict(room: string, identity: string | undefined, resumable: ResumeClaims | undefined): 'identity-in-use' | undefined {
    const { policy } = this.#context
    const holder = identity === undefined ? undefined : policy.identities.holder(room, identity)
    if (!holder || resumable?.peerId === holder.session.peerId) return undefined
    if (policy.duplicateIdentity === 'reject') return 'identity-in-use'
    holder.evict()
    return undefined
  }

  #claimIdentity(): void {
    const session = this.#membership?.session
    if (session?.identity === undefined) return
    this.#context.policy.identities.claim(session.room, session.identity, { session, evict: () => this.#evict(session) })
  }

  #joinNew(room: string, name: string | undefined, identity: string | undefined, capabilities: readonly Capability[], implicit: boolean, ref: string): void {
    const session = this.#newSession(room, createPeerId(), name, identity, capabilities, implicit)
    const result = this.#register(session)
    if (!result.ok) return this.#violate(result.code, { ref })
    this.#enter(session, implicit)
    this.#log.debug({ implicit }, 'joined')
    if (!implicit) this.#welcome(session, false)
    this.#announce(session, implicit)
    this.#context.registry.moderation(room)?.arrived(session, capabilities.includes('room-admin'))
  }

  /**
   * Cluster mode: one Lua script admits the join against the whole cluster (room size, duplicate
   * identity, revocation) and says where a resumed session lived. A session this node holds
   * resumes here without Redis, as in memory.
   */
  async #admitClustered(message: Join, claims: RoomTokenClaims | undefined, cluster: Cluster): Promise<void> {
    const { registry, policy } = this.#context
    const { room } = message
    const identity = claims?.identity
    const resumable = this.#resumable(message.resumeToken, room, identity)
    if (resumable && registry.member(room, resumable.peerId) instanceof Session) return this.#admitLocally(message, claims)
    const created = !registry.has(room)
    const name = claims?.name ?? message.name
    const capabilities = claims?.capabilities ?? DEFAULT_CAPABILITIES
    const knocker: ClusterKnocker = {
      admitted: (by, members, moderation) => this.#admittedClustered(by, members, moderation, cluster),
      turnedAway: (code) => this.#turnedAway(code),
    }
    const request = { room, peerId: createPeerId(), resumePeerId: resumable?.peerId, name, identity, admin: capabilities.includes('room-admin'), knocker }
    // Redis went away since `ready()` said otherwise: admitted by this node alone, as while degraded.
    const result = await cluster.join(request).catch(() => undefined)
    if (result?.ok === 'waiting') {
      if (this.#state === 'closed') return cluster.withdraw(room, result.peerId)
      return this.#wait({ room, peerId: result.peerId, name, identity, capabilities, clustered: true }, created)
    }
    if (this.#state === 'closed' && !result?.ok) return
    if (!result) return this.#admitLocally(message, claims)
    if (!result.ok) return this.#failJoin(result.code)
    // Another join with the same resume token won the race on this node: resume its session instead.
    if (registry.member(room, result.peerId) instanceof Session) return this.#admitLocally(message, claims)
    if (created) policy.joinBudget.take(this.#address)
    if (result.evict && identity !== undefined) this.#evictElsewhere(cluster, room, identity, result.evict)
    // Now, not after a hand-over: a node found dead meanwhile must not come back from this answer.
    cluster.mirror(room, result.members)
    // A session another node held comes with the frames queued there (lost with a dead node).
    const handover: Handover | undefined = result.from && (result.from.alive ? await cluster.takeOver(room, result.peerId, result.from.node) : LOST)
    this.#enterClustered(room, result, handover, identity, capabilities, cluster)
  }

  #enterClustered(
    room: string,
    result: Extract<ClusterJoinResult, { ok: true }>,
    handover: Handover | undefined,
    identity: string | undefined,
    capabilities: readonly Capability[],
    cluster: Cluster,
  ): void {
    const { registry, policy } = this.#context
    const session = this.#newSession(room, result.peerId, result.name, identity, capabilities)
    registry.add(room, session)
    const queued = handover?.drain() ?? []
    if (identity !== undefined) policy.identities.claim(room, identity, { session, evict: () => this.#evict(session) })
    if (this.#state === 'closed') {
      // The socket went while Redis answered: the session waits for a resume like any dropped one.
      for (const frame of queued) session.send(frame)
      cluster.up(session)
      return this.#detach(session)
    }
    this.#enter(session, false)
    this.#welcome(session, result.resumed, handover?.overflowed ?? false)
    for (const frame of queued) session.send(frame)
    // Moved from another node: the room knows the peer already, only where it lives changed.
    // Everyone hears a new host, after `peer-joined` (other nodes with `up`); otherwise only the joiner hears the room state.
    if (handover) cluster.up(session)
    else this.#announce(session, false, result.hostsChanged ? result.moderation : undefined)
    const moderation = registry.moderation(room)
    moderation?.apply(result.moderation, result.hostsChanged ? BROADCAST : undefined)
    if (!result.hostsChanged) moderation?.resumed(session)
    this.#log.debug({ resumed: result.resumed, moved: handover !== undefined }, 'joined through the cluster')
  }

  /** A host on any node admitted this connection's knock (cluster mode): Redis lists it as a member already. */
  #admittedClustered(by: string, members: readonly ClusterPeer[], snapshot: ModerationSnapshot, cluster: Cluster): boolean {
    const knock = this.#knock
    if (!knock || this.#state !== 'waiting') return false
    const { registry, policy } = this.#context
    const { room, peerId, name, identity, capabilities } = knock
    const session = this.#newSession(room, peerId, name, identity, capabilities)
    registry.add(room, session)
    cluster.mirror(room, members)
    if (identity !== undefined) policy.identities.claim(room, identity, { session, evict: () => this.#evict(session) })
    this.#knock = undefined
    this.#enter(session, false)
    this.#log.debug({ by }, 'admitted')
    this.#welcome(session, false)
    this.#announce(session, false)
    const moderation = registry.moderation(room)
    moderation?.apply(snapshot)
    moderation?.resumed(session)
    return true
  }

  #evictElsewhere(cluster: Cluster, room: string, identity: string, evict: { peerId: string; node: string }): void {
    if (evict.node !== cluster.nodeId) return cluster.evict(evict.node, room, identity, evict.peerId)
    const holder = this.#context.policy.identities.holder(room, identity)
    if (holder?.session.peerId === evict.peerId) holder.evict()
  }

  // ── waiting room ───────────────────────────────────────────────────────────────────────────

  /** Knocks on a locked room: the client waits (`waiting`), hearing nothing of the room, until a host answers. */
  #knockOn(room: string, name: string | undefined, identity: string | undefined, capabilities: readonly Capability[]): void {
    const { registry, policy } = this.#context
    // Refused now rather than at admission, so a knock never evicts anyone.
    if (identity !== undefined && policy.duplicateIdentity === 'reject' && policy.identities.holder(room, identity)) {
      return this.#failJoin('identity-in-use')
    }
    const knocker: Knocker = {
      peerId: createPeerId(),
      name,
      admitted: (by) => this.#admitted(by),
      turnedAway: (code) => this.#turnedAway(code),
    }
    const created = !registry.has(room)
    this.#knock = { room, peerId: knocker.peerId, name, identity, capabilities, clustered: false }
    this.#setState('waiting')
    const result = registry.knock(room, knocker)
    if (!result.ok) {
      this.#knock = undefined
      this.#setState('lobby')
      return this.#failJoin(result.code)
    }
    this.#wait(this.#knock, created)
  }

  /** The knock is registered (here or in Redis): the client hears `waiting`. */
  #wait(knock: Knock, created: boolean): void {
    this.#knock = knock
    this.#setState('waiting')
    if (created) this.#context.policy.joinBudget.take(this.#address)
    this.#log.debug('knocked')
    this.deliver(encode({ type: 'waiting', peerId: knock.peerId, timeoutMs: this.#context.knockTimeoutMs } satisfies Waiting))
  }

  /** A host admitted this connection's knock: it joins as a new member (RoomModeration.admit). */
  #admitted(by: string): AdmitRefusal | undefined {
    const knock = this.#knock
    if (!knock || this.#state !== 'waiting') return 'unknown-peer'
    const { room, peerId, name, identity, capabilities } = knock
    const conflict = this.#identityConflict(room, identity, undefined)
    if (conflict) return conflict
    const session = this.#newSession(room, peerId, name, identity, capabilities)
    const result = this.#context.registry.join(room, session)
    if (!result.ok) return result.code
    this.#knock = undefined
    this.#enter(session, false)
    this.#log.debug({ by }, 'admitted')
    this.#welcome(session, false)
    this.#announce(session, false)
    this.#context.registry.moderation(room)?.arrived(session, false)
    this.#claimIdentity()
    return undefined
  }

  /** A host denied the knock, or it timed out: back to the lobby, and it cost a join. */
  #turnedAway(code: 'denied' | 'knock-timeout'): void {
    if (!this.#knock) return
    this.#knock = undefined
    this.#setState('lobby')
    this.#context.policy.joinBudget.take(this.#address)
    this.#log.debug({ code }, 'knock turned away')
    this.#violate(code, { ref: 'join' })
  }

  /**
   * The knocker left or its socket closed. A withdrawn knock costs a join like a refused one:
   * otherwise knocking and leaving in a loop would ring every host for free.
   */
  #withdraw(next: 'lobby' | 'closed'): void {
    const knock = this.#knock
    if (!knock) return
    this.#knock = undefined
    this.#setState(next)
    this.#context.policy.joinBudget.take(this.#address)
    if (knock.clustered) this.#context.cluster?.withdraw(knock.room, knock.peerId)
    else this.#context.registry.moderation(knock.room)?.withdraw(knock.peerId)
  }

  // ── host actions ───────────────────────────────────────────────────────────────────────────

  #moderate(message: HostMessage): Promise<void> | undefined {
    const membership = this.#membership
    if (!membership) return void this.#violate('not-in-room', { ref: message.type })
    const { session } = membership
    const { registry, cluster } = this.#context
    // Redis holds the lock, hosts and knocks of every room; ask-mute changes none of them, so this
    // node's view of the hosts decides it, and the frame reaches the peer's node as a relay does.
    if (cluster && message.type !== 'ask-mute') return this.#moderateClustered(message, session, cluster)
    const moderation = registry.moderation(session.room)
    if (!moderation?.isHost(session.peerId)) return void this.#violate('not-permitted', { ref: message.type })
    let refused: AdmitRefusal | undefined
    switch (message.type) {
      case 'lock':
        moderation.setLocked(message.locked)
        break
      case 'admit':
        refused = moderation.admit(session.peerId, message.peer)
        break
      case 'deny':
        refused = moderation.deny(session.peerId, message.peer)
        break
      case 'make-host':
        refused = moderation.makeHost(session.peerId, message.peer)
        break
      case 'remove':
        refused = this.#remove(session, message.peer)
        break
      case 'ask-mute': {
        const target = message.peer === session.peerId ? undefined : registry.member(session.room, message.peer)
        if (!target) refused = 'unknown-peer'
        else target.send(encode({ type: 'mute-requested', from: session.peerId } satisfies MuteRequested))
        break
      }
    }
    this.#refused(message.type, refused)
    return undefined
  }

  #refused(ref: HostMessage['type'], refused: AdmitRefusal | 'not-permitted' | undefined): void {
    if (refused === 'unknown-peer') return this.#violate('unknown-peer', { path: '/peer', ref })
    if (refused) this.#violate(refused, { ref })
  }

  /** Cluster mode: the host check and the action run as one script in Redis; every node hears the outcome. */
  async #moderateClustered(message: Exclude<HostMessage, { type: 'ask-mute' }>, session: Session, cluster: Cluster): Promise<void> {
    if (!cluster.ready()) return this.#violate('internal', { ref: message.type, message: 'Redis is unreachable: host actions wait until it answers again' })
    const action: HostAction = message.type === 'lock' ? message : { type: message.type, peer: message.peer }
    const refused = await cluster.moderate(session.room, session.peerId, action)
    if (message.type === 'remove' && refused === undefined) this.#log.info({ removed: message.peer }, 'a host removed a member')
    this.#refused(message.type, refused)
  }

  /** Ends `peerId`'s session for good: its socket closes with 4004 and its resume tokens die with it. */
  #remove(host: Session, peerId: string): 'unknown-peer' | undefined {
    const target = peerId === host.peerId ? undefined : this.#context.registry.member(host.room, peerId)
    if (!(target instanceof Session)) return 'unknown-peer'
    removeSession(this.#context, target, host.peerId)
    this.#log.info({ removed: target.peerId }, 'a host removed a member')
    return undefined
  }

  /**
   * The claims of a resume token this joiner may use: valid, unrevoked, for this room, and issued
   * to the same room-token identity (none on an open server), so a valid room token for one
   * identity cannot take over another identity's session.
   */
  #resumable(token: string | undefined, room: string, identity: string | undefined) {
    const claims = token === undefined ? undefined : this.#context.resume.tokens.verify(token)
    return claims && claims.room === room && claims.identity === identity ? claims : undefined
  }

  // A usable resume token resumes the peer under its old id: the live session when this
  // process still holds it (queued frames follow the welcome), or a re-created one when the
  // server restarted meanwhile. Anything else falls back to a fresh join.
  #resume(claims: ResumeClaims, name: string | undefined, capabilities: readonly Capability[]): boolean {
    const { registry } = this.#context
    const existing = registry.member(claims.room, claims.peerId)
    if (existing instanceof Session) {
      this.#enter(existing, false)
      this.#welcome(existing, true)
      existing.attach(this)
      registry.moderation(claims.room)?.resumed(existing)
      this.#log.debug('resumed')
      return true
    }
    if (existing) return false
    const session = this.#newSession(claims.room, claims.peerId, name, claims.identity, capabilities)
    const result = this.#register(session)
    if (!result.ok) {
      this.#violate(result.code, { ref: 'join' })
      return true
    }
    this.#enter(session, false)
    this.#welcome(session, true)
    this.#announce(session, false)
    registry.moderation(claims.room)?.arrived(session, capabilities.includes('room-admin'))
    this.#log.debug('resumed a session this process did not hold')
    return true
  }

  #leave(): void {
    const membership = this.#membership
    if (!membership) return
    this.#forget()
    // Leaving is for good: the session's resume tokens must not bring it back.
    this.#context.resume.tokens.revoke(membership.session.peerId)
    this.#context.cluster?.revoke(membership.session.peerId)
    this.#end(membership.session, 'left')
    this.#log.debug('left')
  }

  // Runs when a newer join with the same token identity replaces this connection's session.
  #evict(session: Session): void {
    if (this.#membership?.session === session) this.#forget()
    this.#end(session, 'replaced')
    this.#violate('identity-replaced')
  }

  #refuse(reason: AuthFailureReason, message: string): void {
    const { policy } = this.#context
    policy.metrics.authFailures.inc({ reason })
    policy.joinBudget.take(this.#address)
    this.#log.info({ reason }, 'join refused for its token')
    this.#violate('unauthorized', { message, ref: 'join' })
  }

  #failJoin(violation: 'server-full' | 'identity-in-use' | 'room-full'): void {
    this.#context.policy.joinBudget.take(this.#address)
    this.#violate(violation, { ref: 'join' })
  }

  // Joins that fail or find no room are what guessing room names looks like; they spend the
  // client's join budget, and a client that has spent it is refused every join for a while.
  #joinBudgetSpent(ref: string): boolean {
    if (this.#context.policy.joinBudget.has(this.#address)) return false
    this.#violate('too-many-joins', { ref })
    return true
  }

  /** Registers `session` in its room, charging the join budget when that fails or creates the room. */
  #register(session: Session): JoinResult {
    const { registry, policy } = this.#context
    const created = !registry.has(session.room)
    const result = registry.join(session.room, session)
    if (!result.ok || created) policy.joinBudget.take(this.#address)
    return result
  }

  // Joining an existing room never creates one, so only a new room counts against maxRooms.
  #roomAvailable(room: string): boolean {
    const { registry, policy } = this.#context
    return registry.has(room) || registry.roomCount < policy.maxRooms
  }

  #newSession(room: string, peerId: string, name: string | undefined, identity: string | undefined, capabilities: readonly Capability[], implicit = false): Session {
    const { queueLimits, queueBudget } = this.#context.resume
    return new Session({ peerId, name, room, identity, capabilities, implicit, queueLimits, queueBudget }, this)
  }

  #welcome(session: Session, resumed: boolean, lostFrames = false): void {
    const { registry, iceServers, resume } = this.#context
    const message: Welcome = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      peerId: session.peerId,
      room: session.room,
      peers: registry.others(session.room, session.peerId).map(peerInfo),
      iceServers: iceServers(session, (frame) => this.deliver(frame), this.#socket),
      resumeToken: resume.tokens.issue({ peerId: session.peerId, room: session.room, identity: session.identity }),
      capabilities: [...session.capabilities],
      ...(resumed ? { resumed } : {}),
      // Frames were dropped while it was away: the client renegotiates rather than wait for them.
      ...(resumed && (lostFrames || session.queueOverflowed) ? { queueOverflowed: true } : {}),
    }
    this.deliver(encode(message))
  }

  // Peers on other nodes hear of it through their node (cluster mode); a tutorial client that
  // joined by relaying stays known to its own node only.
  #announce(session: Session, implicit: boolean, moderation?: ModerationSnapshot): void {
    const frame = encode({ type: 'peer-joined', peer: peerInfo(session) } satisfies PeerJoined)
    for (const other of this.#context.registry.others(session.room, session.peerId)) if (isLocal(other)) other.send(frame)
    if (!implicit) this.#context.cluster?.up(session, moderation)
  }

  #end(session: Session, reason: PeerLeftReason): void {
    endSession(this.#context, session, reason)
  }

  // ── relay ──────────────────────────────────────────────────────────────────────────────────

  #relay(message: RelayMessage, frame: ReceivedFrame, arrivedAt: number): void {
    const { policy, registry } = this.#context
    if (!this.#membership && !this.#joinImplicitly(message.type)) return
    const membership = this.#membership
    if (!membership) return
    const { session, implicit } = membership
    // Only a session without every publish capability has its descriptions read (media-grant.ts).
    const grant = session.mediaGrant
    if (grant && message.type !== 'candidate') {
      const exceeded = grantExceeded(descriptionOf(message).sdp, grant)
      if (exceeded) return this.#violate('not-permitted', { message: exceeded, ref: message.type })
    }
    // A locked room's traffic never reaches sockets that are not in it.
    const toLobby = implicit && !registry.moderation(session.room)?.locked
    const delivered = relay(registry, session.room, session, message, frame, toLobby ? TO_LOBBY : TO_MEMBERS)
    if (delivered === 'unknown-peer') return this.#violate(delivered, { path: '/to', ref: message.type })
    policy.metrics.relayed[message.type] += delivered
    if (arrivedAt !== 0) policy.metrics.relayLatency.observe((performance.now() - arrivedAt) / 1000)
  }

  /** A tutorial client joins its URL room by relaying; false when it may not. */
  #joinImplicitly(ref: string): boolean {
    const { policy } = this.#context
    // A tutorial client cannot present a token, so on a server with auth it cannot join at all.
    if (policy.auth) {
      this.#refuse('missing', 'This server requires a token in join')
      return false
    }
    if (policy.draining()) {
      this.#violate('draining', { ref })
      return false
    }
    if (this.#joinBudgetSpent(ref)) return false
    // A tutorial client cannot knock; a locked room is closed to it.
    if (this.#context.registry.mustKnock(this.#lobbyRoom, false)) {
      policy.joinBudget.take(this.#address)
      this.#violate('not-permitted', { message: 'The room is locked: send join to knock', ref })
      return false
    }
    if (!this.#roomAvailable(this.#lobbyRoom)) {
      policy.joinBudget.take(this.#address)
      this.#violate('server-full', { ref })
      return false
    }
    this.#joinNew(this.#lobbyRoom, undefined, undefined, DEFAULT_CAPABILITIES, true, ref)
    return true
  }

  // ── close ──────────────────────────────────────────────────────────────────────────────────

  /** The socket failed (its `error` event); `ws` closes it next. */
  failed(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#context.policy.metrics.dropped.inc({ reason: 'frame-too-big' })
    this.#log.debug({ err: error }, 'socket error')
  }

  /** The socket closed (its `close` event). */
  closed(code: number): void {
    this.#withdraw('closed')
    const membership = this.#membership
    this.#membership = undefined
    this.#setState('closed')
    this.#context.openPerAddress.release(this.#address)
    this.#log.debug({ code }, 'closed')
    if (!membership) return
    const { session, implicit } = membership
    if (implicit) return this.#end(session, 'disconnected')
    this.#detach(session)
  }

  // The room hears nothing yet: the client may resume within the grace period.
  #detach(session: Session): void {
    const { graceMs } = this.#context.resume
    if (graceMs === 0) return this.#end(session, 'disconnected')
    session.detach(graceMs, () => this.#end(session, 'disconnected'))
  }
}

type HostMessage = Extract<ClientMessage, { type: 'lock' | 'admit' | 'deny' | 'remove' | 'ask-mute' | 'make-host' }>

/** Ends `session` and tells its room; `removedBy` names the host that removed it. */
function endSession(context: ConnectionContext, session: Session, reason: PeerLeftReason, removedBy?: string): void {
  const { registry, policy, cluster } = context
  session.end()
  policy.identities.release(session)
  // Before leaving the registry, which tells the cluster which nodes share the room.
  cluster?.left(session, reason, removedBy)
  const moderation = registry.moderation(session.room)
  const left: PeerLeft = removedBy === undefined ? { type: 'peer-left', peerId: session.peerId, reason } : { type: 'peer-left', peerId: session.peerId, reason, removedBy }
  const frame = encode(left)
  for (const other of registry.leave(session.room, session)) if (isLocal(other)) other.send(frame)
  // With Redis, the host role passes on there (the cluster tells every node); alone, here.
  if (!cluster?.ready()) moderation?.departed(session.peerId)
}

/**
 * A host removed `session` for good: its resume tokens die with it and its socket closes with
 * 4004. In cluster mode Redis revoked the tokens already, and this is the node holding it.
 */
function removeSession(context: ConnectionContext, session: Session, by: string): void {
  context.resume.tokens.revoke(session.peerId)
  session.remove()
  endSession(context, session, 'left', by)
}

/** Cluster mode: a host on any node removed `peerId` of `room`, if this process holds its session. */
export function removeLocalSession(context: ConnectionContext, room: string, peerId: string, by: string): void {
  const session = context.registry.member(room, peerId)
  if (session instanceof Session) removeSession(context, session, by)
}

function roomFromUrl(url: string | undefined): string {
  const query = url?.split('?')[1]
  const room = query === undefined ? null : new URLSearchParams(query).get('room')
  return room !== null && isRoomName(room) ? room : IMPLICIT_ROOM
}
