// Over 300 lines: one state machine over successive sockets (handshake, outbox, backoff, drain) reads best whole.
import {
  CLOSE_CODES,
  type ClientMessage,
  type IceServersUpdate,
  type Knock,
  type KnockEnded,
  type MuteRequested,
  type PeerJoined,
  type PeerLeft,
  type RelayedAnswer,
  type RelayedCandidate,
  type RelayedOffer,
  type RoomState,
  type ServerMessage,
  type Waiting,
  type Welcome,
} from '@peerlane/protocol/codec'
import { backoffDelay, type BackoffOptions } from './backoff.js'
import { Emitter } from './emitter.js'
import type { WebSocketConstructor } from './environment.js'
import { PeerlaneError } from './errors.js'
import { frameSize } from './frame-limits.js'
import type { Logger } from './logger.js'
import { SignalClient } from './signal-client.js'

/**
 * `joined`: in the room on a fresh session (first join, or the server lost ours while we were
 * away); `resumed`: back in the room as the same peer after a drop; `reconnecting`: the socket
 * dropped and a new one is being opened (peer connections carry on meanwhile).
 */
export type SessionState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'resumed' | 'closed'

/** What the room acts on once in: the roster, relayed negotiation, and renewed ICE servers. */
export type RoomMessage = PeerJoined | PeerLeft | RelayedOffer | RelayedAnswer | RelayedCandidate | IceServersUpdate

/** Waiting-room and host-moderation messages, for whoever implements the room's moderation. */
export type RoomControlMessage = Waiting | Knock | KnockEnded | RoomState | MuteRequested

export interface JoinRequest {
  readonly room: string
  readonly name?: string | undefined
  readonly token?: string | undefined
}

export interface SignalingSessionOptions {
  /** One URL, or several (nodes of one cluster): each reconnect after a drop tries the next. */
  readonly url: string | readonly string[]
  readonly WebSocket: WebSocketConstructor
  readonly log: Logger
  readonly keepaliveTimeoutMs: number
  /** Reconnect backoff, or undefined to end the session when the socket drops. */
  readonly backoff: BackoffOptions | undefined
  readonly maxFrameBytes: number
}

export interface WelcomeInfo {
  /** True when this welcome ends a reconnect. */
  readonly reconnected: boolean
  /** True when the server continued our session (same peer id); false for a fresh one. */
  readonly sameSession: boolean
  /** Signaling for or from us was lost while away (the server's queue or our outbox overflowed). */
  readonly signalingLost: boolean
}

export interface SignalingSessionEvents {
  state: (state: SessionState) => void
  /** Emitted synchronously as the welcome arrives, before any frame the server queued after it. */
  welcome: (welcome: Welcome, info: WelcomeInfo) => void
  message: (message: RoomMessage) => void
  control: (message: RoomControlMessage) => void
  draining: (reconnectAfterMs: number | undefined) => void
  /** A server `error`, an invalid server frame, or a frame refused before sending (`peerId` names whose). */
  error: (error: PeerlaneError) => void
  /** The session ended without `close()` being called; `error` says why. */
  ended: (error: PeerlaneError) => void
}

// Closes after which reconnecting would be wrong: the server refused this client or its token,
// or another session of the same identity took over.
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.policyViolation, CLOSE_CODES.unauthorized, CLOSE_CODES.replaced])
/** Signaling held while reconnecting: at most this many frames and this many encoded bytes. */
export const OUTBOX_LIMITS = { frames: 512, bytes: 1024 * 1024 } as const

interface Handshake {
  readonly resolve: (welcome: Welcome) => void
  readonly reject: (error: PeerlaneError) => void
}

/**
 * The signaling session: one state machine over a succession of sockets. It joins, keeps the
 * resume token, holds outgoing signaling while reconnecting (bounded by count and bytes),
 * reconnects with backoff (or after the delay a draining server asks for) and resumes.
 *
 * Each socket gets one permanent listener, attached before it opens: the welcome is handled
 * synchronously in it, so frames the server queues right behind the welcome (`ws` delivers a
 * chunk's frames in one go) always find the room ready for them.
 */
export class SignalingSession extends Emitter<SignalingSessionEvents> {
  private current: SessionState = 'idle'
  private socket: SignalClient | undefined
  private handshake: Handshake | undefined
  private request: JoinRequest | undefined
  private resumeToken: string | undefined
  private selfId: string | undefined
  private outbox: Array<{ readonly message: ClientMessage; readonly bytes: number }> = []
  private outboxBytes = 0
  private outboxOverflowed = false
  private attempt = 0
  // Which of the URLs the next socket opens: advanced on every drop and failed attempt.
  private urlIndex = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private drainDelayMs: number | undefined

  constructor(private readonly options: SignalingSessionOptions) {
    super()
  }

  get state(): SessionState {
    return this.current
  }

  /** Connects and joins; resolves with the welcome, rejects with a coded `PeerlaneError`. */
  async start(request: JoinRequest): Promise<Welcome> {
    if (this.current !== 'idle' && this.current !== 'closed') throw PeerlaneError.invalidState(`join() while ${this.current}`)
    this.request = request
    this.resumeToken = undefined
    this.selfId = undefined
    this.setState('connecting')
    try {
      return await this.open()
    } catch (error) {
      this.shutDown()
      throw error
    }
  }

  /**
   * Sends `message`, or holds it while reconnecting. Nothing a peer made us produce may cost us
   * the socket, so a frame the server would refuse is reported (`error`, with its peer) instead.
   */
  send(message: ClientMessage): void {
    const size = frameSize(message, this.options.maxFrameBytes)
    if (typeof size === 'string') {
      const peerId = 'to' in message && typeof message.to === 'string' ? message.to : undefined
      this.options.log.warn(`not sent: ${size}`)
      if (peerId !== undefined) this.emit('error', PeerlaneError.negotiation(peerId, new Error(size)))
      return
    }
    if (this.socket?.send(message)) return
    if (this.current !== 'reconnecting') return
    this.outbox.push({ message, bytes: size })
    this.outboxBytes += size
    while (this.outbox.length > OUTBOX_LIMITS.frames || this.outboxBytes > OUTBOX_LIMITS.bytes) {
      this.outboxBytes -= this.outbox.shift()?.bytes ?? 0
      this.outboxOverflowed = true
    }
  }

  /** Says goodbye to the room and ends the session. */
  leave(): void {
    if (this.current === 'idle' || this.current === 'closed') return
    this.socket?.send({ type: 'leave' })
    this.shutDown()
  }

  /** Ends the session without a goodbye (the socket closes; the server times us out of the room). */
  close(): void {
    if (this.current === 'idle' || this.current === 'closed') return
    this.shutDown()
  }

  private async open(): Promise<Welcome> {
    const request = this.request
    if (!request) throw PeerlaneError.invalidState('not joining')
    const { WebSocket, log, keepaliveTimeoutMs } = this.options
    const socket = new SignalClient(this.currentUrl(), WebSocket, log, keepaliveTimeoutMs)
    socket.on('message', (message) => this.receive(socket, message))
    socket.on('protocol-error', (error) => this.socketError(socket, error))
    socket.on('close', (code, reason) => this.lost(socket, code, reason))
    const welcome = new Promise<Welcome>((resolve, reject) => (this.handshake = { resolve, reject }))
    // Rejected early (left while connecting) it is still awaited below; never an unhandled rejection.
    welcome.catch(() => undefined)
    try {
      await socket.connect()
    } catch (error) {
      this.handshake = undefined
      throw error
    }
    if (this.current !== 'connecting' && this.current !== 'reconnecting') {
      socket.close()
      return welcome
    }
    this.socket = socket
    socket.send({
      type: 'join',
      room: request.room,
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.token !== undefined ? { token: request.token } : {}),
      ...(this.resumeToken !== undefined ? { resumeToken: this.resumeToken } : {}),
    })
    return welcome
  }

  private receive(socket: SignalClient, message: ServerMessage): void {
    if (socket !== this.socket) return
    if (this.handshake) {
      if (message.type === 'welcome') this.enter(message)
      else if (message.type === 'error') this.refused(PeerlaneError.fromServer(message.code, message.message))
      else this.options.log.debug(`${message.type} before welcome ignored`)
      return
    }
    switch (message.type) {
      case 'draining':
        // Leave at once rather than wait for the server's 1012: its drain then ends sooner, and
        // the reconnect, after the delay it asks for, may land on another node meanwhile.
        this.emit('draining', message.reconnectAfterMs)
        this.drainDelayMs = message.reconnectAfterMs
        this.socket = undefined
        socket.close()
        this.dropped(CLOSE_CODES.serviceRestart, 'server draining')
        return
      case 'error':
        this.emit('error', PeerlaneError.fromServer(message.code, message.message))
        return
      case 'welcome':
      case 'pong':
        return
      case 'waiting':
      case 'knock':
      case 'knock-ended':
      case 'room-state':
      case 'mute-requested':
        this.emit('control', message)
        return
      default:
        this.emit('message', message)
    }
  }

  private enter(welcome: Welcome): void {
    const handshake = this.handshake
    this.handshake = undefined
    const reconnected = this.current === 'reconnecting'
    const sameSession = reconnected && this.selfId === welcome.peerId
    const signalingLost = sameSession && (welcome.queueOverflowed === true || this.outboxOverflowed)
    const held = sameSession ? this.outbox : []
    this.outbox = []
    this.outboxBytes = 0
    this.outboxOverflowed = false
    this.selfId = welcome.peerId
    this.resumeToken = welcome.resumeToken
    this.attempt = 0
    this.drainDelayMs = undefined
    this.setState(sameSession ? 'resumed' : 'joined')
    for (const { message } of held) this.socket?.send(message)
    this.emit('welcome', welcome, { reconnected, sameSession, signalingLost })
    handshake?.resolve(welcome)
  }

  // The server answered our join with an error: the handshake fails, and so does this socket.
  private refused(error: PeerlaneError): void {
    const handshake = this.handshake
    this.handshake = undefined
    this.socket?.close()
    this.socket = undefined
    handshake?.reject(error)
  }

  private socketError(socket: SignalClient, error: PeerlaneError): void {
    if (socket !== this.socket) return
    if (this.handshake) this.refused(error)
    else this.emit('error', error)
  }

  private lost(socket: SignalClient, code: number, reason: string): void {
    if (socket !== this.socket) return
    this.socket = undefined
    if (this.handshake) {
      const handshake = this.handshake
      this.handshake = undefined
      handshake.reject(PeerlaneError.connectionLost(code, reason))
      return
    }
    this.dropped(code, reason)
  }

  private dropped(code: number, reason: string): void {
    if (!this.options.backoff || FINAL_CLOSE_CODES.has(code)) {
      this.end(PeerlaneError.connectionLost(code, reason))
      return
    }
    this.options.log.info(`signaling closed (${code}); reconnecting`)
    this.setState('reconnecting')
    this.scheduleReconnect()
  }

  private currentUrl(): string {
    const { url } = this.options
    if (typeof url === 'string') return url
    const next = url[this.urlIndex % url.length]
    if (next === undefined) throw PeerlaneError.invalidState('url is an empty list')
    return next
  }

  private scheduleReconnect(): void {
    const backoff = this.options.backoff
    if (!backoff) return
    // The node we were on dropped us or refused the attempt: the next one may be alive.
    this.urlIndex++
    const delay = this.drainDelayMs ?? backoffDelay(this.attempt, backoff)
    this.drainDelayMs = undefined
    this.attempt++
    this.timer = setTimeout(() => void this.reconnect(), delay)
  }

  private async reconnect(): Promise<void> {
    this.timer = undefined
    try {
      await this.open()
    } catch (error) {
      if (this.current !== 'reconnecting') return
      if (error instanceof PeerlaneError && error.code === 'unauthorized') {
        this.end(error)
        return
      }
      this.options.log.debug('reconnect attempt failed', error)
      this.scheduleReconnect()
    }
  }

  private end(error: PeerlaneError): void {
    this.shutDown()
    this.emit('ended', error)
  }

  private shutDown(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.handshake?.reject(PeerlaneError.invalidState('left before the server answered'))
    this.handshake = undefined
    this.outbox = []
    this.outboxBytes = 0
    this.socket?.close()
    this.socket = undefined
    this.setState('closed')
  }

  private setState(next: SessionState): void {
    if (next === this.current) return
    this.options.log.debug(`session ${this.current} -> ${next}`)
    this.current = next
    this.emit('state', next)
  }
}
