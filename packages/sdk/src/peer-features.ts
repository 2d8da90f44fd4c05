import type { RemotePeer } from './client.js'
import { PeerlaneError } from './errors.js'
import { IncomingFileTransfer, OutgoingFileTransfer, PeerFileLink, type FileLimits } from './file-transfer.js'
import type { Logger } from './logger.js'
import { PeerChannels } from './peer-channels.js'
import { MAX_CHAT_LENGTH, utf8Length, type ChatFrame, type ControlFrame, type MediaStateFrame } from './peer-messages.js'
import { TokenBucket, type BucketRate } from './token-bucket.js'
import {
  applyEncodingLimits,
  preferVideoCodec,
  presetForRoomSize,
  QUALITY_PRESETS,
  type QualityPreset,
  type VideoCodecMimeType,
} from './quality.js'
import { summarizeStats, type PeerStats, type StatsSample } from './stats.js'

/** A participant's microphone, camera and screen-share state, as they announce it. */
export interface MediaState {
  readonly audioMuted: boolean
  readonly videoOff: boolean
  readonly screenSharing: boolean
}

export interface ChatMessage {
  readonly id: string
  /** The sender's peer id (your own for messages you sent). */
  readonly from: string
  /** The sender's display name, when they gave one. */
  readonly name?: string
  readonly text: string
  /** The sender's clock, ms since the epoch. */
  readonly sentAt: number
  /** Your clock, ms since the epoch. */
  readonly receivedAt: number
  /** True for messages you sent. */
  readonly local: boolean
}

/** How much chat one peer may send us; the excess is dropped and reported (`chat-dropped`). */
export interface ChatRateLimit {
  /** Default 50 messages a second, bursts of 200. */
  readonly messages: BucketRate
  /** UTF-8 bytes of message text. Default 64 KiB a second, bursts of 256 KiB. */
  readonly bytes: BucketRate
}

export const DEFAULT_CHAT_RATE: ChatRateLimit = {
  messages: { perSecond: 50, burst: 200 },
  bytes: { perSecond: 64 * 1024, burst: 256 * 1024 },
}

/** `chat-dropped` fires at most this often per peer while a flood lasts. */
const CHAT_DROP_REPORT_MS = 1000

export interface SendFileOptions {
  /** A peer id or several; default everyone in the room. */
  readonly to?: string | readonly string[]
  /** Default the `File`'s own name, else `file`. */
  readonly name?: string
}

export interface PeerFeatureEvents {
  /** A chat message from another participant (your own are returned by `sendMessage`). */
  message: (message: ChatMessage) => void
  'media-state': (event: { readonly peer: RemotePeer; readonly state: MediaState }) => void
  /** A participant started (`stream`) or stopped (`null`) sharing their screen. */
  'screen-share': (event: { readonly peer: RemotePeer; readonly stream: MediaStream | null }) => void
  /** Your own screen share started or stopped, including by the browser's "Stop sharing". */
  'local-screen-share': (stream: MediaStream | null) => void
  /**
   * A peer offers a file: call `accept()` to receive it or `decline()`. Offers over
   * `files.maxIncomingBytes`, or beyond `files.maxIncomingPerPeer` at once, are declined
   * before this fires.
   */
  file: (transfer: IncomingFileTransfer, peer: RemotePeer) => void
  /** Chat from `peer` went over the chat rate limit and was dropped; `dropped` counts all so far. */
  'chat-dropped': (event: { readonly peer: RemotePeer; readonly dropped: number }) => void
  /** The data channels to `peer` opened: chat, media state and files now reach them. */
  'channel-open': (peer: RemotePeer) => void
  /** The camera preset in effect changed (by `setVideoQuality` or, in `auto`, by the room size). */
  quality: (preset: QualityPreset) => void
}

/** What the client lends the features: its logger, its media and a way to emit its events. */
export interface PeerFeaturesHost {
  logger(): Logger
  localStream(): MediaStream | undefined
  selfId(): string | undefined
  emit<K extends keyof PeerFeatureEvents>(event: K, ...args: Parameters<PeerFeatureEvents[K]>): void
  readonly fileLimits: FileLimits
  readonly chatRate: ChatRateLimit
}

interface Link {
  readonly peer: RemotePeer
  readonly connection: RTCPeerConnection
  channels: PeerChannels | undefined
  files: PeerFileLink | undefined
  /** Chat sent before the channel opened, delivered on open. */
  readonly pending: ControlFrame[]
  remoteState: MediaStateFrame
  readonly remoteStreams: Map<string, MediaStream>
  shownScreen: MediaStream | null
  screenSender: RTCRtpSender | undefined
  statsSample: StatsSample | undefined
  readonly disposers: Array<() => void>
  readonly chatBucket: TokenBucket
  chatDropped: number
  chatDropReportedAt: number
}

interface ScreenShare {
  readonly stream: MediaStream
  readonly track: MediaStreamTrack
  readonly onEnded: () => void
}

const INITIAL_REMOTE_STATE: MediaStateFrame = { type: 'media-state', audioMuted: false, videoOff: false, screenStreamId: null }

/**
 * Everything a call does over a peer connection besides connecting it: data channels (chat,
 * media state, files), screen sharing, track replacement, stats and sender quality. The client
 * attaches each peer connection as it is created and detaches it when the peer goes.
 */
export class PeerFeatures {
  private readonly links = new Map<string, Link>()
  private local = { audioMuted: false, videoOff: false }
  private screen: ScreenShare | undefined
  private quality: QualityPreset | 'auto' = 'auto'
  private appliedPreset: QualityPreset | undefined
  private codec: VideoCodecMimeType | undefined
  private nextMessage = 1
  private nextTransfer = 1

  constructor(private readonly host: PeerFeaturesHost) {}

  /**
   * Starts the features for a new peer connection. The side that sends the first offer creates
   * its data channels at once, so they ride in that offer. The answering side creates its own
   * once that first round is done: the data section is negotiated by then, so nothing needs a
   * new offer (earlier, it would offer too and collide; werift then never connects).
   */
  attach(peer: RemotePeer, connection: RTCPeerConnection, offerer: boolean): void {
    this.detach(peer.id)
    const link: Link = {
      peer,
      connection,
      channels: undefined,
      files: undefined,
      pending: [],
      remoteState: INITIAL_REMOTE_STATE,
      remoteStreams: new Map(),
      shownScreen: null,
      screenSender: undefined,
      statsSample: undefined,
      disposers: [],
      chatBucket: new TokenBucket(this.host.chatRate.messages, this.host.chatRate.bytes),
      chatDropped: 0,
      chatDropReportedAt: -Infinity,
    }
    this.links.set(peer.id, link)
    const onTrack = ({ streams }: RTCTrackEvent) => {
      for (const stream of streams) link.remoteStreams.set(stream.id, stream)
      this.showScreen(link)
    }
    connection.addEventListener('track', onTrack)
    link.disposers.push(() => connection.removeEventListener('track', onTrack))
    if (this.codec) this.applyCodec(link, this.codec)
    if (offerer) this.openChannels(link)
    else {
      let offered = false
      const onSignaling = () => {
        if (this.links.get(peer.id) !== link) return
        if (connection.signalingState === 'have-remote-offer' && !offered) {
          offered = true
          if (this.codec) this.applyCodec(link, this.codec)
        } else if (connection.signalingState === 'stable' && offered) {
          connection.removeEventListener('signalingstatechange', onSignaling)
          this.openChannels(link)
        }
      }
      connection.addEventListener('signalingstatechange', onSignaling)
      link.disposers.push(() => connection.removeEventListener('signalingstatechange', onSignaling))
    }
    void this.applyQuality()
  }

  /** Ends the features for a peer that left: its transfers fail with `transfer-failed`. */
  detach(peerId: string): void {
    const link = this.links.get(peerId)
    if (!link) return
    this.links.delete(peerId)
    for (const dispose of link.disposers.splice(0)) dispose()
    link.files?.abortAll(new PeerlaneError('transfer-failed', `${peerId} left during the transfer`, { peerId }))
    void this.applyQuality()
  }

  /** Detaches every peer and ends a screen share: the client left the room. */
  reset(): void {
    for (const peerId of [...this.links.keys()]) this.detach(peerId)
    if (this.screen) this.endScreen()
    this.appliedPreset = undefined
  }

  // ---- chat and media state ----

  /** Sends a chat message to everyone; peers still connecting get it once their channel opens. */
  sendMessage(text: string): ChatMessage {
    const from = this.host.selfId()
    if (from === undefined) throw PeerlaneError.invalidState('sendMessage() while not in a room')
    if (text.trim() === '' || text.length > MAX_CHAT_LENGTH) {
      throw PeerlaneError.invalidArgument(`A chat message is 1–${MAX_CHAT_LENGTH} characters, not only spaces`)
    }
    const frame: ChatFrame = { type: 'chat', id: `${from}-${this.nextMessage++}`, text, sentAt: Date.now() }
    for (const link of this.links.values()) {
      if (!link.channels?.sendControl(frame)) link.pending.push(frame)
    }
    return { id: frame.id, from, text, sentAt: frame.sentAt, receivedAt: frame.sentAt, local: true }
  }

  get mediaState(): MediaState {
    return { ...this.local, screenSharing: this.screen !== undefined }
  }

  /** A participant's announced state; everyone starts unmuted with the camera on. */
  mediaStateOf(peerId: string): MediaState | undefined {
    const link = this.links.get(peerId)
    if (!link) return undefined
    const { audioMuted, videoOff, screenStreamId } = link.remoteState
    return { audioMuted, videoOff, screenSharing: screenStreamId !== null }
  }

  /**
   * Mutes the microphone or turns the camera off (the tracks keep running, disabled, so turning
   * them back on is instant and needs no renegotiation) and tells everyone.
   */
  setMediaState(patch: { readonly audioMuted?: boolean; readonly videoOff?: boolean }): void {
    this.local = { ...this.local, ...patch }
    const stream = this.host.localStream()
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = !this.local.audioMuted
    for (const track of stream?.getVideoTracks() ?? []) track.enabled = !this.local.videoOff
    this.broadcastState()
  }

  // ---- devices ----

  /**
   * Swaps the camera or microphone being sent for `track` on every peer connection with
   * `RTCRtpSender.replaceTrack`: no renegotiation, the call keeps going. The old track is not
   * stopped (it is yours); new peers get the new track. Rejects with `invalid-state` when no
   * track of that kind is being sent.
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (track.kind !== kind) throw PeerlaneError.invalidArgument(`replaceTrack('${kind}') got a ${track.kind} track`)
    const stream = this.host.localStream()
    const old = stream?.getTracks().find((each) => each.kind === kind)
    if (!stream || !old) throw PeerlaneError.invalidState(`No ${kind} track is being sent; join with one to switch it`)
    track.enabled = kind === 'audio' ? !this.local.audioMuted : !this.local.videoOff
    const senders = [...this.links.values()].flatMap((link) => link.connection.getSenders().filter((sender) => sender.track === old))
    if (senders.some((sender) => typeof sender.replaceTrack !== 'function')) throw PeerlaneError.unsupported('RTCRtpSender.replaceTrack')
    await Promise.all(senders.map((sender) => sender.replaceTrack(track)))
    stream.removeTrack(old)
    stream.addTrack(track)
  }

  // ---- screen sharing ----

  /**
   * Shares the first video track of `stream` (from `getDisplayMedia`) with everyone as a second
   * video track beside the camera, so others see both the screen and your face. Each peer
   * renegotiates through perfect negotiation. The share ends with `stopScreenShare()` or when the
   * track ends (the browser's own "Stop sharing"); the SDK then stops the stream's tracks.
   */
  startScreenShare(stream: MediaStream): void {
    const track = stream.getVideoTracks()[0]
    if (!track) throw PeerlaneError.invalidArgument('startScreenShare() needs a stream with a video track')
    if (this.host.selfId() === undefined) throw PeerlaneError.invalidState('startScreenShare() while not in a room')
    if (this.screen) this.endScreen()
    // Text on a shared screen must stay sharp; the encoder then drops frames before resolution.
    if ('contentHint' in track) track.contentHint = 'detail'
    const onEnded = () => {
      if (this.screen?.track === track) this.stopScreenShare()
    }
    track.addEventListener('ended', onEnded)
    this.screen = { stream, track, onEnded }
    // Announce before adding the track, so the far side knows the stream is a screen when it lands.
    this.broadcastState()
    for (const link of this.links.values()) if (link.channels?.isOpen) this.addScreen(link)
    this.host.emit('local-screen-share', stream)
  }

  stopScreenShare(): void {
    if (!this.screen) return
    this.endScreen()
    this.broadcastState()
    this.host.emit('local-screen-share', null)
  }

  // ---- files ----

  /**
   * Sends `file` to one peer, several, or everyone, streamed in ≤ 16 KiB chunks with
   * backpressure and checked by SHA-256 on arrival. Returns at once; follow the transfer's
   * `progress` and `end` events or await `finished`.
   */
  sendFile(file: Blob, options: SendFileOptions = {}): OutgoingFileTransfer {
    if (this.host.selfId() === undefined) throw PeerlaneError.invalidState('sendFile() while not in a room')
    const to = options.to === undefined ? [...this.links.keys()] : typeof options.to === 'string' ? [options.to] : [...options.to]
    const unknown = to.find((peerId) => !this.links.has(peerId))
    if (unknown !== undefined) throw PeerlaneError.invalidArgument(`No peer ${unknown} in the room`)
    if (to.length === 0) throw PeerlaneError.invalidState('sendFile() with nobody else in the room')
    const name = options.name ?? ((file as { name?: unknown }).name as string | undefined) ?? 'file'
    const transfer = new OutgoingFileTransfer(`out-${this.nextTransfer++}`, file, name || 'file', to)
    for (const peerId of to) {
      const files = this.links.get(peerId)?.files
      if (files) files.send(transfer)
      else transfer.legEnded(peerId, { state: 'failed', error: PeerlaneError.channelUnavailable(peerId) })
    }
    return transfer
  }

  // ---- stats and quality ----

  /** RTT, bitrates, loss, resolution, frame rate, codecs and candidate types for one peer. */
  async getStats(peerId: string): Promise<PeerStats> {
    const link = this.links.get(peerId)
    if (!link) throw PeerlaneError.invalidArgument(`No peer ${peerId} in the room`)
    const { stats, sample } = summarizeStats(await link.connection.getStats(), link.statsSample)
    link.statsSample = sample
    return stats
  }

  get videoQuality(): QualityPreset | 'auto' {
    return this.quality
  }

  /**
   * Caps what the camera sends to every peer. `'auto'` (the default) picks by room size (see
   * `presetForRoomSize`) and follows it as people join and leave. Screen shares are not capped.
   */
  async setVideoQuality(preset: QualityPreset | 'auto'): Promise<void> {
    this.quality = preset
    this.appliedPreset = undefined
    await this.applyQuality()
  }

  /**
   * Prefers a video codec (e.g. `'video/VP9'`) on every peer connection, now and later. It takes
   * effect at the next offer/answer: at once for new peers, and for current ones on their next
   * renegotiation (a screen share, an ICE restart).
   */
  preferVideoCodec(mimeType: VideoCodecMimeType): void {
    for (const link of this.links.values()) {
      const error = this.applyCodec(link, mimeType)
      if (error) throw error
    }
    this.codec = mimeType
  }

  // ---- internals ----

  private openChannels(link: Link): void {
    const channels = new PeerChannels(link.connection, this.host.logger())
    link.channels = channels
    link.files = new PeerFileLink(
      link.peer.id,
      channels,
      this.host.fileLimits,
      (transfer) => this.host.emit('file', transfer, link.peer),
      this.host.logger(),
    )
    channels.on('control', (frame) => this.receiveControl(link, frame))
    channels.on('open', () => {
      if (this.links.get(link.peer.id) !== link) return
      channels.sendControl(this.stateFrame())
      for (const frame of link.pending.splice(0)) channels.sendControl(frame)
      if (this.screen) this.addScreen(link)
      void this.applyQuality(link)
      this.host.emit('channel-open', link.peer)
    })
  }

  private receiveControl(link: Link, frame: ControlFrame): void {
    if (this.links.get(link.peer.id) !== link) return
    if (frame.type === 'chat') {
      if (!link.chatBucket.take(utf8Length(frame.text))) {
        this.chatDropped(link)
        return
      }
      this.host.emit('message', {
        id: frame.id,
        from: link.peer.id,
        ...(link.peer.name !== undefined ? { name: link.peer.name } : {}),
        text: frame.text,
        sentAt: frame.sentAt,
        receivedAt: Date.now(),
        local: false,
      })
      return
    }
    link.remoteState = frame
    const state = this.mediaStateOf(link.peer.id)
    if (state) this.host.emit('media-state', { peer: link.peer, state })
    this.showScreen(link)
  }

  private chatDropped(link: Link): void {
    link.chatDropped += 1
    const now = Date.now()
    if (now - link.chatDropReportedAt < CHAT_DROP_REPORT_MS) return
    link.chatDropReportedAt = now
    this.host.logger().warn(`chat from ${link.peer.id} over the rate limit dropped (${link.chatDropped} so far)`)
    this.host.emit('chat-dropped', { peer: link.peer, dropped: link.chatDropped })
  }

  // A screen share shows once both its announcement and its track have arrived, in either order.
  private showScreen(link: Link): void {
    const id = link.remoteState.screenStreamId
    const stream = id === null ? null : (link.remoteStreams.get(id) ?? null)
    if (stream === link.shownScreen) return
    link.shownScreen = stream
    this.host.emit('screen-share', { peer: link.peer, stream })
  }

  private stateFrame(): MediaStateFrame {
    return { type: 'media-state', ...this.local, screenStreamId: this.screen?.stream.id ?? null }
  }

  private broadcastState(): void {
    const frame = this.stateFrame()
    for (const link of this.links.values()) link.channels?.sendControl(frame)
  }

  private addScreen(link: Link): void {
    if (!this.screen || link.screenSender) return
    link.screenSender = link.connection.addTrack(this.screen.track, this.screen.stream)
  }

  private endScreen(): void {
    const screen = this.screen
    if (!screen) return
    this.screen = undefined
    screen.track.removeEventListener('ended', screen.onEnded)
    for (const link of this.links.values()) {
      const sender = link.screenSender
      link.screenSender = undefined
      if (sender && link.connection.connectionState !== 'closed') link.connection.removeTrack(sender)
    }
    for (const track of screen.stream.getTracks()) track.stop()
  }

  private applyCodec(link: Link, mimeType: VideoCodecMimeType): PeerlaneError | undefined {
    for (const transceiver of link.connection.getTransceivers()) {
      if (transceiver.receiver.track?.kind !== 'video') continue
      const error = preferVideoCodec(transceiver, mimeType)
      if (error) return error
    }
    return undefined
  }

  // Applies the preset in effect to camera senders: of one link that just connected, or of all
  // when the preset changed. Senders not negotiated yet are caught when their link opens.
  private async applyQuality(only?: Link): Promise<void> {
    const preset = this.quality === 'auto' ? presetForRoomSize(this.links.size + 1) : this.quality
    if (!only && preset === this.appliedPreset) return
    if (preset !== this.appliedPreset) {
      this.appliedPreset = preset
      this.host.emit('quality', preset)
    }
    const links = only ? [only] : [...this.links.values()]
    const senders = links.flatMap((link) =>
      link.connection.getSenders().filter((sender) => sender.track?.kind === 'video' && sender !== link.screenSender),
    )
    await Promise.all(
      senders.map((sender) =>
        applyEncodingLimits(sender, QUALITY_PRESETS[preset]).catch((cause: unknown) =>
          this.host.logger().warn('could not apply the video quality preset', cause),
        ),
      ),
    )
  }
}
