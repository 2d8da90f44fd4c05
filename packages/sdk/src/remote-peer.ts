import { PEER_PROTOCOL_VERSION, type PeerControlMessage, type PeerInfo, type PeerMediaState, type RelayedAnswer, type RelayedCandidate, type RelayedOffer } from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import type { PeerConnectionConstructor } from './environment.js'
import { PeerlaneError } from './errors.js'
import type { MediaState } from './local-media.js'
import type { Logger } from './logger.js'
import { PeerChannels } from './peer-channels.js'
import { PeerSession, type Signal } from './peer-session.js'
import { RemoteStreams, type PeerStreams } from './remote-streams.js'

export type { PeerStreams } from './remote-streams.js'

export interface RemotePeerEvents {
  track: (track: MediaStreamTrack, streams: readonly MediaStream[]) => void
  /** The camera or screen stream appeared, changed or went away. */
  streams: (streams: PeerStreams) => void
  'connection-state': (state: RTCPeerConnectionState) => void
  'media-state': (state: MediaState) => void
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
  /** The answering side's first remote offer is applied: time to add our media. */
  firstRemoteOffer(peer: RemotePeer): void
  /** The data channels opened: time to send our state. */
  channelOpen(peer: RemotePeer): void
}

/** Reports of a flooding peer (invalid frames) fire at most this often. */
const REPORT_EVERY_MS = 1000

const INITIAL_STATE: PeerMediaState = { type: 'media-state', audioMuted: false, videoOff: false, screenStreamId: null }

/**
 * One participant on the other end: its perfect-negotiation connection, its data channels (the
 * SDK's control and files channels; chat and files are features built on them), what it
 * announced, and its camera and screen streams.
 */
export class RemotePeer extends Emitter<RemotePeerEvents> {
  readonly id: string
  readonly name: string | undefined
  readonly #session: PeerSession
  #channels: PeerChannels | undefined
  #remoteState = INITIAL_STATE
  readonly #streams = new RemoteStreams()
  #screen: RTCRtpTransceiver | undefined
  readonly #drops = { invalid: 0, invalidAt: -Infinity }
  #remoteVersion: number | undefined
  #closed = false

  readonly #host: RemotePeerHost
  constructor(
    info: PeerInfo,
    polite: boolean,
    offerer: boolean,
    host: RemotePeerHost,
  ) {
    super()
    this.#host = host
    this.id = info.peerId
    this.name = info.name
    this.#session = new PeerSession({
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
    const pc = this.#session.connection
    pc.addEventListener('track', ({ track, streams }) => {
      this.emit('track', track, streams)
      this.#showStreams(this.#streams.addTrack(track, streams))
    })
    pc.addEventListener('connectionstatechange', () => this.emit('connection-state', pc.connectionState))
    if (offerer) this.#openChannels()
    else this.#watchFirstOffer()
  }

  /**
   * The underlying `RTCPeerConnection`: an escape hatch for what the SDK does not cover. Tracks,
   * channels or descriptions changed behind the SDK's back can break its negotiation.
   */
  get rawConnection(): RTCPeerConnection {
    return this.#session.connection
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#session.connection.connectionState
  }

  /** The peer's camera stream (`null` until it arrives). */
  get cameraStream(): MediaStream | null {
    return this.#streams.current.camera
  }

  /** The peer's screen share, once both its announcement and its track have arrived. */
  get screenStream(): MediaStream | null {
    return this.#streams.current.screen
  }

  /** What the peer announced; everyone starts unmuted, with the camera on and not recording. */
  get mediaState(): MediaState {
    const { audioMuted, videoOff, screenStreamId, recording } = this.#remoteState
    return { audioMuted, videoOff, screenSharing: screenStreamId !== null, recording: recording === true }
  }

  /** The peer protocol version the peer announced in its `hello`, once it has. */
  get protocolVersion(): number | undefined {
    return this.#remoteVersion
  }

  /** Frames from this peer the peer protocol refused (and the SDK dropped) so far. */
  get invalidFrames(): number {
    return this.#drops.invalid
  }

  get channelOpen(): boolean {
    return this.#channels?.isOpen === true
  }

  /** The sender that carries our screen to this peer (kept between shares), once we shared. */
  get screenSender(): RTCRtpSender | undefined {
    return this.#screen?.sender
  }

  restartIce(): void {
    this.#session.restartIce()
  }

  // ---- used by the room, local media and the features (chat, files) ----

  /** @internal The SDK's data channels to this peer, once created (features attach to them). */
  get peerChannels(): PeerChannels | undefined {
    return this.#channels
  }

  /** @internal Applies a relayed offer, answer or candidate. */
  receiveSignal(message: RelayedOffer | RelayedAnswer | RelayedCandidate): void {
    void this.#session.receive(message)
  }

  /** @internal Signaling from or for this peer was lost: negotiate afresh. */
  renegotiate(): void {
    void this.#session.renegotiate()
  }

  /** @internal Sends a control frame if the channel is open; false when it was dropped. */
  sendControl(frame: PeerControlMessage): boolean {
    return this.#channels?.sendControl(frame) === true
  }

  /**
   * @internal Sends our screen. The first share adds one send-only video transceiver; later
   * shares reuse it (`replaceTrack`, direction back to `sendonly`), so share/stop cycles never
   * grow the SDP. `carrier` is the stream id the far side maps to our screen, the same each time.
   */
  async shareScreen(track: MediaStreamTrack, carrier: MediaStream): Promise<void> {
    if (this.#closed) return
    const pc = this.#session.connection
    if (!this.#screen) {
      this.#screen = pc.addTransceiver(track, { direction: 'sendonly', streams: [carrier] })
      return
    }
    await this.#screen.sender.replaceTrack(track)
    if (!this.#closed) this.#screen.direction = 'sendonly'
  }

  /** @internal Stops sending our screen; the transceiver stays (inactive) for the next share. */
  async unshareScreen(): Promise<void> {
    const screen = this.#screen
    if (!screen || this.#closed) return
    screen.direction = 'inactive'
    await screen.sender.replaceTrack(null)
  }

  /** @internal The peer left: the connection closes. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#session.close()
  }

  // The answering side adds its media once the first remote offer is applied, and creates its
  // channels once that first round is done: the data section is negotiated by then, so nothing
  // needs a new offer (earlier, it would offer too and collide; werift then never connects).
  #watchFirstOffer(): void {
    const pc = this.#session.connection
    let offered = false
    const onChange = () => {
      if (this.#closed) return pc.removeEventListener('signalingstatechange', onChange)
      if (pc.signalingState === 'have-remote-offer' && !offered) {
        offered = true
        this.#host.firstRemoteOffer(this)
      } else if (pc.signalingState === 'stable' && offered) {
        pc.removeEventListener('signalingstatechange', onChange)
        this.#openChannels()
      }
    }
    pc.addEventListener('signalingstatechange', onChange)
  }

  #openChannels(): void {
    const channels = new PeerChannels(this.#session.connection, this.#host.log)
    this.#channels = channels
    channels.on('control', (frame) => this.#receiveControl(frame))
    channels.on('invalid', (error) => this.#refused(PeerlaneError.peerProtocol(this.id, error)))
    channels.on('open', () => {
      if (this.#closed) return
      this.#host.channelOpen(this)
      this.emit('channel-open')
    })
  }

  #receiveControl(frame: PeerControlMessage): void {
    if (this.#closed) return
    if (frame.type === 'hello') {
      this.#remoteVersion = frame.version
      if (frame.version !== PEER_PROTOCOL_VERSION) this.emit('incompatible', PeerlaneError.peerIncompatible(this.id, frame.version))
    } else if (frame.type === 'media-state') {
      this.#remoteState = frame
      this.emit('media-state', this.mediaState)
      this.#showStreams(this.#streams.announce(frame.screenStreamId))
    }
  }

  #refused(error: PeerlaneError): void {
    this.#drops.invalid += 1
    const now = Date.now()
    if (now - this.#drops.invalidAt < REPORT_EVERY_MS) return
    this.#drops.invalidAt = now
    this.#host.log.warn(`${error.message} (${this.#drops.invalid} dropped so far)`)
    this.emit('protocol-error', error, this.#drops.invalid)
  }

  #showStreams(changed: PeerStreams | undefined): void {
    if (changed) this.emit('streams', changed)
  }
}
