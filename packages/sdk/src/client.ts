import {
  CLOSE_CODES,
  type ClientMessage,
  type PeerInfo,
  type PeerLeftReason,
  type ServerMessage,
  type Welcome,
} from '@peerlane/protocol/codec'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { Emitter } from './emitter.js'
import { IceConfiguration } from './ice-config.js'
import {
  platformPeerConnection,
  platformWebSocket,
  type PeerConnectionConstructor,
  type WebSocketConstructor,
} from './environment.js'
import { PeerlaneError } from './errors.js'
import { createLogger, type Logger, type LogLevel } from './logger.js'
import { PeerSession } from './peer-session.js'
import { DEFAULT_FILE_LIMITS, type FileLimits, type OutgoingFileTransfer } from './file-transfer.js'
import { DEFAULT_MAX_FRAME_BYTES, frameRefusal } from './frame-limits.js'
import {
  DEFAULT_CHAT_RATE,
  PeerFeatures,
  type ChatMessage,
  type ChatRateLimit,
  type MediaState,
  type PeerFeatureEvents,
  type SendFileOptions,
} from './peer-features.js'
import type { QualityPreset, VideoCodecMimeType } from './quality.js'
import type { PeerStats } from './stats.js'
import { SignalClient } from './signal-client.js'

/** `reconnecting`: the signaling socket dropped; peer connections (and media) carry on meanwhile. */
export type ClientState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed'

export interface PeerlaneClientOptions {
  /** The signaling server's WebSocket URL, e.g. `wss://example.com/ws`. */
  readonly url: string
  /** ICE servers to use instead of the ones the server announces in `welcome` (and renews with `ice-servers`). */
  readonly iceServers?: RTCIceServer[]
  /** `relay` sends everything through TURN (hides the participants' addresses from each other). Default `all`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy
  /** Defaults to the platform's `WebSocket`; inject `ws`'s in Node. */
  readonly WebSocket?: WebSocketConstructor
  /** Defaults to the platform's `RTCPeerConnection`; inject e.g. werift's in Node. */
  readonly RTCPeerConnection?: PeerConnectionConstructor
  /** Reconnect backoff after the signaling socket drops, or `false` to end the call instead. */
  readonly reconnect?: Partial<BackoffOptions> | false
  /** How long a peer missing after a resume may take to come back before it counts as gone. Default 20000 ms. */
  readonly resumeGraceMs?: number
  /** How long ICE may stay `disconnected` before the SDK restarts it. Default 4000 ms. */
  readonly iceDisconnectedRestartMs?: number
  /** Silence on the signaling socket after which it is presumed dead and replaced. Default 30000 ms. */
  readonly keepaliveTimeoutMs?: number
  /**
   * The server's frame limit (its `maxPayload`), in UTF-8 bytes of an encoded frame. An offer or
   * answer that would not fit (or exceeds the protocol's SDP cap) is rolled back and reported as
   * `negotiation-failed` for that peer instead of being sent. Default 65536, the server's default.
   */
  readonly maxFrameBytes?: number
  /** Limits on files peers send you (size, concurrent offers per peer, stall timeout); see `FileLimits`. */
  readonly files?: Partial<FileLimits>
  /** Per-peer limit on incoming chat; excess is dropped and reported by `chat-dropped`. */
  readonly chatRate?: Partial<ChatRateLimit>
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

export interface ClientEvents extends PeerFeatureEvents {
  'peer-joined': (peer: RemotePeer) => void
  'peer-left': (peer: RemotePeer, reason: PeerLeftReason) => void
  track: (event: TrackEvent) => void
  'connection-state': (event: { peer: RemotePeer; state: RTCPeerConnectionState }) => void
  state: (state: ClientState) => void
  /** The signaling session was resumed after a drop (`sameSession`: same peer id, connections kept). */
  resumed: (event: { sameSession: boolean }) => void
  /** The server is shutting down; the client reconnects and resumes on its own (show "reconnecting…"). */
  draining: (event: { reconnectAfterMs: number | undefined }) => void
  error: (error: PeerlaneError) => void
}

interface Member {
  readonly peer: RemotePeer
  readonly session: PeerSession
}

interface JoinRequest {
  readonly room: string
  readonly name: string | undefined
  readonly token: string | undefined
}

// Closes after which reconnecting would be wrong: the server refused this client or its token,
// or another session of the same identity took over.
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.policyViolation, CLOSE_CODES.unauthorized, CLOSE_CODES.replaced])
const MAX_OUTBOX = 512

/**
 * Joins a Peerlane room and keeps one perfect-negotiation peer connection to every other
 * participant (a mesh). When the signaling socket drops it reconnects with backoff and resumes
 * the session, so the peer connections (and the media on them) are never torn down for it.
 */
export class PeerlaneClient extends Emitter<ClientEvents> {
  private clientState: ClientState = 'idle'
  private signaling: SignalClient | undefined
  private readonly members = new Map<string, Member>()
  private self: { peerId: string; room: string } | undefined
  private request: JoinRequest | undefined
  private resumeToken: string | undefined
  private localStream: MediaStream | undefined
  // Signaling produced while reconnecting (offers, answers, candidates), sent once resumed.
  private outbox: ClientMessage[] = []
  private reconnectAttempt = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private drainDelayMs: number | undefined
  private readonly missing = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly log: Logger
  // Chat, files, screen share, devices, stats and quality (peer-features.ts); the client only
  // attaches each peer connection to it and delegates the public methods.
  private readonly features: PeerFeatures
  private readonly backoff: BackoffOptions | undefined
  private readonly maxFrameBytes: number
  private readonly ice: IceConfiguration

  constructor(private readonly options: PeerlaneClientOptions) {
    super()
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    this.features = new PeerFeatures({
      logger: () => this.log,
      localStream: () => this.localStream,
      selfId: () => this.self?.peerId,
      emit: (event, ...args) => this.emit(event, ...args),
      fileLimits: { ...DEFAULT_FILE_LIMITS, ...options.files },
      chatRate: { ...DEFAULT_CHAT_RATE, ...options.chatRate },
    })
    this.log = options.logger ?? createLogger('client', options.logLevel)
    this.ice = new IceConfiguration(options, this.log)
    this.backoff = options.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...options.reconnect }
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
    if (this.clientState !== 'idle' && this.clientState !== 'closed') {
      throw PeerlaneError.invalidState(`join() while ${this.clientState}`)
    }
    this.request = { room, name: options.name, token: options.token }
    this.resumeToken = undefined
    this.localStream = options.stream
    this.setState('connecting')
    try {
      const { signaling, welcome } = await this.open()
      const info = this.enter(signaling, welcome)
      this.hangUpOnPageExit()
      return info
    } catch (error) {
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

  /** Sends a chat message to everyone; returns it as others will see it. */
  sendMessage(text: string): ChatMessage {
    return this.features.sendMessage(text)
  }

  /** Sends a file to one peer, several or everyone; returns the transfer to follow or cancel. */
  sendFile(file: Blob, options?: SendFileOptions): OutgoingFileTransfer {
    return this.features.sendFile(file, options)
  }

  /** Switches camera or microphone on every connection with `replaceTrack` (no renegotiation). */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    return this.features.replaceTrack(kind, track)
  }

  /** Shares a `getDisplayMedia` stream as its own video track to everyone. */
  startScreenShare(stream: MediaStream): void {
    this.features.startScreenShare(stream)
  }

  stopScreenShare(): void {
    this.features.stopScreenShare()
  }

  /** Your microphone/camera/screen state as others see it. */
  get mediaState(): MediaState {
    return this.features.mediaState
  }

  /** Mutes/unmutes the microphone or turns the camera off/on, and tells everyone. */
  setMediaState(patch: { readonly audioMuted?: boolean; readonly videoOff?: boolean }): void {
    this.features.setMediaState(patch)
  }

  /** A peer's announced microphone/camera/screen state. */
  mediaStateOf(peerId: string): MediaState | undefined {
    return this.features.mediaStateOf(peerId)
  }

  /** Call-quality numbers for one peer: RTT, bitrates, loss, fps, resolution, codecs, candidates. */
  getStats(peerId: string): Promise<PeerStats> {
    return this.features.getStats(peerId)
  }

  get videoQuality(): QualityPreset | 'auto' {
    return this.features.videoQuality
  }

  /** Caps the camera's bitrate, resolution and frame rate; `'auto'` follows the room size. */
  setVideoQuality(preset: QualityPreset | 'auto'): Promise<void> {
    return this.features.setVideoQuality(preset)
  }

  /** Prefers a video codec from the next negotiation on. */
  preferVideoCodec(mimeType: VideoCodecMimeType): void {
    this.features.preferVideoCodec(mimeType)
  }

  /** Opens a socket and joins (resuming when a token is held); resolves with the welcome. */
  private async open(): Promise<{ signaling: SignalClient; welcome: Welcome }> {
    const WebSocketImpl = this.options.WebSocket ?? platformWebSocket()
    if (!WebSocketImpl) throw PeerlaneError.invalidState('No WebSocket implementation: pass options.WebSocket')
    const signaling = new SignalClient(this.options.url, WebSocketImpl, this.log, this.options.keepaliveTimeoutMs ?? 30_000)
    try {
      await signaling.connect()
      return { signaling, welcome: await this.awaitWelcome(signaling) }
    } catch (error) {
      signaling.close()
      throw error
    }
  }

  private awaitWelcome(signaling: SignalClient): Promise<Welcome> {
    const request = this.request
    if (!request) return Promise.reject(PeerlaneError.invalidState('not joining'))
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
        room: request.room,
        ...(request.name !== undefined ? { name: request.name } : {}),
        ...(request.token !== undefined ? { token: request.token } : {}),
        ...(this.resumeToken !== undefined ? { resumeToken: this.resumeToken } : {}),
      })
    })
  }

  private enter(signaling: SignalClient, welcome: Welcome): JoinInfo {
    const reconnecting = this.clientState === 'reconnecting'
    const sameSession = reconnecting && this.self?.peerId === welcome.peerId
    if (reconnecting && !sameSession) {
      // The server lost our session (restart without a shared secret, or grace expired): every
      // peer will meet our new id as a newcomer, so the old connections are of no further use.
      for (const id of [...this.members.keys()]) this.removeMember(id, 'disconnected')
      this.outbox = []
    }
    this.signaling = signaling
    this.resumeToken = welcome.resumeToken
    this.self = { peerId: welcome.peerId, room: welcome.room }
    // A resume's welcome carries fresh TURN credentials: the kept connections move onto them.
    this.ice.update(welcome.iceServers, this.peerSessions())
    signaling.on('message', (message) => this.handle(message))
    signaling.on('protocol-error', (error) => this.emit('error', error))
    signaling.on('close', (code, reason) => this.onSignalingLost(code, reason))
    this.reconnectAttempt = 0
    this.drainDelayMs = undefined
    this.setState('joined')
    if (sameSession) {
      for (const message of this.outbox.splice(0)) signaling.send(message)
      this.reconcile(welcome.peers)
      // Offers, answers or candidates meant for us were dropped while we were away: waiting for
      // them would leave a negotiation hanging, so every connection starts a fresh one.
      if (welcome.queueOverflowed) {
        this.log.info('the server dropped signaling queued for us; renegotiating with every peer')
        for (const member of this.members.values()) void member.session.renegotiate()
      }
    }
    // The newcomer offers to everyone already present; they answer (see `handle`).
    const peers = sameSession ? [] : welcome.peers.map((info) => this.addMember(info, true))
    if (reconnecting) this.emit('resumed', { sameSession })
    return { peerId: welcome.peerId, room: welcome.room, peers }
  }

  // After a resume the server's list may differ from ours: peers that joined while we were away
  // are new to us (we offer), and peers it does not list may still be resuming themselves (a
  // restarted server learns of them one by one), so they get a grace period before they count as gone.
  private reconcile(peers: readonly PeerInfo[]): void {
    const listed = new Set(peers.map((peer) => peer.peerId))
    for (const info of peers) if (!this.members.has(info.peerId)) this.addMember(info, true)
    for (const id of this.members.keys()) if (!listed.has(id)) this.expectReturn(id)
  }

  private expectReturn(peerId: string): void {
    if (this.missing.has(peerId)) return
    const timer = setTimeout(() => {
      this.missing.delete(peerId)
      this.removeMember(peerId, 'disconnected')
    }, this.options.resumeGraceMs ?? 20_000)
    this.missing.set(peerId, timer)
  }

  private returned(peerId: string): void {
    clearTimeout(this.missing.get(peerId))
    this.missing.delete(peerId)
  }

  private onSignalingLost(code: number, reason: string): void {
    this.signaling = undefined
    if (!this.backoff || FINAL_CLOSE_CODES.has(code)) {
      this.emit('error', PeerlaneError.connectionLost(code, reason))
      this.teardown()
      return
    }
    this.log.info(`signaling closed (${code}); reconnecting`)
    this.setState('reconnecting')
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    const backoff = this.backoff
    if (!backoff) return
    const delay = this.drainDelayMs ?? backoffDelay(this.reconnectAttempt, backoff)
    this.drainDelayMs = undefined
    this.reconnectAttempt++
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay)
  }

  private async reconnect(): Promise<void> {
    this.reconnectTimer = undefined
    try {
      const { signaling, welcome } = await this.open()
      if (this.clientState !== 'reconnecting') {
        signaling.close()
        return
      }
      this.enter(signaling, welcome)
    } catch (error) {
      if (this.clientState !== 'reconnecting') return
      if (error instanceof PeerlaneError && error.code === 'unauthorized') {
        this.emit('error', error)
        this.teardown()
        return
      }
      this.log.debug('reconnect attempt failed', error)
      this.scheduleReconnect()
    }
  }

  private signal(message: ClientMessage): void {
    // The last gate before the wire: nothing a peer made us produce may cost us the socket.
    const refusal = frameRefusal(message, this.maxFrameBytes)
    if (refusal) {
      const peerId = 'to' in message && typeof message.to === 'string' ? message.to : undefined
      this.log.warn(`not sent: ${refusal}`)
      if (peerId !== undefined) this.emit('error', PeerlaneError.negotiation(peerId, new Error(refusal)))
      return
    }
    if (this.signaling?.send(message)) return
    if (this.clientState !== 'reconnecting') return
    this.outbox.push(message)
    if (this.outbox.length > MAX_OUTBOX) this.outbox.shift()
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'peer-joined':
        this.returned(message.peer.peerId)
        this.addMember(message.peer, false)
        return
      case 'peer-left':
        this.returned(message.peerId)
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
        this.returned(message.from)
        void member.session.receive(message)
        return
      }
      case 'draining':
        // Leave at once rather than wait for the server's 1012: its drain then ends sooner, and
        // the reconnect, after the delay it asks for, may land on another node meanwhile.
        this.emit('draining', { reconnectAfterMs: message.reconnectAfterMs })
        this.drainDelayMs = message.reconnectAfterMs
        this.signaling?.close()
        this.onSignalingLost(CLOSE_CODES.serviceRestart, 'server draining')
        return
      case 'error':
        this.emit('error', PeerlaneError.fromServer(message.code, message.message))
        return
      case 'ice-servers':
        this.ice.update(message.iceServers, this.peerSessions())
        return
      case 'welcome':
      case 'pong':
        return
    }
  }

  private peerSessions(): PeerSession[] {
    return [...this.members.values()].map((member) => member.session)
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
      configuration: this.ice.configuration,
      PeerConnection,
      signal: (message) => this.signal(message),
      log: this.log,
      onError: (error) => this.emit('error', error),
      disconnectedRestartMs: this.options.iceDisconnectedRestartMs ?? 4000,
      maxFrameBytes: this.maxFrameBytes,
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
    this.features.attach(peer, session.connection, offer)
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
    this.returned(peerId)
    this.members.delete(peerId)
    this.features.detach(peerId)
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
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    for (const timer of this.missing.values()) clearTimeout(timer)
    this.missing.clear()
    this.features.reset()
    for (const member of this.members.values()) member.session.close()
    this.members.clear()
    this.outbox = []
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
