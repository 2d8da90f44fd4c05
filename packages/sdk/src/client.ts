import type { PeerInfo, PeerLeftReason, ServerMessage, Welcome } from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import {
  platformPeerConnection,
  platformWebSocket,
  type PeerConnectionConstructor,
  type WebSocketConstructor,
} from './environment.js'
import { PeerlaneError } from './errors.js'
import { createLogger, type Logger, type LogLevel } from './logger.js'
import { PeerSession } from './peer-session.js'
import { SignalClient } from './signal-client.js'

export type ClientState = 'idle' | 'connecting' | 'joined' | 'closed'

export interface PeerlaneClientOptions {
  /** The signaling server's WebSocket URL, e.g. `wss://example.com/ws`. */
  readonly url: string
  /** ICE servers to use instead of the ones the server announces in `welcome`. */
  readonly iceServers?: RTCIceServer[]
  /** Defaults to the platform's `WebSocket`; inject `ws`'s in Node. */
  readonly WebSocket?: WebSocketConstructor
  /** Defaults to the platform's `RTCPeerConnection`; inject e.g. werift's in Node. */
  readonly RTCPeerConnection?: PeerConnectionConstructor
  /** How long ICE may stay `disconnected` before the SDK restarts it. Default 4000 ms. */
  readonly iceDisconnectedRestartMs?: number
  readonly logLevel?: LogLevel
  readonly logger?: Logger
}

export interface JoinOptions {
  readonly name?: string
  /** Tracks to send to every peer. Without one, the client only receives. */
  readonly stream?: MediaStream
  readonly token?: string
}

/** A participant on the other end, with the peer connection that reaches them. */
export interface RemotePeer {
  readonly id: string
  readonly name?: string
  readonly connection: RTCPeerConnection
}

export interface JoinInfo {
  readonly peerId: string
  readonly room: string
  readonly peers: readonly RemotePeer[]
}

export interface TrackEvent {
  readonly peer: RemotePeer
  readonly track: MediaStreamTrack
  readonly streams: readonly MediaStream[]
}

export interface ClientEvents {
  'peer-joined': (peer: RemotePeer) => void
  'peer-left': (peer: RemotePeer, reason: PeerLeftReason) => void
  track: (event: TrackEvent) => void
  'connection-state': (event: { peer: RemotePeer; state: RTCPeerConnectionState }) => void
  state: (state: ClientState) => void
  error: (error: PeerlaneError) => void
}

interface Member {
  readonly peer: RemotePeer
  readonly session: PeerSession
}

/**
 * Joins a Peerlane room and keeps one perfect-negotiation peer connection to every other
 * participant (a mesh).
 */
export class PeerlaneClient extends Emitter<ClientEvents> {
  private clientState: ClientState = 'idle'
  private signaling: SignalClient | undefined
  private readonly members = new Map<string, Member>()
  private self: { peerId: string; room: string; iceServers: RTCIceServer[] } | undefined
  private localStream: MediaStream | undefined
  private readonly log: Logger

  constructor(private readonly options: PeerlaneClientOptions) {
    super()
    this.log = options.logger ?? createLogger('client', options.logLevel)
  }

  get state(): ClientState {
    return this.clientState
  }

  get peerId(): string | undefined {
    return this.self?.peerId
  }

  get room(): string | undefined {
    return this.self?.room
  }

  /** The remote peers currently in the room, by id. */
  get peers(): ReadonlyMap<string, RemotePeer> {
    return new Map([...this.members].map(([id, member]) => [id, member.peer]))
  }

  /** Connects, joins `room`, and connects to everyone already there. Rejects with a coded `PeerlaneError`. */
  async join(room: string, options: JoinOptions = {}): Promise<JoinInfo> {
    if (this.clientState === 'connecting' || this.clientState === 'joined') {
      throw PeerlaneError.invalidState(`join() while ${this.clientState}`)
    }
    const WebSocketImpl = this.options.WebSocket ?? platformWebSocket()
    if (!WebSocketImpl) throw PeerlaneError.invalidState('No WebSocket implementation: pass options.WebSocket')
    this.localStream = options.stream
    this.setState('connecting')
    const signaling = new SignalClient(this.options.url, WebSocketImpl, this.log)
    this.signaling = signaling
    try {
      await signaling.connect()
      const welcome = await this.awaitWelcome(signaling, room, options)
      return this.enter(signaling, welcome)
    } catch (error) {
      signaling.close()
      this.signaling = undefined
      this.setState('closed')
      throw error
    }
  }

  /** Hangs up: tells the room, closes every peer connection and the socket. */
  leave(): void {
    if (this.clientState === 'idle' || this.clientState === 'closed') return
    this.signaling?.send({ type: 'leave' })
    this.teardown()
  }

  /** Restarts ICE with one peer, or with every peer; the SDK also does this itself on ICE failure. */
  restartIce(peerId?: string): void {
    for (const [id, member] of this.members) if (peerId === undefined || id === peerId) member.session.restartIce()
  }

  private awaitWelcome(signaling: SignalClient, room: string, options: JoinOptions): Promise<Welcome> {
    return new Promise((resolve, reject) => {
      const stop = () => {
        offMessage()
        offClose()
        offProtocol()
      }
      const offMessage = signaling.on('message', (message) => {
        if (message.type === 'welcome') {
          stop()
          resolve(message)
        } else if (message.type === 'error') {
          stop()
          reject(PeerlaneError.fromServer(message.code, message.message))
        }
      })
      const offProtocol = signaling.on('protocol-error', (error) => {
        stop()
        reject(error)
      })
      const offClose = signaling.on('close', (code, reason) => {
        stop()
        reject(PeerlaneError.connectionLost(code, reason))
      })
      signaling.send({
        type: 'join',
        room,
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.token !== undefined ? { token: options.token } : {}),
      })
    })
  }

  private enter(signaling: SignalClient, welcome: Welcome): JoinInfo {
    this.self = {
      peerId: welcome.peerId,
      room: welcome.room,
      iceServers: this.options.iceServers ?? welcome.iceServers,
    }
    signaling.on('message', (message) => this.handle(message))
    signaling.on('protocol-error', (error) => this.emit('error', error))
    signaling.on('close', (code, reason) => {
      this.emit('error', PeerlaneError.connectionLost(code, reason))
      this.teardown()
    })
    this.setState('joined')
    this.hangUpOnPageExit()
    // The newcomer offers to everyone already present; they answer (see `handle`).
    const peers = welcome.peers.map((info) => this.addMember(info, true))
    return { peerId: welcome.peerId, room: welcome.room, peers }
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'peer-joined':
        this.addMember(message.peer, false)
        return
      case 'peer-left':
        this.removeMember(message.peerId, message.reason)
        return
      case 'offer':
      case 'answer':
      case 'candidate': {
        const member = this.members.get(message.from)
        if (!member) {
          this.log.debug(`${message.type} from unknown peer ${message.from} dropped`)
          return
        }
        void member.session.receive(message)
        return
      }
      case 'error':
        this.emit('error', PeerlaneError.fromServer(message.code, message.message))
        return
      case 'welcome':
      case 'pong':
        return
    }
  }

  private addMember(info: PeerInfo, offer: boolean): RemotePeer {
    const existing = this.members.get(info.peerId)
    if (existing) return existing.peer
    const self = this.requireSelf()
    const PeerConnection = this.options.RTCPeerConnection ?? platformPeerConnection()
    if (!PeerConnection) throw PeerlaneError.invalidState('No RTCPeerConnection implementation: pass options.RTCPeerConnection')
    const session = new PeerSession({
      peerId: info.peerId,
      // Any deterministic rule works as long as both sides agree: the lower id is polite.
      polite: self.peerId < info.peerId,
      configuration: { iceServers: self.iceServers },
      PeerConnection,
      signal: (message) => this.signaling?.send(message),
      log: this.log,
      onError: (error) => this.emit('error', error),
      disconnectedRestartMs: this.options.iceDisconnectedRestartMs ?? 4000,
    })
    const peer: RemotePeer = {
      id: info.peerId,
      ...(info.name !== undefined ? { name: info.name } : {}),
      connection: session.connection,
    }
    this.members.set(peer.id, { peer, session })
    session.connection.ontrack = ({ track, streams }) => this.emit('track', { peer, track, streams })
    session.connection.onconnectionstatechange = () =>
      this.emit('connection-state', { peer, state: session.connection.connectionState })
    // Only the newcomer adds media up front, so joining starts with a single offer and no
    // glare; the existing side's tracks ride on its answer through `attachOnFirstOffer`.
    if (offer) this.attachMedia(session)
    else this.attachOnFirstOffer(session)
    this.emit('peer-joined', peer)
    return peer
  }

  private attachMedia(session: PeerSession): void {
    if (this.localStream && this.localStream.getTracks().length > 0) session.addStream(this.localStream)
    else session.receiveOnly()
  }

  // After the remote offer is applied, addTrack reuses its transceivers, so the answer carries
  // our media without another round; anything the offer lacked renegotiates on its own.
  private attachOnFirstOffer(session: PeerSession): void {
    const pc = session.connection
    const onChange = () => {
      if (pc.signalingState !== 'have-remote-offer') return
      pc.removeEventListener('signalingstatechange', onChange)
      if (this.localStream) session.addStream(this.localStream)
    }
    pc.addEventListener('signalingstatechange', onChange)
  }

  private removeMember(peerId: string, reason: PeerLeftReason): void {
    const member = this.members.get(peerId)
    if (!member) return
    this.members.delete(peerId)
    member.session.close()
    this.emit('peer-left', member.peer, reason)
  }

  // Closing the tab should reach the others as a hang-up at once, not after a socket timeout.
  private hangUpOnPageExit(): void {
    const page = globalThis as { addEventListener?: (type: string, fn: () => void) => void; removeEventListener?: (type: string, fn: () => void) => void }
    if (!page.addEventListener || !page.removeEventListener) return
    const onExit = () => this.leave()
    page.addEventListener('pagehide', onExit)
    const off = this.on('state', (state) => {
      if (state !== 'closed') return
      off()
      page.removeEventListener?.('pagehide', onExit)
    })
  }

  private teardown(): void {
    for (const member of this.members.values()) member.session.close()
    this.members.clear()
    this.signaling?.close()
    this.signaling = undefined
    this.self = undefined
    this.setState('closed')
  }

  private requireSelf(): NonNullable<PeerlaneClient['self']> {
    if (!this.self) throw PeerlaneError.invalidState('not joined')
    return this.self
  }

  private setState(next: ClientState): void {
    if (next === this.clientState) return
    this.log.debug(`state ${this.clientState} -> ${next}`)
    this.clientState = next
    this.emit('state', next)
  }
}
