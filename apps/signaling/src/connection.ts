import type { IncomingMessage } from 'node:http'
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  RoomName,
  decode,
  encode,
  normalizeName,
  type ClientMessage,
  type ErrorCode,
  type Join,
  type PeerJoined,
  type PeerLeft,
  type PeerLeftReason,
  type Pong,
  type RelayMessage,
  type Welcome,
} from '@peerlane/protocol'
import { Value } from '@sinclair/typebox/value'
import type { Logger } from 'pino'
import { WebSocket, type RawData } from 'ws'
import type { AuthFailureReason, RoomTokenClaims } from './auth.js'
import { limitKey } from './client-address.js'
import { connectionLog } from './connection-log.js'
import { startJoinTimer } from './join-timeout.js'
import { checkMessageLimits, createFrameGuard, type FrameVerdict } from './limits.js'
import { FrameQueue, type QueueBudget, type QueueLimits } from './frame-queue.js'
import type { IceServersFor } from './ice-server-source.js'
import { errorFrame, type ErrorDetail } from './messages.js'
import type { ConnectionPolicy } from './policy.js'
import type { ResumeTokens } from './resume-token.js'
import { relay } from './router.js'
import { createPeerId, peerInfo, type JoinResult, type Recipient, type RoomRegistry } from './rooms.js'
import { Session } from './session.js'

export interface ConnectionContext {
  readonly registry: RoomRegistry
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
  /** How long a socket may stay outside any room before it is closed with 4003. */
  readonly joinTimeoutMs: number
}

/** The room of a client that relays before it joins: `?room=` of its connection URL when valid. */
export const IMPLICIT_ROOM = 'default'

interface Membership {
  readonly session: Session
  /** Joined by relaying without `join` (classic tutorial client): it gets no `welcome` and cannot resume. */
  readonly implicit: boolean
}

/** Wires one accepted socket to the room registry; owns the socket's membership until it closes. */
/** `remote` is the client's address as `clientAddress` found it (behind a trusted proxy, not the proxy's). */
export function handleConnection(socket: WebSocket, request: IncomingMessage, remote: string, context: ConnectionContext): void {
  const { registry, policy } = context
  const log = connectionLog(context.logger, { remote })
  // Per-client budgets count under this key (an IPv6 client's /64).
  const address = limitKey(remote)
  socket.on('error', (error) => log.debug({ err: error }, 'socket error'))

  /** Sends one frame; false when the socket can no longer take it (closing, or stuck). */
  const send = (frame: string): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false
    // Signaling frames are small; a peer this far behind is not reading, and buffering for it
    // without bound would let one stuck client grow the server's memory.
    if (socket.bufferedAmount > context.maxBufferedAmount) {
      log.warn({ bufferedAmount: socket.bufferedAmount }, 'terminating a peer that stopped reading')
      policy.metrics.dropped.inc({ reason: 'slow-consumer' })
      socket.terminate()
      return false
    }
    socket.send(frame)
    return true
  }
  const sendError = (code: ErrorCode, detail?: ErrorDetail): void => {
    policy.metrics.errors.inc({ code })
    send(errorFrame(code, detail))
  }

  const joinTimer = startJoinTimer(socket, context.joinTimeoutMs, () => {
    log.debug('closing a socket that joined no room in time')
    policy.metrics.dropped.inc({ reason: 'join-timeout' })
  })

  const lobbyRoom = roomFromUrl(request.url)
  const listener: Recipient = { send }
  let lobbyOpen = true
  let membership: Membership | undefined

  // Until a connection joins, it hears its URL room's tutorial-style broadcasts (see RoomRegistry).
  registry.listen(lobbyRoom, listener)
  const closeLobby = (): void => {
    if (!lobbyOpen) return
    lobbyOpen = false
    registry.unlisten(lobbyRoom, listener)
  }

  const enter = (session: Session, implicit: boolean): void => {
    closeLobby()
    joinTimer.joined()
    membership = { session, implicit }
    log.rebind({ remote, room: session.room, peerId: session.peerId })
  }

  const welcome = (session: Session, resumed: boolean): void => {
    const message: Welcome = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      peerId: session.peerId,
      room: session.room,
      peers: registry.others(session.room, session.peerId).map(peerInfo),
      iceServers: context.iceServers(session, send, socket),
      resumeToken: context.resume.tokens.issue({ peerId: session.peerId, room: session.room, identity: session.identity }),
      ...(resumed ? { resumed } : {}),
      // Frames were dropped while it was away: the client renegotiates rather than wait for them.
      ...(resumed && session.queueOverflowed ? { queueOverflowed: true } : {}),
    }
    send(encode(message))
  }

  const announce = (session: Session): void => {
    const frame = encode({ type: 'peer-joined', peer: peerInfo(session) } satisfies PeerJoined)
    for (const other of registry.others(session.room, session.peerId)) other.send(frame)
  }

  // Runs when another connection resumes this one's session while this socket still looks open.
  const replaced = (): void => {
    membership = undefined
    socket.close(CLOSE_CODES.replaced, 'session resumed on another connection')
  }

  const newSession = (room: string, peerId: string, name: string | undefined, identity: string | undefined): Session =>
    new Session({ peerId, name, room, identity, queue: new FrameQueue(context.resume.queueLimits, context.resume.queueBudget) }, send, replaced)

  // Joins that fail or find no room are what guessing room names looks like; they spend the
  // client's join budget, and a client that has spent it is refused every join for a while.
  const joinBudgetSpent = (ref: string): boolean => {
    if (policy.joinBudget.allows(address)) return false
    sendError('too-many-joins', { ref })
    return true
  }
  /** Registers `session` in its room, charging the join budget when that fails or creates the room. */
  const register = (session: Session): JoinResult => {
    const created = !registry.has(session.room)
    const result = registry.join(session.room, session)
    if (!result.ok || created) policy.joinBudget.charge(address)
    return result
  }

  const join = (room: string, name: string | undefined, identity: string | undefined, implicit: boolean, ref: string): void => {
    const session = newSession(room, createPeerId(), name, identity)
    const result = register(session)
    if (!result.ok) return sendError(result.code, { ref })
    enter(session, implicit)
    log.debug({ implicit }, 'joined')
    if (!implicit) welcome(session, false)
    announce(session)
  }

  /**
   * The claims of a resume token this joiner may use: valid, unrevoked, for this room, and issued
   * to the same room-token identity (none on an open server), so a valid room token for one
   * identity cannot take over another identity's session.
   */
  const resumable = (token: string | undefined, room: string, identity: string | undefined) => {
    const claims = token === undefined ? undefined : context.resume.tokens.verify(token)
    return claims && claims.room === room && claims.identity === identity ? claims : undefined
  }

  // A usable resume token resumes the peer under its old id: the live session when this
  // process still holds it (queued frames follow the welcome), or a re-created one when the
  // server restarted meanwhile. Anything else falls back to a fresh join.
  const resume = (message: Join, identity: string | undefined): boolean => {
    const claims = resumable(message.resumeToken, message.room, identity)
    if (!claims) return false
    const existing = registry.member(message.room, claims.peerId)
    if (existing instanceof Session) {
      enter(existing, false)
      welcome(existing, true)
      existing.attach(send, replaced)
      log.debug('resumed')
      return true
    }
    if (existing) return false
    const session = newSession(message.room, claims.peerId, message.name, identity)
    const result = register(session)
    if (!result.ok) {
      sendError(result.code, { ref: 'join' })
      return true
    }
    enter(session, false)
    welcome(session, true)
    announce(session)
    log.debug('resumed a session this process did not hold')
    return true
  }

  const end = (session: Session, reason: PeerLeftReason): void => {
    session.end()
    policy.identities.release(session)
    const frame = encode({ type: 'peer-left', peerId: session.peerId, reason } satisfies PeerLeft)
    for (const other of registry.leave(session.room, session)) other.send(frame)
  }

  const leave = (): void => {
    if (!membership) return
    const { session } = membership
    membership = undefined
    // Leaving is for good: the session's resume tokens must not bring it back.
    context.resume.tokens.revoke(session.peerId)
    end(session, 'left')
    joinTimer.left()
    log.debug('left')
    log.rebind({ remote })
  }

  const onJoin = (message: Join): void | Promise<void> => {
    if (membership) return sendError('already-joined', { ref: 'join' })
    if (policy.draining()) return sendError('draining', { ref: 'join' })
    if (joinBudgetSpent('join')) return
    if (!policy.auth) return admit(message, undefined)
    return policy.auth.verify(message.token, message.room).then((result) => {
      // The socket closed while the token was checked: joining now would leave a ghost member.
      if (closed) return
      if (!result.ok) return refuse(result.reason, result.message)
      admit(message, result.claims)
    })
  }

  const admit = (message: Join, claims: RoomTokenClaims | undefined): void => {
    if (!roomAvailable(message.room)) return failJoin('server-full')
    const identity = claims?.identity
    const holder = identity === undefined ? undefined : policy.identities.holder(message.room, identity)
    // Resuming its own session is not a duplicate of the identity.
    const resumesHolder = holder !== undefined && resumable(message.resumeToken, message.room, identity)?.peerId === holder.session.peerId
    if (holder && !resumesHolder) {
      if (policy.duplicateIdentity === 'reject') return failJoin('identity-in-use')
      holder.evict()
    }
    // A name in the token was set by the application's backend and wins over the client's.
    const name = claims?.name ?? message.name
    if (!resume({ ...message, name }, identity)) join(message.room, name, identity, false, 'join')
    if (claims && membership) policy.identities.claim(message.room, claims.identity, { session: membership.session, evict: evict(membership.session) })
  }

  const failJoin = (code: 'server-full' | 'identity-in-use'): void => {
    policy.joinBudget.charge(address)
    sendError(code, { ref: 'join' })
  }

  // Runs when a newer join with the same token identity replaces this connection's session.
  const evict = (session: Session) => (): void => {
    if (membership?.session === session) {
      membership = undefined
      log.rebind({ remote })
    }
    end(session, 'replaced')
    policy.metrics.dropped.inc({ reason: 'replaced' })
    socket.close(CLOSE_CODES.replaced, 'replaced by a newer session of the same identity')
  }

  const refuse = (reason: AuthFailureReason, message: string): void => {
    policy.metrics.authFailures.inc({ reason })
    policy.joinBudget.charge(address)
    log.info({ reason }, 'join refused for its token')
    sendError('unauthorized', { message, ref: 'join' })
    socket.close(CLOSE_CODES.unauthorized, 'unauthorized')
  }

  // Joining an existing room never creates one, so only a new room counts against maxRooms.
  const roomAvailable = (room: string): boolean => registry.has(room) || registry.roomCount < policy.maxRooms

  // When the current relay frame arrived, for the relay latency histogram.
  let frameArrivedAt = 0

  const onRelay = (message: RelayMessage): void => {
    if (!membership) {
      // A tutorial client cannot present a token, so on a server with auth it cannot join at all.
      if (policy.auth) return refuse('missing', 'This server requires a token in join')
      if (policy.draining()) return sendError('draining', { ref: message.type })
      if (joinBudgetSpent(message.type)) return
      if (!roomAvailable(lobbyRoom)) {
        policy.joinBudget.charge(address)
        return sendError('server-full', { ref: message.type })
      }
      join(lobbyRoom, undefined, undefined, true, message.type)
    }
    if (!membership) return
    const result = relay(registry, membership.session.room, membership.session, message, { toLobby: membership.implicit })
    if (!result.ok) return sendError(result.code, { path: '/to', ref: message.type })
    policy.metrics.relayed.inc({ type: message.type }, result.delivered)
    policy.metrics.relayLatency.observe((performance.now() - frameArrivedAt) / 1000)
  }

  const dispatch = (message: ClientMessage): void | Promise<void> => {
    // Every name is relayed and compared in NFC; the limits below apply to that form.
    if (message.type === 'join' && message.name !== undefined) message.name = normalizeName(message.name)
    const violation = checkMessageLimits(message, policy.messageLimits)
    if (violation) return sendError('invalid-message', { ...violation, ref: message.type })
    switch (message.type) {
      case 'join':
        return onJoin(message)
      case 'leave':
        if (!membership) return sendError('not-in-room', { ref: 'leave' })
        return leave()
      case 'ping': {
        const pong: Pong = message.id === undefined ? { type: 'pong' } : { type: 'pong', id: message.id }
        send(encode(pong))
        return
      }
      case 'offer':
      case 'answer':
      case 'candidate':
        return onRelay(message)
    }
  }

  // A handler bug must cost one error reply, never the process or the other peers.
  const handlerFailed = (error: unknown): void => {
    log.error({ err: error }, 'failed to handle a frame')
    sendError('internal')
  }

  /** Handles one frame; returns a promise only when a step is asynchronous (a join's token check). */
  const handleFrame = (data: RawData, isBinary: boolean, arrivedAt: number): Promise<void> | undefined => {
    if (closed) return undefined
    try {
      if (isBinary) {
        sendError('binary-frame')
        return undefined
      }
      const decoded = decode(rawText(data), 'client')
      if (!decoded.ok) {
        const { code, message, path, ref } = decoded.error
        sendError(code, { message, path, ref })
        return undefined
      }
      frameArrivedAt = arrivedAt
      return dispatch(decoded.message)?.catch(handlerFailed)
    } catch (error) {
      handlerFailed(error)
      return undefined
    }
  }

  const onLimited = (verdict: Exclude<FrameVerdict, 'ok'>): void => {
    if (socket.readyState !== WebSocket.OPEN) return
    policy.metrics.rateLimited.inc()
    if (verdict === 'limited') return sendError('rate-limited')
    policy.metrics.dropped.inc({ reason: 'flood' })
    log.warn('closing a connection that kept flooding')
    socket.close(CLOSE_CODES.policyViolation, 'rate limit exceeded repeatedly')
  }

  const admitFrame = createFrameGuard(policy.rateLimits)
  // Frames wait here while a join's token is verified (asynchronously), so none overtakes the
  // join; otherwise each frame is handled at once, with no promise per frame on the hot path.
  let backlog: Promise<void> | undefined
  let closed = false
  socket.on('message', (data, isBinary) => {
    const arrivedAt = performance.now()
    // Checked on arrival, before queueing: a flood costs no memory even while a join is pending.
    const verdict = admitFrame(byteLength(data))
    if (verdict !== 'ok') return onLimited(verdict)
    const pending = backlog ? backlog.then(() => handleFrame(data, isBinary, arrivedAt)) : handleFrame(data, isBinary, arrivedAt)
    if (!pending) return
    const settled: Promise<void> = pending.then(() => {
      if (backlog === settled) backlog = undefined
    })
    backlog = settled
  })

  socket.once('close', (code) => {
    closed = true
    closeLobby()
    log.debug({ code }, 'closed')
    if (!membership) return
    const { session, implicit } = membership
    membership = undefined
    // The room hears nothing yet: the client may resume within the grace period.
    if (implicit || context.resume.graceMs === 0) return end(session, 'disconnected')
    session.detach(context.resume.graceMs, () => end(session, 'disconnected'))
  })
}

function roomFromUrl(url: string | undefined): string {
  const query = url?.split('?')[1]
  const room = query === undefined ? null : new URLSearchParams(query).get('room')
  return room !== null && Value.Check(RoomName, room) ? room : IMPLICIT_ROOM
}

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, chunk) => sum + chunk.length, 0) : data.byteLength
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
