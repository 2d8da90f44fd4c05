// Cluster mode on Redis: membership in Lua-checked hashes, routing over one pub/sub channel per
// node, liveness keys, the reaping of dead nodes and reconciliation after a Redis outage.
// Loaded only when `redisUrl` is set (server.ts imports it dynamically).
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { DuplicateIdentityPolicy } from '../config.js'
import type { ClusterMetrics, Metrics } from '../metrics.js'
import { isLocal, type RoomRegistry } from '../rooms.js'
import { Session } from '../session.js'
import type { Cluster, ClusterJoinRequest, ClusterJoinResult, ClusterPeer, Handover } from './cluster.js'
import { controlEnvelope, deliveryEnvelope, parseEnvelope, type Control } from './envelope.js'
import { KEYS } from './keys.js'
import { Handovers } from './handovers.js'
import { RoomMirror } from './room-mirror.js'
import { JOIN, LEAVE, REAP, REGISTER, REVOKE } from './scripts.js'

export interface RedisClusterOptions {
  readonly url: string
  readonly heartbeatMs: number
  /** The resume grace period: a dead node's peers are reported gone this long after it died. */
  readonly graceMs: number
  readonly maxPeersPerRoom: number
  readonly duplicateIdentity: DuplicateIdentityPolicy
  /** How long a revocation must hold: the resume token lifetime. */
  readonly revocationTtlMs: number
  /** Revocations kept at once, cluster-wide (`maxRevokedResumeTokens`). */
  readonly maxRevoked: number
  readonly registry: RoomRegistry
  /** Ends this node's session of `identity` in `room` as replaced, if `peerId` still holds it. */
  readonly evictLocal: (room: string, identity: string, peerId: string) => void
  /** Forgets the identity claim of a session that moved to another node. */
  readonly release: (session: Session) => void
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

type Scripted = Redis & {
  peerlaneJoin(...args: (string | number)[]): Promise<(string | number)[]>
  peerlaneLeave(...args: string[]): Promise<number>
  peerlaneRegister(...args: string[]): Promise<number>
  peerlaneReap(...args: string[]): Promise<number>
  peerlaneRevoke(...args: (string | number)[]): Promise<number>
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
    this.#cmd.defineCommand('peerlaneJoin', { numberOfKeys: 3, lua: JOIN })
    this.#cmd.defineCommand('peerlaneLeave', { numberOfKeys: 3, lua: LEAVE })
    this.#cmd.defineCommand('peerlaneRegister', { numberOfKeys: 3, lua: REGISTER })
    this.#cmd.defineCommand('peerlaneReap', { numberOfKeys: 1, lua: REAP })
    this.#cmd.defineCommand('peerlaneRevoke', { numberOfKeys: 1, lua: REVOKE })
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
      'peerlane:',
    )
    const [status, peerId, name, resumed, fromNode, fromAlive, evictPeer, evictNode, ...flat] = reply.map(String)
    if (status === 'room-full' || status === 'identity-in-use') return { ok: false, code: status }
    return {
      ok: true,
      peerId: peerId as string,
      name: name === '' ? undefined : name,
      resumed: resumed === '1',
      from: fromNode && fromNode !== this.nodeId ? { node: fromNode, alive: fromAlive === '1' } : undefined,
      evict: evictPeer && evictNode ? { peerId: evictPeer, node: evictNode } : undefined,
      members: parseMembers(flat),
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

  up(session: Session): void {
    this.#sessions.add(session)
    const control: Control = { k: 'up', node: this.nodeId, room: session.room, peerId: session.peerId, name: session.name }
    for (const node of this.#mirror.nodesIn(session.room)) this.#publish(node, controlEnvelope(control, Date.now()))
  }

  left(session: Session, reason: 'left' | 'disconnected' | 'replaced'): void {
    if (!this.#sessions.delete(session)) return
    const { room, peerId } = session
    this.#cmd
      .peerlaneLeave(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, peerId, room)
      .catch((error: unknown) => this.#log.debug({ err: error }, 'leave not recorded (Redis unreachable); reconciled later'))
    const control: Control = { k: 'left', node: this.nodeId, room, peerId, reason }
    for (const node of this.#mirror.nodesIn(room)) this.#publish(node, controlEnvelope(control, Date.now()))
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
        if (registry.has(control.room)) this.#mirror.up(control.room, control.peerId, control.name, control.node)
        return
      case 'left':
        return this.#mirror.left(control.room, control.peerId, control.node, control.reason)
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
      await this.#cmd.peerlaneReap(KEYS.nodes, node, 'peerlane:')
      this.#deadSince.delete(node)
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
    for (const item of await this.#cmd.smembers(KEYS.nodePeers(this.nodeId))) {
      if (held.has(item)) continue
      const [room = '', peerId = ''] = item.split(' ')
      await this.#cmd.peerlaneLeave(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, peerId, room)
    }
    for (const session of this.#sessions) {
      const { room } = session
      await this.#cmd.peerlaneRegister(KEYS.members(room), KEYS.identities(room), KEYS.nodePeers(this.nodeId), this.nodeId, session.peerId, session.name ?? '', session.identity ?? '', room)
    }
    for (const room of this.#mirror.rooms()) this.mirror(room, parseMembers(flatten(await this.#cmd.hgetall(KEYS.members(room)))))
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
