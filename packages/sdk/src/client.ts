import { type PeerInfo, type PeerLeftReason, type Welcome } from '@peerlane/protocol/codec'
import { DEFAULT_BACKOFF } from './backoff.js'
import type { ClientEvents, ClientState, JoinInfo, JoinOptions, PeerlaneClientOptions } from './client-types.js'
import { Emitter } from './emitter.js'
import { platformPeerConnection, platformWebSocket } from './environment.js'
import { PeerlaneError } from './errors.js'
import { DEFAULT_MAX_FRAME_BYTES } from './frame-limits.js'
import { IceConfiguration } from './ice-config.js'
import { LocalMedia, type MediaState, type MediaStatePatch } from './local-media.js'
import { createLogger, type Logger } from './logger.js'
import { RemotePeer, type RemotePeerHost } from './remote-peer.js'
import { SignalingSession, type RoomMessage, type SessionState, type WelcomeInfo } from './signaling-session.js'

export type { ClientEvents, ClientState, JoinInfo, JoinOptions, PeerlaneClientOptions, TrackEvent } from './client-types.js'

/**
 * A Peerlane room: joins through a signaling session, keeps one `RemotePeer` (a
 * perfect-negotiation connection) per other participant (a mesh), and sends them local media.
 * When the signaling socket drops the session resumes on its own; the peer connections, and the
 * media on them, are never torn down for it. Chat, files, stats and the data API are features an
 * app adds (`useChat(client)` from `@peerlane/sdk/chat`, …), so a plain call does not carry them.
 */
export class PeerlaneClient extends Emitter<ClientEvents> {
  readonly #roster = new Map<string, RemotePeer>()
  readonly #missing = new Map<string, ReturnType<typeof setTimeout>>()
  readonly #session: SignalingSession | undefined
  readonly #media: LocalMedia
  /** @internal The client's logger, which its features (chat, files, …) log to as well. */
  readonly log: Logger
  readonly #host: Omit<RemotePeerHost, 'PeerConnection' | 'configuration'>
  #self: { peerId: string; room: string } | undefined
  readonly #ice: IceConfiguration
  #joined: JoinInfo | undefined

  readonly #options: PeerlaneClientOptions
  constructor(options: PeerlaneClientOptions) {
    super()
    this.#options = options
    this.log = options.logger ?? createLogger('client', options.logLevel)
    this.#ice = new IceConfiguration(options, this.log)
    this.#media = new LocalMedia(() => [...this.#roster.values()], this.log)
    this.#media.on('local-screen-share', (stream) => this.emit('local-screen-share', stream))
    const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    const WebSocketImpl = options.WebSocket ?? platformWebSocket()
    if (WebSocketImpl) {
      this.#session = new SignalingSession({
        url: options.url,
        WebSocket: WebSocketImpl,
        log: this.log,
        keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 30_000,
        backoff: options.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...options.reconnect },
        maxFrameBytes,
      })
      this.#session.on('state', (state) => this.#sessionState(state))
      this.#session.on('welcome', (welcome, info) => this.#welcomed(welcome, info))
      this.#session.on('message', (message) => this.#handle(message))
      this.#session.on('draining', (reconnectAfterMs) => this.emit('draining', { reconnectAfterMs }))
      this.#session.on('error', (error) => this.emit('error', error))
      this.#session.on('ended', (error) => this.emit('error', error))
    }
    this.#host = {
      signal: (message) => this.#session?.send(message),
      log: this.log,
      disconnectedRestartMs: options.iceDisconnectedRestartMs ?? 4000,
      maxFrameBytes,
      firstRemoteOffer: (peer) => this.#media.attach(peer, false),
      channelOpen: (peer) => this.#media.peerReady(peer),
    }
  }

  get state(): ClientState {
    const state = this.#session?.state ?? 'idle'
    return state === 'resumed' ? 'joined' : state
  }

  get peerId(): string | undefined {
    return this.#self?.peerId
  }

  get room(): string | undefined {
    return this.#self?.room
  }

  /** The remote peers currently in the room, by id. */
  get peers(): ReadonlyMap<string, RemotePeer> {
    return new Map(this.#roster)
  }

  /** Connects, joins `room`, and connects to everyone already there. Rejects with a coded `PeerlaneError`. */
  async join(room: string, options: JoinOptions = {}): Promise<JoinInfo> {
    if (!this.#session) throw PeerlaneError.invalidState('No WebSocket implementation: pass options.WebSocket')
    if (this.state !== 'idle' && this.state !== 'closed') throw PeerlaneError.invalidState(`join() while ${this.state}`)
    this.#media.localStream = options.stream
    // The welcome is applied (and `joined` set) synchronously as it arrives, before this resumes.
    await this.#session.start({ room, name: options.name, token: options.token })
    const info = this.#joined
    if (!info) throw PeerlaneError.invalidState('left while joining')
    this.#hangUpOnPageExit()
    return info
  }

  /** Hangs up: tells the room, closes every peer connection and the socket. */
  leave(): void {
    this.#session?.leave()
  }

  /** Restarts ICE with one peer, or with every peer; the SDK also does this itself on ICE failure. */
  restartIce(peerId?: string): void {
    for (const [id, peer] of this.#roster) if (peerId === undefined || id === peerId) peer.restartIce()
  }

  /** Switches camera or microphone on every connection with `replaceTrack` (no renegotiation). */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    return this.#media.replaceTrack(kind, track)
  }

  /** Shares a `getDisplayMedia` stream as its own video track to everyone. */
  startScreenShare(stream: MediaStream): void {
    if (this.#self === undefined) throw PeerlaneError.invalidState('startScreenShare() while not in a room')
    this.#media.startScreenShare(stream)
  }

  stopScreenShare(): void {
    this.#media.stopScreenShare()
  }

  /** Your microphone/camera/screen state as others see it. */
  get mediaState(): MediaState {
    return this.#media.mediaState
  }

  /**
   * Mutes/unmutes the microphone, turns the camera off/on, or announces that you are recording
   * (`{ recording: true }`; peers see it in their `media-state` event), and tells everyone.
   */
  setMediaState(patch: MediaStatePatch): void {
    this.#media.setMediaState(patch)
  }

  /** A peer's announced microphone/camera/screen state. */
  mediaStateOf(peerId: string): MediaState | undefined {
    return this.#roster.get(peerId)?.mediaState
  }

  #sessionState(state: SessionState): void {
    if (state === 'closed') this.#teardown()
    if (state === 'resumed') return
    this.emit('state', state)
  }

  #welcomed(welcome: Welcome, info: WelcomeInfo): void {
    if (info.reconnected && !info.sameSession) {
      // The server lost our session (restart without a shared secret, or grace expired): every
      // peer will meet our new id as a newcomer, so the old connections are of no further use.
      for (const id of [...this.#roster.keys()]) this.#removePeer(id, 'disconnected')
    }
    this.#self = { peerId: welcome.peerId, room: welcome.room }
    // A resume's welcome carries renewed credentials too.
    this.#ice.update(welcome.iceServers, this.#roster.values())
    if (info.sameSession) {
      this.#reconcile(welcome.peers)
      // Offers, answers or candidates meant for or from us were dropped while we were away:
      // waiting for them would leave a negotiation hanging, so every connection starts afresh.
      if (info.signalingLost) {
        this.log.info('signaling was lost while away; renegotiating with every peer')
        for (const peer of this.#roster.values()) peer.renegotiate()
      }
      this.emit('state', 'joined')
    }
    // The newcomer offers to everyone already present; they answer.
    const peers = info.sameSession ? [] : welcome.peers.map((peer) => this.#addPeer(peer, true))
    this.#joined = { peerId: welcome.peerId, room: welcome.room, peers }
    if (info.reconnected) this.emit('resumed', { sameSession: info.sameSession })
  }

  // After a resume the server's list may differ from ours: peers that joined while we were away
  // are new to us (we offer), and peers it does not list may still be resuming themselves (a
  // restarted server learns of them one by one), so they get a grace period before they count as gone.
  #reconcile(peers: readonly PeerInfo[]): void {
    const listed = new Set(peers.map((peer) => peer.peerId))
    for (const info of peers) if (!this.#roster.has(info.peerId)) this.#addPeer(info, true)
    for (const id of this.#roster.keys()) if (!listed.has(id) && !this.#missing.has(id)) {
      this.#missing.set(id, setTimeout(() => this.#removePeer(id, 'disconnected'), this.#options.resumeGraceMs ?? 20_000))
    }
  }

  #returned(peerId: string): void {
    clearTimeout(this.#missing.get(peerId))
    this.#missing.delete(peerId)
  }

  #handle(message: RoomMessage): void {
    switch (message.type) {
      case 'peer-joined':
        this.#returned(message.peer.peerId)
        this.#addPeer(message.peer, false)
        return
      case 'peer-left':
        this.#removePeer(message.peerId, message.reason)
        return
      case 'ice-servers':
        this.#ice.update(message.iceServers, this.#roster.values())
        return
      default: {
        const peer = this.#roster.get(message.from)
        if (!peer) return this.log.debug(`${message.type} from unknown peer ${message.from} dropped`)
        this.#returned(message.from)
        peer.receiveSignal(message)
      }
    }
  }

  #addPeer(info: PeerInfo, offerer: boolean): RemotePeer {
    const existing = this.#roster.get(info.peerId)
    if (existing) return existing
    const self = this.#self
    if (!self) throw PeerlaneError.invalidState('not joined')
    const PeerConnection = this.#options.RTCPeerConnection ?? platformPeerConnection()
    if (!PeerConnection) throw PeerlaneError.invalidState('No RTCPeerConnection implementation: pass options.RTCPeerConnection')
    // Any deterministic rule works as long as both sides agree: the lower id is polite.
    const peer = new RemotePeer(info, self.peerId < info.peerId, offerer, { ...this.#host, PeerConnection, configuration: this.#ice.configuration })
    this.#roster.set(peer.id, peer)
    this.#forward(peer)
    // Only the newcomer adds media up front, so joining starts with a single offer and no glare;
    // the existing side's tracks ride on its answer (`firstRemoteOffer`).
    if (offerer) this.#media.attach(peer, true)
    this.emit('peer-joined', peer)
    return peer
  }

  #forward(peer: RemotePeer): void {
    let screen: MediaStream | null = null
    peer.on('track', (track, streams) => this.emit('track', { peer, track, streams }))
    peer.on('connection-state', (state) => this.emit('connection-state', { peer, state }))
    peer.on('streams', (streams) => {
      this.emit('streams', { peer, ...streams })
      if (streams.screen === screen) return
      screen = streams.screen
      this.emit('screen-share', { peer, stream: screen })
    })
    peer.on('media-state', (state) => this.emit('media-state', { peer, state }))
    peer.on('channel-open', () => this.emit('channel-open', peer))
    peer.on('incompatible', (error) => this.emit('peer-incompatible', { peer, error }))
    peer.on('protocol-error', (error, dropped) => this.emit('peer-protocol-error', { peer, error, dropped }))
    peer.on('error', (error) => this.emit('error', error))
  }

  #removePeer(peerId: string, reason: PeerLeftReason): void {
    const peer = this.#roster.get(peerId)
    if (!peer) return
    this.#returned(peerId)
    this.#roster.delete(peerId)
    peer.close()
    this.emit('peer-left', peer, reason)
  }

  // Closing the tab should reach the others as a hang-up at once, not after a socket timeout.
  #hangUpOnPageExit(): void {
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

  #teardown(): void {
    for (const timer of this.#missing.values()) clearTimeout(timer)
    this.#missing.clear()
    this.#media.reset()
    for (const peer of this.#roster.values()) peer.close()
    this.#roster.clear()
    this.#self = undefined
    this.#joined = undefined
  }
}
