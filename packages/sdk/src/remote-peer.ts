// Over 300 lines: one participant is one state machine (negotiation, channels, announced state, streams); its parts share that state.
import { PEER_PROTOCOL_VERSION, type PeerChat, type PeerControlMessage, type PeerInfo, type PeerMediaState, type RelayedAnswer, type RelayedCandidate, type RelayedOffer } from '@peerlane/protocol/codec'
import type { ChatMessage, ChatRateLimit } from './chat.js'
import { Emitter } from './emitter.js'
import type { PeerConnectionConstructor } from './environment.js'
import { PeerlaneError } from './errors.js'
import { PeerFileLink, type FileLimits, type IncomingFileTransfer, type OutgoingFileTransfer } from './file-transfer.js'
import type { MediaState } from './local-media.js'
import type { Logger } from './logger.js'
import { PeerChannels } from './peer-channels.js'
import { PeerSession, type Signal } from './peer-session.js'
import { negotiatedFingerprints, safetyNumberOf, type SafetyNumber } from './safety-number.js'
import { summarizeStats, type PeerStats, type StatsSample } from './stats.js'
import { utf8Length } from './text-bounds.js'
import { TokenBucket } from './token-bucket.js'

/** A peer's camera and screen, told apart by what it announces (`media-state`), never by guessing. */
export interface PeerStreams {
  readonly camera: MediaStream | null
  readonly screen: MediaStream | null
}

export interface RemotePeerEvents {
  track: (track: MediaStreamTrack, streams: readonly MediaStream[]) => void
  /** The camera or screen stream appeared, changed or went away. */
  streams: (streams: PeerStreams) => void
  'connection-state': (state: RTCPeerConnectionState) => void
  message: (message: ChatMessage) => void
  'media-state': (state: MediaState) => void
  file: (transfer: IncomingFileTransfer) => void
  'chat-dropped': (dropped: number) => void
  'channel-open': () => void
  /** The peer's `hello` names another peer protocol version: expect it to miss or refuse frames. */
  incompatible: (error: PeerlaneError) => void
  /** The peer sent frames the peer protocol refuses (reported at most once a second; `dropped` counts all). */
  'protocol-error': (error: PeerlaneError, dropped: number) => void
  error: (error: PeerlaneError) => void
}

/** What the room lends each peer: how to build and signal its connection, its limits, and two hooks. */
export interface RemotePeerHost {
  readonly PeerConnection: PeerConnectionConstructor
  readonly configuration: RTCConfiguration
  readonly signal: Signal
  readonly log: Logger
  readonly disconnectedRestartMs: number
  readonly maxFrameBytes: number
  readonly fileLimits: FileLimits
  readonly chatRate: ChatRateLimit
  /** The answering side's first remote offer is applied: time to add our media. */
  firstRemoteOffer(peer: RemotePeer): void
  /** The data channels opened: time to send our state. */
  channelOpen(peer: RemotePeer): void
}

/** Reports of a flooding peer (chat over its rate, invalid frames) fire at most this often. */
const REPORT_EVERY_MS = 1000

const INITIAL_STATE: PeerMediaState = { type: 'media-state', audioMuted: false, videoOff: false, screenStreamId: null }

/**
 * One participant on the other end: its perfect-negotiation connection, its data channels (chat,
 * media state, files), what it announced, its camera and screen streams, and its stats.
 */
export class RemotePeer extends Emitter<RemotePeerEvents> {
  readonly id: string
  readonly name: string | undefined
  private readonly session: PeerSession
  private channels: PeerChannels | undefined
  private files: PeerFileLink | undefined
  // Chat sent before the channel opened, delivered on open.
  private readonly pending: PeerChat[] = []
  private remoteState = INITIAL_STATE
  private readonly remoteStreams = new Map<string, MediaStream>()
  private shown: PeerStreams = { camera: null, screen: null }
  private sharing: RTCRtpSender | undefined
  private statsSample: StatsSample | undefined
  private readonly chatBucket: TokenBucket
  private readonly drops = { chat: 0, chatAt: -Infinity, invalid: 0, invalidAt: -Infinity }
  private remoteVersion: number | undefined
  private closed = false

  constructor(
    info: PeerInfo,
    polite: boolean,
    offerer: boolean,
    private readonly host: RemotePeerHost,
  ) {
    super()
    this.id = info.peerId
    this.name = info.name
    this.chatBucket = new TokenBucket(host.chatRate.messages, host.chatRate.bytes)
    this.session = new PeerSession({
      peerId: info.peerId,
      polite,
      configuration: host.configuration,
      PeerConnection: host.PeerConnection,
      signal: host.signal,
      log: host.log,
      onError: (error) => this.emit('error', error),
      disconnectedRestartMs: host.disconnectedRestartMs,
      maxFrameBytes: host.maxFrameBytes,
    })
    const pc = this.session.connection
    pc.addEventListener('track', ({ track, streams }) => {
      for (const stream of streams) this.remoteStreams.set(stream.id, stream)
      // A track sent without a stream (other clients may) still belongs to the camera.
      if (streams.length === 0 && typeof MediaStream === 'function') {
        const loose = this.remoteStreams.get('') ?? new MediaStream()
        loose.addTrack(track)
        this.remoteStreams.set('', loose)
      }
      this.emit('track', track, streams)
      this.classifyStreams()
    })
    pc.addEventListener('connectionstatechange', () => this.emit('connection-state', pc.connectionState))
    if (offerer) this.openChannels()
    else this.watchFirstOffer()
  }

  /**
   * The underlying `RTCPeerConnection`: an escape hatch for what the SDK does not cover. Tracks,
   * channels or descriptions changed behind the SDK's back can break its negotiation.
   */
  get rawConnection(): RTCPeerConnection {
    return this.session.connection
  }

  get connectionState(): RTCPeerConnectionState {
    return this.session.connection.connectionState
  }

  /** The peer's camera stream (`null` until it arrives). */
  get cameraStream(): MediaStream | null {
    return this.shown.camera
  }

  /** The peer's screen share, once both its announcement and its track have arrived. */
  get screenStream(): MediaStream | null {
    return this.shown.screen
  }

  /** What the peer announced; everyone starts unmuted with the camera on. */
  get mediaState(): MediaState {
    const { audioMuted, videoOff, screenStreamId } = this.remoteState
    return { audioMuted, videoOff, screenSharing: screenStreamId !== null }
  }

  /** The peer protocol version the peer announced in its `hello`, once it has. */
  get protocolVersion(): number | undefined {
    return this.remoteVersion
  }

  /** Frames from this peer the peer protocol refused (and the SDK dropped) so far. */
  get invalidFrames(): number {
    return this.drops.invalid
  }

  get channelOpen(): boolean {
    return this.channels?.isOpen === true
  }

  get screenSender(): RTCRtpSender | undefined {
    return this.sharing
  }

  /** RTT, bitrates, loss, resolution, frame rate, codecs and candidate types. */
  async getStats(): Promise<PeerStats> {
    const { stats, sample } = summarizeStats(await this.session.connection.getStats(), this.statsSample)
    this.statsSample = sample
    return stats
  }

  /**
   * The code both ends compute from the DTLS certificates this connection negotiated (see
   * safety-number.ts). Equal codes, compared out of band, prove nobody sits in the middle.
   * Rejects with `invalid-state` until DTLS is connected.
   */
  async safetyNumber(): Promise<SafetyNumber> {
    const fingerprints = negotiatedFingerprints(await this.session.connection.getStats())
    if (!fingerprints) throw PeerlaneError.invalidState(`no DTLS connection with ${this.id} yet`)
    return safetyNumberOf(fingerprints)
  }

  restartIce(): void {
    this.session.restartIce()
  }

  // ---- used by the room and local media ----

  /** @internal Applies a relayed offer, answer or candidate. */
  receiveSignal(message: RelayedOffer | RelayedAnswer | RelayedCandidate): void {
    void this.session.receive(message)
  }

  /** @internal Signaling from or for this peer was lost: negotiate afresh. */
  renegotiate(): void {
    void this.session.renegotiate()
  }

  /** @internal Sends a chat frame now, or once the channel opens. */
  sendChat(frame: PeerChat): void {
    if (!this.channels?.sendControl(frame)) this.pending.push(frame)
  }

  /** @internal */
  sendMediaState(frame: PeerMediaState): void {
    this.channels?.sendControl(frame)
  }

  /** @internal Streams one leg of `transfer` to this peer. */
  sendFile(transfer: OutgoingFileTransfer): void {
    if (this.files) this.files.send(transfer)
    else transfer.legEnded(this.id, { state: 'failed', error: PeerlaneError.channelUnavailable(this.id) })
  }

  /** @internal */
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void {
    if (this.sharing || this.closed) return
    this.sharing = this.session.connection.addTrack(track, stream)
  }

  /** @internal */
  unshareScreen(): void {
    const sender = this.sharing
    this.sharing = undefined
    if (sender && this.session.connection.connectionState !== 'closed') this.session.connection.removeTrack(sender)
  }

  /** @internal The peer left: its transfers fail with `transfer-failed`, the connection closes. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.files?.abortAll(new PeerlaneError('transfer-failed', `${this.id} left during the transfer`, { peerId: this.id }))
    this.session.close()
  }

  // The answering side adds its media once the first remote offer is applied, and creates its
  // channels once that first round is done: the data section is negotiated by then, so nothing
  // needs a new offer (earlier, it would offer too and collide; werift then never connects).
  private watchFirstOffer(): void {
    const pc = this.session.connection
    let offered = false
    const onChange = () => {
      if (this.closed) return pc.removeEventListener('signalingstatechange', onChange)
      if (pc.signalingState === 'have-remote-offer' && !offered) {
        offered = true
        this.host.firstRemoteOffer(this)
      } else if (pc.signalingState === 'stable' && offered) {
        pc.removeEventListener('signalingstatechange', onChange)
        this.openChannels()
      }
    }
    pc.addEventListener('signalingstatechange', onChange)
  }

  private openChannels(): void {
    const channels = new PeerChannels(this.session.connection, this.host.log)
    this.channels = channels
    this.files = new PeerFileLink(this.id, channels, this.host.fileLimits, (transfer) => this.emit('file', transfer), this.host.log)
    channels.on('control', (frame) => this.receiveControl(frame))
    channels.on('invalid', (error) => this.refused(PeerlaneError.peerProtocol(this.id, error)))
    channels.on('open', () => {
      if (this.closed) return
      for (const frame of this.pending.splice(0)) channels.sendControl(frame)
      this.host.channelOpen(this)
      this.emit('channel-open')
    })
  }

  private receiveControl(frame: PeerControlMessage): void {
    if (this.closed) return
    switch (frame.type) {
      case 'hello':
        this.remoteVersion = frame.version
        if (frame.version !== PEER_PROTOCOL_VERSION) this.emit('incompatible', PeerlaneError.peerIncompatible(this.id, frame.version))
        return
      case 'chat':
        if (!this.chatBucket.take(utf8Length(frame.text))) return this.chatDropped()
        this.emit('message', {
          id: frame.id,
          from: this.id,
          ...(this.name !== undefined ? { name: this.name } : {}),
          text: frame.text,
          sentAt: frame.sentAt,
          receivedAt: Date.now(),
          local: false,
        })
        return
      case 'media-state':
        this.remoteState = frame
        this.emit('media-state', this.mediaState)
        this.classifyStreams()
    }
  }

  private chatDropped(): void {
    this.drops.chat += 1
    const now = Date.now()
    if (now - this.drops.chatAt < REPORT_EVERY_MS) return
    this.drops.chatAt = now
    this.host.log.warn(`chat from ${this.id} over the rate limit dropped (${this.drops.chat} so far)`)
    this.emit('chat-dropped', this.drops.chat)
  }

  private refused(error: PeerlaneError): void {
    this.drops.invalid += 1
    const now = Date.now()
    if (now - this.drops.invalidAt < REPORT_EVERY_MS) return
    this.drops.invalidAt = now
    this.host.log.warn(`${error.message} (${this.drops.invalid} dropped so far)`)
    this.emit('protocol-error', error, this.drops.invalid)
  }

  // The screen is the stream the peer announced as its screen; the camera is its other stream.
  // Either shows once both the announcement and the track have arrived, in either order.
  private classifyStreams(): void {
    const screenId = this.remoteState.screenStreamId
    const screen = screenId === null ? null : (this.remoteStreams.get(screenId) ?? null)
    const camera = [...this.remoteStreams.values()].find((stream) => stream.id !== screenId) ?? null
    if (screen === this.shown.screen && camera === this.shown.camera) return
    this.shown = { camera, screen }
    this.emit('streams', this.shown)
  }
}
