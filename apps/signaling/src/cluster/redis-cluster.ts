// Cluster mode on Redis: membership and moderation (lock, hosts, knocks) in Lua-checked hashes,
// routing over one pub/sub channel per node, liveness keys, the reaping of dead nodes and
// reconciliation after a Redis outage.
// Loaded only when `redisUrl` is set (server.ts imports it dynamically).
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { PeerInfo } from '@peerlane/protocol'
import type { Logger } from 'pino'
import type { DuplicateIdentityPolicy } from '../config.js'
import type { ClusterMetrics, Metrics } from '../metrics.js'
import type { ModerationEvent, ModerationSnapshot } from '../room-moderation.js'
import { isLocal, type RoomRegistry } from '../rooms.js'
import { Session } from '../session.js'
import type { Cluster, ClusterJoinRequest, ClusterJoinResult, ClusterKnocker, ClusterPeer, Handover, HostAction, HostRefusal } from './cluster.js'
import { controlEnvelope, deliveryEnvelope, parseEnvelope, type Control } from './envelope.js'
import { KEYS, PREFIX } from './keys.js'
import { Handovers } from './handovers.js'
import { RoomMirror } from './room-mirror.js'
import { ADMIT, DENY, END_KNOCK, JOIN, LEAVE, LOCK, MAKE_HOST, RAISE_VERSION, REAP, REGISTER, REMOVE, REVOKE, SNAPSHOT } from './scripts.js'

export interface RedisClusterOptions {
  readonly url: string
  readonly heartbeatMs: number
  /** The resume grace period: a dead node's peers are reported gone this long after it died. */
  readonly graceMs: number
  readonly maxPeersPerRoom: number
  readonly duplicateIdentity: DuplicateIdentityPolicy
  /** `lockRooms`: new rooms start locked. */
  readonly lockNewRooms: boolean
  /** Open mode: the first member is host, and the longest-present inherits the role. */
  readonly hostsByArrival: boolean
  readonly knockTimeoutMs: number
  readonly maxWaiting: number
  /** How long a revocation must hold: the resume token lifetime. */
  readonly revocationTtlMs: number
  /** Revocations kept at once, cluster-wide (`maxRevokedResumeTokens`). */
  readonly maxRevoked: number
  readonly registry: RoomRegistry
  /** Ends this node's session of `identity` in `room` as replaced, if `peerId` still holds it. */
  readonly evictLocal: (room: string, identity: string, peerId: string) => void
  /** Forgets the identity claim of a session that moved to another node. */
  readonly release: (session: Session) => void
  /** Ends this node's session `peerId` in `room` as removed by the host `by` (closed with 4004). */
  readonly removeLocal: (room: string, peerId: string, by: string) => void
  readonly metrics: Metrics
  readonly logger: Logger
}

// A node that does not answer a hand-over in this time is treated as gone: the client is told its
// queued frames were lost (`queueOverflowed`) and renegotiates.
const HANDOVER_TIMEOUT_MS = 1_000
// Liveness keys live this many heartbeats: one late renewal must not declare a node dead.
const LIVENESS_HEARTBEATS = 3
// A Redis that accepts connections but stops answering (overloaded, stopped) counts as unreachable
// after this: a join then falls back to this node alone instead of hanging.
const COMMAND_TIMEOUT_MS = 2_000
// A frame is forwarded once at most (to where its peer moved); a second hop means two nodes disagree.
const MAX_HOPS = 1

/** The Lua scripts as ioredis commands (the names `Scripted` types): name → [number of KEYS, script]. */
const COMMANDS: Readonly<Record<string, readonly [number, string]>> = {
  peerlaneJoin: [3, JOIN],
  peerlaneLeave: [3, LEAVE],
  peerlaneRegister: [3, REGISTER],
  peerlaneReap: [1, REAP],
  peerlaneRevoke: [1, REVOKE],
  peerlaneLock: [0, LOCK],
  peerlaneMakeHost: [0, MAKE_HOST],
  peerlaneAdmit: [0, ADMIT],
  peerlaneDeny: [0, DENY],
  peerlaneRemove: [0, REMOVE],
  peerlaneEndKnock: [0, END_KNOCK],
  peerlaneSnapshot: [0, SNAPSHOT],
  peerlaneRaiseVersion: [1, RAISE_VERSION],
}

type Reply = (string | number)[]
type Scripted = Redis & {
  peerlaneJoin(...args: (string | number)[]): Promise<Reply>
  peerlaneLeave(...args: string[]): Promise<Reply>
  peerlaneRegister(...args: string[]): Promise<number>
  peerlaneReap(...args: string[]): Promise<string>
  peerlaneRevoke(...args: (string | number)[]): Promise<number>
  peerlaneLock(...args: string[]): Promise<Reply>
  peerlaneMakeHost(...args: string[]): Promise<Reply>
  peerlaneAdmit(...args: (string | number)[]): Promise<Reply>
  peerlaneDeny(...args: string[]): Promise<Reply>
  peerlaneRemove(...args: (string | number)[]): Promise<Reply>
  peerlaneEndKnock(...args: string[]): Promise<Reply>
  peerlaneSnapshot(...args: string[]): Promise<string>
  peerlaneRaiseVersion(...args: (string | number)[]): Promise<number>
}

/** A knock of this node: who to tell how it ends, and its timeout. */
interface Waiting {
  readonly knocker: ClusterKnocker
  readonly timer: ReturnType<typeof setTimeout>
}

/** Connects to Redis in the background: the node serves (degraded) until Redis answers. */
export function createRedisCluster(options: RedisClusterOptions): Cluster {
  return new RedisCluster(options)
}

class RedisCluster implements Cluster {
  readonly nodeId = randomBytes(6).toString('base64url')
  readonly #options: RedisClusterOptions
  readonly #cmd: Scripted
  readonly #sub: Redis
  readonly #metrics: ClusterMetrics
  readonly #log: Logger
  readonly #mirror: RoomMirror
  readonly #livenessMs: number
  /** Sessions of this node that are cluster members (re-registered after an outage). */
  readonly #sessions = new Set<Session>()
  readonly #handovers = new Handovers(HANDOVER_TIMEOUT_MS)
  /** This node's knocks, by "room peerId": bounded per room by the join script (`maxWaiting`). */
  readonly #waiting = new Map<string, Waiting>()
  /** The newest moderation version seen, raised again in a Redis that restarted empty. */
  #version = 0
  /** When each node was first seen without its liveness key. */
  readonly #deadSince = new Map<string, number>()
  readonly #timer: ReturnType<typeof setInterval>
  #pruneTimer: ReturnType<typeof setTimeout> | undefined
  #down = true
  // The last liveness renewal failed although the connections look open (Redis hangs).
  #stalled = false
  #closed = false

  constructor(options: RedisClusterOptions) {
    this.#options = options
    this.#log = options.logger.child({ node: this.nodeId })
    this.#livenessMs = options.heartbeatMs * LIVENESS_HEARTBEATS
    this.#mirror = new RoomMirror(options.registry, (node, room, peerId, frame) => this.#publish(node, deliveryEnvelope(room, peerId, frame, 0, Date.now())))
    this.#metrics = options.metrics.cluster(() => !this.ready())
    const retryStrategy = (attempt: number): number => Math.min(attempt * 100, 2_000)
    // Commands fail at once while Redis is away rather than queue: the node serves locally meanwhile.
    this.#cmd = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS, retryStrategy }) as Scripted
    this.#sub = new Redis(options.url, { retryStrategy })
    for (const [name, [numberOfKeys, lua]] of Object.entries(COMMANDS)) this.#cmd.defineCommand(name, { numberOfKeys, lua })
    for (const client of [this.#cmd, this.#sub]) {
      client.on('error', (error: Error) => this.#log.debug({ err: error }, 'redis error'))
      client.on('close', () => this.#lost())
      client.on('ready', () => this.#reconnected())
    }
    this.#sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.#received(message))
    // Subscribed once; ioredis subscribes again on every reconnect.
    this.#sub.subscribe(KEYS.channel(this.nodeId)).catch((error: unknown) => this.#log.warn({ err: error }, 'subscribe failed'))
    this.#timer = setInterval(() => void this.#tick(), options.heartbeatMs)
    this.#timer.unref()
    // The URL may hold a password: only its host is logged.
    this.#log.info({ redis: redisHost(options.url) }, 'cluster mode: this node shares rooms through Redis')
  }

  ready(): boolean {
    return this.#connected() && !this.#stalled
  }

  #connected(): boolean {
    return this.#cmd.status === 'ready' && this.#sub.status === 'ready'
  }

  // ── joins ──────────────────────────────────────────────────────────────────────────────────

  async join(request: ClusterJoinRequest): Promise<ClusterJoinResult> {
    const { room } = request
    const reply = await this.#cmd.peerlaneJoin(
      KEYS.members(room),
      KEYS.identities(room),
      KEYS.revoked,
      this.nodeId,
      request.peerId,
      request.resumePeerId ?? '',
      request.name ?? '',
      request.identity ?? '',
      this.#options.maxPeersPerRoom,
      this.#options.duplicateIdentity,
      room,
      PREFIX,
      request.admin ? '1' : '0',
      this.#options.lockNewRooms ? '1' : '0',
      this.#options.hostsByArrival ? '1' : '0',
      this.#options.maxWaiting,
    )
    const [status, peerId = '', ...rest] = reply.map(String)
    if (status === 'room-full' || status === 'identity-in-use') return { ok: false, code: status }
    if (status === 'waiting') {
      const [state, ...flat] = rest
      this.#wait(room, peerId, request.knocker)
      const peer: PeerInfo = request.name === undefined ? { peerId } : { peerId, name: request.name }
      this.#moderated(room, nodesOf(parseMembers(flat)), this.#snapshot(state), { e: 'knock', peer })
      return { ok: 'waiting', peerId }
    }
    const [name, resumed, fromNode, fromAlive, evictPeer, evictNode, hostsChanged, state, ...flat] = rest
    const members = parseMembers(flat)
    const moderation = this.#snapshot(state)
    return {
      ok: true,
      peerId: peerId as string,
      name: name === '' ? undefined : name,
      resumed: resumed === '1',
      from: fromNode && fromNode !== this.nodeId ? { node: fromNode, alive: fromAlive === '1' } : undefined,
      evict: evictPeer && evictNode ? { peerId: evictPeer, node: evictNode } : undefined,
      members,
      moderation,
      hostsChanged: hostsChanged === '1',
    }
  }

  takeOver(room: string, peerId: string, node: string): Promise<Handover> {
    const handover = this.#handovers.wait(room, peerId)
    this.#publish(node, controlEnvelope({ k: 'take', node: this.nodeId, room, peerId }, Date.now()))
    return handover
  }

  mirror(room: string, members: readonly ClusterPeer[]): void {
    for (const peer of members) if (peer.node !== this.nodeId) this.#mirror.up(room, peer.peerId, peer.name, peer.node)
  }

  // ── this node's sessions ───────────────────────────────────────────────────────────────────

  up(session: Session, moderation?: ModerationSnapshot): void {
    this.#sessions.add(session)
    const control: Control = { k: 'up', node: this.nodeId, room: session.room, peerId: session.peerId, name: session.name, state: moderation }
    for (const node of this.#mirror.nodesIn(session.room)) this.#publish(node, controlEnvelope(control, Date.now()))
  }

  left(session: Session, reason: 'left' | 'disconnected' | 'replaced', removedBy?: string): void {
    if (!this.#sessions.delete(session)) return
    const { room, peerId } = session
    this.#leave(room, peerId)
    const control: Control = { k: 'left', node: this.nodeId, room, peerId, reason, by: removedBy }
    for (const node of this.#mirror.nodesIn(room)) this.#publish(node, controlEnvelope(control, Date.now()))
  }

  /** Redis forgets this node's member `peerId`; if it was the last host, everyone hears the new one. */
  #leave(room: string, peerId: string): void {
    this.#cmd
      .peerlaneLeave(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, peerId, room, PREFIX, this.#byArrival())
      .then(([removed, changed, state, ...flat]) => {
        if (removed === 1 && changed === 1) this.#moderated(room, nodesOf(parseMembers(flat.map(String))), this.#snapshot(String(state)), { e: 'state' })
      })
      .catch((error: unknown) => this.#log.debug({ err: error }, 'leave not recorded (Redis unreachable); reconciled later'))
  }

  // ── moderation ─────────────────────────────────────────────────────────────────────────────

  withdraw(room: string, peerId: string): void {
    this.#endKnock(room, peerId, 'left').catch((error: unknown) => this.#log.error({ err: error }, 'failed to end a knock'))
  }

  async moderate(room: string, by: string, action: HostAction): Promise<HostRefusal | undefined> {
    if (action.type === 'lock') {
      const [status, changed, state, ...flat] = (await this.#cmd.peerlaneLock(room, by, PREFIX, action.locked ? '1' : '0')).map(String)
      if (status !== 'ok') return refusal(status)
      if (changed === '1') this.#moderated(room, nodesOf(parseMembers(flat)), this.#snapshot(state), { e: 'state' })
      return undefined
    }
    const { peer } = action
    switch (action.type) {
      case 'make-host': {
        const [status, changed, state, ...flat] = (await this.#cmd.peerlaneMakeHost(room, by, PREFIX, peer)).map(String)
        if (status !== 'ok') return refusal(status)
        if (changed === '1') this.#moderated(room, nodesOf(parseMembers(flat)), this.#snapshot(state), { e: 'state' })
        return undefined
      }
      case 'deny': {
        const [status, node = '', state, ...flat] = (await this.#cmd.peerlaneDeny(room, by, PREFIX, peer)).map(String)
        if (status !== 'ok') return refusal(status)
        this.#send(node, { k: 'denied', node: this.nodeId, room, peerId: peer })
        this.#moderated(room, nodesOf(parseMembers(flat)), this.#snapshot(state), { e: 'ended', ended: { type: 'knock-ended', peerId: peer, outcome: 'denied', by } })
        return undefined
      }
      case 'admit': {
        const reply = await this.#cmd.peerlaneAdmit(room, by, PREFIX, peer, this.#options.maxPeersPerRoom, this.#options.duplicateIdentity)
        const [status, node = '', identity, evictPeer, evictNode, state, ...flat] = reply.map(String)
        if (status !== 'ok') return refusal(status)
        if (evictPeer && evictNode && identity) this.#send(evictNode, { k: 'evict', node: this.nodeId, room, identity, peerId: evictPeer })
        const members = parseMembers(flat)
        const snapshot = this.#snapshot(state)
        this.#send(node, { k: 'admitted', node: this.nodeId, room, peerId: peer, by, members, state: snapshot })
        this.#moderated(room, nodesOf(members), snapshot, { e: 'ended', ended: { type: 'knock-ended', peerId: peer, outcome: 'admitted', by } })
        return undefined
      }
      case 'remove': {
        const reply = await this.#cmd.peerlaneRemove(room, by, PREFIX, peer, this.#options.revocationTtlMs, this.#options.maxRevoked)
        const [status, node = ''] = reply.map(String)
        if (status !== 'ok') return refusal(status)
        // Published after the revocation on the same connection, so the resume it provokes is refused.
        this.#send(node, { k: 'remove', node: this.nodeId, room, peerId: peer, by })
        return undefined
      }
    }
  }

  /** Holds this node's knock until a host answers (`admitted`/`denied` from any node) or it times out. */
  #wait(room: string, peerId: string, knocker: ClusterKnocker): void {
    const timer = setTimeout(() => {
      this.#endKnock(room, peerId, 'timed-out').catch((error: unknown) => this.#log.error({ err: error }, 'failed to end a knock'))
    }, this.#options.knockTimeoutMs)
    timer.unref()
    this.#waiting.set(`${room} ${peerId}`, { knocker, timer })
  }

  /**
   * Ends this node's knock on its own (timeout, or the knocker left) unless a host answered it
   * first, in one script: the knock then ends with that answer only, and only once.
   */
  async #endKnock(room: string, peerId: string, outcome: 'timed-out' | 'left'): Promise<void> {
    const key = `${room} ${peerId}`
    const waiting = this.#waiting.get(key)
    if (!waiting) return
    clearTimeout(waiting.timer)
    // A knocker that left is forgotten now; a timed-out one stays until it is known who ended it.
    if (outcome === 'left') this.#waiting.delete(key)
    const reply = await this.#cmd.peerlaneEndKnock(room, peerId, PREFIX, this.nodeId).catch(() => undefined)
    const timeOut = (): void => {
      if (this.#waiting.get(key) !== waiting) return
      this.#waiting.delete(key)
      waiting.knocker.turnedAway('knock-timeout')
    }
    if (reply?.[0] === 1) {
      if (outcome === 'timed-out') timeOut()
      const [, state, ...flat] = reply.map(String)
      return this.#moderated(room, nodesOf(parseMembers(flat)), this.#snapshot(state), { e: 'ended', ended: { type: 'knock-ended', peerId, outcome } })
    }
    if (outcome === 'left') return
    // Redis unreachable (no host can answer either), or a host's answer is on its way: it has that
    // long to arrive. A knock lost with Redis (restarted empty) gets no answer and times out then.
    if (reply === undefined) return timeOut()
    setTimeout(timeOut, HANDOVER_TIMEOUT_MS).unref()
  }

  /** A host admitted this node's knock: it enters, or if it left meanwhile, Redis forgets it again. */
  #admitted(control: Extract<Control, { k: 'admitted' }>): void {
    const { room, peerId } = control
    const key = `${room} ${peerId}`
    const waiting = this.#waiting.get(key)
    this.#waiting.delete(key)
    if (waiting) clearTimeout(waiting.timer)
    if (waiting?.knocker.admitted(control.by, control.members, control.state)) return
    this.#leave(room, peerId)
    const left: Control = { k: 'left', node: this.nodeId, room, peerId, reason: 'left' }
    for (const node of nodesOf(control.members)) if (node !== this.nodeId) this.#publish(node, controlEnvelope(left, Date.now()))
  }

  #denied(room: string, peerId: string): void {
    const key = `${room} ${peerId}`
    const waiting = this.#waiting.get(key)
    if (!waiting) return
    this.#waiting.delete(key)
    clearTimeout(waiting.timer)
    waiting.knocker.turnedAway('denied')
  }

  /** `room`'s moderation changed: the nodes with members there hear it, and this node's members. */
  #moderated(room: string, nodes: Iterable<string>, state: ModerationSnapshot, event: ModerationEvent): void {
    const control: Control = { k: 'mod', node: this.nodeId, room, state, event }
    for (const node of nodes) if (node !== this.nodeId) this.#publish(node, controlEnvelope(control, Date.now()))
    this.#options.registry.moderation(room)?.apply(state, event)
  }

  /** Sends `control` to `node`: this node's own are handled at once. */
  #send(node: string, control: Control): void {
    if (node === this.nodeId) this.#control(control)
    else this.#publish(node, controlEnvelope(control, Date.now()))
  }

  /** Another node's snapshot of `room`: this node's members hear what `event` says. */
  #moderation(room: string, state: ModerationSnapshot, event: ModerationEvent | undefined): void {
    this.#version = Math.max(this.#version, state.version)
    this.#options.registry.moderation(room)?.apply(state, event)
  }

  /** A script's snapshot: its JSON text, or already parsed (inside REAP's answer). */
  #snapshot(json: string | undefined, parsed: unknown = json === undefined ? {} : JSON.parse(json)): ModerationSnapshot {
    const snapshot = parseSnapshot(parsed)
    this.#version = Math.max(this.#version, snapshot.version)
    return snapshot
  }

  #byArrival(): string {
    return this.#options.hostsByArrival ? '1' : '0'
  }

  revoke(peerId: string): void {
    this.#cmd
      .peerlaneRevoke(KEYS.revoked, peerId, this.#options.revocationTtlMs, this.#options.maxRevoked)
      .catch((error: unknown) => this.#log.warn({ err: error, peerId }, 'revocation not recorded cluster-wide (Redis unreachable)'))
  }

  evict(node: string, room: string, identity: string, peerId: string): void {
    this.#publish(node, controlEnvelope({ k: 'evict', node: this.nodeId, room, identity, peerId }, Date.now()))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    clearTimeout(this.#pruneTimer)
    // Survivors start the grace period now rather than when the liveness key expires.
    if (this.ready()) await this.#cmd.del(KEYS.alive(this.nodeId)).catch(() => undefined)
    this.#cmd.disconnect()
    this.#sub.disconnect()
  }

  // ── routing ────────────────────────────────────────────────────────────────────────────────

  #publish(node: string, envelope: Buffer): void {
    if (!this.ready()) {
      this.#metrics.crossNode.inc({ direction: 'dropped' })
      return
    }
    this.#metrics.crossNode.inc({ direction: 'out' })
    this.#cmd.publish(KEYS.channel(node), envelope).catch(() => this.#metrics.crossNode.inc({ direction: 'dropped' }))
  }

  #received(message: Buffer): void {
    const envelope = parseEnvelope(message)
    if (!envelope) return this.#log.warn('dropped a malformed message from the cluster channel')
    this.#metrics.crossNode.inc({ direction: 'in' })
    this.#metrics.pubsubLag.observe(Math.max(0, Date.now() - envelope.sentAt) / 1000)
    try {
      if (envelope.kind === 'deliver') this.#deliver(envelope.room, envelope.peerId, envelope.frame, envelope.hops)
      else this.#control(envelope.control)
    } catch (error) {
      this.#log.error({ err: error }, 'failed to handle a cluster message')
    }
  }

  #deliver(room: string, peerId: string, frame: Buffer, hops: number): void {
    if (this.#handovers.hold(room, peerId, frame)) return
    const member = this.#options.registry.member(room, peerId)
    if (!member) return
    if (isLocal(member)) return member.send(frame)
    // The peer moved on: pass the frame on once.
    if (hops < MAX_HOPS && member.node !== undefined) this.#publish(member.node, deliveryEnvelope(room, peerId, frame, hops + 1, Date.now()))
  }

  #control(control: Control): void {
    const { registry } = this.#options
    switch (control.k) {
      case 'up':
        // Rooms without a peer of this node are not mirrored here.
        if (!registry.has(control.room)) return
        this.#mirror.up(control.room, control.peerId, control.name, control.node)
        if (control.state) this.#moderation(control.room, control.state, { e: 'state' })
        return
      case 'left':
        return this.#mirror.left(control.room, control.peerId, control.node, control.reason, control.by)
      case 'mod':
        return this.#moderation(control.room, control.state, control.event)
      case 'admitted':
        return this.#admitted(control)
      case 'denied':
        return this.#denied(control.room, control.peerId)
      case 'remove':
        return this.#options.removeLocal(control.room, control.peerId, control.by)
      case 'evict':
        return this.#options.evictLocal(control.room, control.identity, control.peerId)
      case 'take':
        return this.#handOver(control.room, control.peerId, control.node)
      case 'handed':
        return this.#handovers.handed(control.room, control.peerId, control.frames, control.overflowed)
    }
  }

  /** Another node resumed a session of this one: it lives there now, with what was queued here. */
  #handOver(room: string, peerId: string, node: string): void {
    const { registry } = this.#options
    const session = registry.member(room, peerId)
    let frames: string[] = []
    let overflowed = false
    if (session instanceof Session) {
      this.#sessions.delete(session)
      this.#options.release(session)
      this.#mirror.moved(room, peerId, session.name, node)
      const handed = session.transfer()
      frames = handed.frames.map((frame) => frame.toString())
      overflowed = handed.overflowed
    }
    this.#publish(node, controlEnvelope({ k: 'handed', node: this.nodeId, room, peerId, frames, overflowed }, Date.now()))
  }

  // ── liveness, dead nodes, outages ──────────────────────────────────────────────────────────

  async #tick(): Promise<void> {
    if (!this.#connected() || this.#closed) return
    try {
      const started = performance.now()
      await this.#cmd.set(KEYS.alive(this.nodeId), '1', 'PX', this.#livenessMs)
      this.#metrics.redisRoundTrip.observe((performance.now() - started) / 1000)
      if (this.#stalled) {
        this.#stalled = false
        this.#down = false
        this.#log.info('Redis answers again')
        // Other nodes may have taken this one for dead meanwhile.
        await this.#reconcile()
      }
      await this.#cmd.sadd(KEYS.nodes, this.nodeId)
      await this.#reapDead()
    } catch (error) {
      if (!this.#stalled) this.#log.warn({ err: error }, 'Redis does not answer: serving this node\'s peers alone until it does')
      this.#stalled = true
    }
  }

  async #reapDead(): Promise<void> {
    const nodes = new Set([...(await this.#cmd.smembers(KEYS.nodes)), ...this.#mirror.nodes()])
    nodes.delete(this.nodeId)
    const now = Date.now()
    for (const node of nodes) {
      if ((await this.#cmd.exists(KEYS.alive(node))) === 1) {
        this.#deadSince.delete(node)
        continue
      }
      const since = this.#deadSince.get(node) ?? now
      this.#deadSince.set(node, since)
      if (now - since < this.#options.graceMs) continue
      this.#log.info({ dead: node }, 'a node stopped renewing its liveness: its peers are gone')
      this.#mirror.forgetNode(node, (room, peerId) => this.#handovers.has(room, peerId))
      this.#reaped(await this.#cmd.peerlaneReap(KEYS.nodes, node, PREFIX, this.#byArrival()))
      this.#deadSince.delete(node)
    }
  }

  /** What reaping a dead node changed (this run only): its knocks ended, hosts passed on. */
  #reaped(json: string): void {
    for (const { r: room, c: hostsChanged, e: ended, s: state, n: nodes } of parseReaped(json)) {
      const snapshot = this.#snapshot(undefined, state)
      for (const peerId of ended) this.#moderated(room, nodes, snapshot, { e: 'ended', ended: { type: 'knock-ended', peerId, outcome: 'left' } })
      if (hostsChanged) this.#moderated(room, nodes, snapshot, { e: 'state' })
    }
  }

  #lost(): void {
    if (this.#down || this.#closed) return
    this.#down = true
    this.#log.warn('Redis unreachable: serving this node\'s peers alone until it returns')
  }

  #reconnected(): void {
    if (!this.ready() || this.#closed || !this.#down) return
    this.#down = false
    this.#deadSince.clear()
    this.#reconcile().catch((error: unknown) => this.#log.warn({ err: error }, 'reconciliation with Redis failed; retried on the next reconnect'))
  }

  /**
   * Redis is back (possibly empty, after a restart): record this node and its sessions again, learn
   * who joined elsewhere meanwhile, and tell the other nodes about this node's peers. Peers that
   * vanished meanwhile are pruned later, once every live node had time to re-register its own.
   */
  async #reconcile(): Promise<void> {
    await this.#cmd.set(KEYS.alive(this.nodeId), '1', 'PX', this.#livenessMs)
    await this.#cmd.sadd(KEYS.nodes, this.nodeId)
    // Sessions that ended while Redis was away are still recorded under this node: forget them.
    const held = new Set([...this.#sessions].map((session) => `${session.room} ${session.peerId}`))
    // Versions restart with an emptied Redis: what changes next must be newer than every view.
    await this.#cmd.peerlaneRaiseVersion(KEYS.version, this.#version)
    for (const item of await this.#cmd.smembers(KEYS.nodePeers(this.nodeId))) {
      if (held.has(item)) continue
      const [room = '', peerId = ''] = item.split(' ')
      if (this.#waiting.has(item)) continue
      await this.#cmd.peerlaneLeave(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, peerId, room, PREFIX, this.#byArrival())
      await this.#cmd.peerlaneEndKnock(room, peerId, PREFIX, this.nodeId)
    }
    const { registry } = this.#options
    for (const session of this.#sessions) {
      const { room, peerId } = session
      const moderation = registry.moderation(room)
      const host = moderation?.isHost(peerId) ? (session.capabilities.includes('room-admin') ? 'admin' : 'host') : ''
      const locked = (moderation?.locked ?? this.#options.lockNewRooms) ? '1' : '0'
      await this.#cmd.peerlaneRegister(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, peerId, session.name ?? '', session.identity ?? '', room, PREFIX, locked, host, this.#byArrival())
    }
    for (const room of this.#mirror.rooms()) {
      this.mirror(room, parseMembers(flatten(await this.#cmd.hgetall(KEYS.members(room)))))
      const moderation = registry.moderation(room)
      const before = moderation?.version
      const snapshot = this.#snapshot(await this.#cmd.peerlaneSnapshot(room, PREFIX))
      if (moderation && snapshot.version !== before) moderation.apply(snapshot, { e: 'state' })
    }
    for (const session of this.#sessions) this.up(session)
    if (this.#sessions.size > 0) this.#log.info({ sessions: this.#sessions.size }, 'reconciled with Redis')
    clearTimeout(this.#pruneTimer)
    this.#pruneTimer = setTimeout(() => void this.#prune().catch(() => undefined), this.#livenessMs)
    this.#pruneTimer.unref()
  }

  /** Other nodes' peers this node still lists but Redis no longer does: they left while it was cut off. */
  async #prune(): Promise<void> {
    for (const room of this.#mirror.rooms()) {
      const listed = new Set(parseMembers(flatten(await this.#cmd.hgetall(KEYS.members(room)))).map((peer) => peer.peerId))
      this.#mirror.prune(room, listed)
    }
  }
}

/** The nodes holding `members`, each once. */
function nodesOf(members: readonly ClusterPeer[]): Set<string> {
  return new Set(members.map((member) => member.node))
}

function refusal(status: string | undefined): HostRefusal {
  return status === 'unknown-peer' || status === 'room-full' || status === 'identity-in-use' ? status : 'not-permitted'
}

/** A snapshot as the scripts encode it (cjson writes an empty list as `{}`). */
function parseSnapshot(parsed: unknown): ModerationSnapshot {
  const raw = (parsed ?? {}) as { v?: unknown; l?: unknown; h?: unknown; w?: unknown }
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
  return {
    version: typeof raw.v === 'number' ? raw.v : 0,
    locked: raw.l === true,
    hosts: list(raw.h).filter((peerId): peerId is string => typeof peerId === 'string'),
    waiting: list(raw.w).map((knock) => {
      const { p, m } = knock as { p: string; m?: string }
      return m === undefined ? { peerId: p } : { peerId: p, name: m }
    }),
  }
}

interface Reaped {
  readonly r: string
  readonly c: boolean
  readonly e: string[]
  readonly s: unknown
  readonly n: string[]
}

function parseReaped(json: string): Reaped[] {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
  return list(JSON.parse(json)).map((item) => {
    const { r, c, e, s, n } = item as Reaped
    return { r, c, e: list(e) as string[], s, n: list(n) as string[] }
  })
}

function redisHost(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '?'
  }
}

function flatten(hash: Record<string, string>): string[] {
  return Object.entries(hash).flat()
}

/** Members from a flat peerId, entry-JSON list (HGETALL's shape). */
function parseMembers(flat: readonly string[]): ClusterPeer[] {
  const members: ClusterPeer[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) {
    try {
      const entry = JSON.parse(flat[i + 1] as string) as { n?: unknown; m?: unknown }
      if (typeof entry.n !== 'string') continue
      members.push({ peerId: flat[i] as string, node: entry.n, name: typeof entry.m === 'string' ? entry.m : undefined })
    } catch {
      continue
    }
  }
  return members
}
