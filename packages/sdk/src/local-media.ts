import type { PeerMediaState } from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'
import {
  applyEncodingLimits,
  preferVideoCodec,
  presetForRoomSize,
  QUALITY_PRESETS,
  type QualityPreset,
  type VideoCodecMimeType,
} from './quality.js'

/** A participant's microphone, camera and screen-share state, as they announce it. */
export interface MediaState {
  readonly audioMuted: boolean
  readonly videoOff: boolean
  readonly screenSharing: boolean
}

/** What local media needs of a remote participant; `RemotePeer` provides it. */
export interface MediaPeer {
  readonly rawConnection: RTCPeerConnection
  /** True once the peer's data channels are open (media state reaches it, a screen share may start). */
  readonly channelOpen: boolean
  /** The sender carrying our screen to this peer, when sharing. */
  readonly screenSender: RTCRtpSender | undefined
  sendMediaState(frame: PeerMediaState): void
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void
  unshareScreen(): void
}

export interface LocalMediaEvents {
  /** Your own screen share started or stopped, including by the browser's "Stop sharing". */
  'local-screen-share': (stream: MediaStream | null) => void
  /** The camera preset in effect changed (by `setVideoQuality` or, in `auto`, by the room size). */
  quality: (preset: QualityPreset) => void
}

interface ScreenShare {
  readonly stream: MediaStream
  readonly track: MediaStreamTrack
  readonly onEnded: () => void
}

/**
 * What this participant sends: the local tracks, mute and camera-off, the screen share, device
 * switching, and the camera quality and codec policy, applied to every peer it is given.
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  private stream: MediaStream | undefined
  /** Whether the session may send tracks of this kind (its capabilities); withheld tracks are never added. */
  permits: (kind: string) => boolean = () => true
  private local = { audioMuted: false, videoOff: false }
  private screen: ScreenShare | undefined
  private quality: QualityPreset | 'auto' = 'auto'
  private appliedPreset: QualityPreset | undefined
  private codec: VideoCodecMimeType | undefined

  constructor(
    private readonly peers: () => readonly MediaPeer[],
    private readonly log: Logger,
  ) {
    super()
  }

  /** The tracks sent to every peer (from `join`). */
  get localStream(): MediaStream | undefined {
    return this.stream
  }

  set localStream(stream: MediaStream | undefined) {
    this.stream = stream
  }

  get mediaState(): MediaState {
    return { ...this.local, screenSharing: this.screen !== undefined }
  }

  get videoQuality(): QualityPreset | 'auto' {
    return this.quality
  }

  /** The frame announcing our state; `screenStreamId` tells peers which stream is the screen. */
  stateFrame(): PeerMediaState {
    return { type: 'media-state', ...this.local, screenStreamId: this.screen?.stream.id ?? null }
  }

  /**
   * Adds our tracks to a new peer's connection: at once for the side that offers, or once the
   * peer's first offer is applied (then `addTrack` reuses its transceivers and the answer carries
   * our media without another round).
   */
  attach(peer: MediaPeer, offerer: boolean): void {
    const pc = peer.rawConnection
    const tracks = (this.stream?.getTracks() ?? []).filter((track) => this.permits(track.kind))
    for (const track of tracks) pc.addTrack(track, this.stream as MediaStream)
    if (offerer && tracks.length === 0) {
      pc.addTransceiver('audio', { direction: 'recvonly' })
      pc.addTransceiver('video', { direction: 'recvonly' })
    }
    if (this.codec) this.applyCodec(pc, this.codec)
  }

  /** A peer's channels opened: tell it our state, share the screen, cap the camera. */
  peerReady(peer: MediaPeer): void {
    peer.sendMediaState(this.stateFrame())
    if (this.screen) peer.shareScreen(this.screen.track, this.screen.stream)
    void this.applyQuality([peer])
  }

  /** The room's size changed: in `auto`, the camera preset may follow. */
  roomChanged(): void {
    void this.applyQuality()
  }

  /**
   * Mutes the microphone or turns the camera off (the tracks keep running, disabled, so turning
   * them back on is instant and needs no renegotiation) and tells everyone.
   */
  setMediaState(patch: { readonly audioMuted?: boolean; readonly videoOff?: boolean }): void {
    this.local = { ...this.local, ...patch }
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !this.local.audioMuted
    for (const track of this.stream?.getVideoTracks() ?? []) track.enabled = !this.local.videoOff
    this.broadcastState()
  }

  /**
   * Swaps the camera or microphone being sent for `track` on every peer connection with
   * `RTCRtpSender.replaceTrack`: no renegotiation, the call keeps going. The old track is not
   * stopped (it is yours); new peers get the new track. Rejects with `invalid-state` when no
   * track of that kind is being sent.
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (track.kind !== kind) throw PeerlaneError.invalidArgument(`replaceTrack('${kind}') got a ${track.kind} track`)
    const stream = this.stream
    const old = stream?.getTracks().find((each) => each.kind === kind)
    if (!stream || !old) throw PeerlaneError.invalidState(`No ${kind} track is being sent; join with one to switch it`)
    track.enabled = kind === 'audio' ? !this.local.audioMuted : !this.local.videoOff
    const senders = this.peers().flatMap((peer) => peer.rawConnection.getSenders().filter((sender) => sender.track === old))
    if (senders.some((sender) => typeof sender.replaceTrack !== 'function')) throw PeerlaneError.unsupported('RTCRtpSender.replaceTrack')
    await Promise.all(senders.map((sender) => sender.replaceTrack(track)))
    stream.removeTrack(old)
    stream.addTrack(track)
  }

  /**
   * Shares the first video track of `stream` (from `getDisplayMedia`) with everyone as a second
   * video track beside the camera. The share ends with `stopScreenShare()` or when the track ends
   * (the browser's own "Stop sharing"); the SDK then stops the stream's tracks.
   */
  startScreenShare(stream: MediaStream): void {
    const track = stream.getVideoTracks()[0]
    if (!track) throw PeerlaneError.invalidArgument('startScreenShare() needs a stream with a video track')
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
    for (const peer of this.peers()) if (peer.channelOpen) peer.shareScreen(track, stream)
    this.emit('local-screen-share', stream)
  }

  stopScreenShare(): void {
    if (!this.screen) return
    this.endScreen()
    this.broadcastState()
    this.emit('local-screen-share', null)
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
    for (const peer of this.peers()) {
      const error = this.applyCodec(peer.rawConnection, mimeType)
      if (error) throw error
    }
    this.codec = mimeType
  }

  /** The call ended: a screen share stops, the next call starts from the defaults of quality. */
  reset(): void {
    if (this.screen) this.endScreen()
    this.appliedPreset = undefined
    this.stream = undefined
  }

  private broadcastState(): void {
    const frame = this.stateFrame()
    for (const peer of this.peers()) peer.sendMediaState(frame)
  }

  private endScreen(): void {
    const screen = this.screen
    if (!screen) return
    this.screen = undefined
    screen.track.removeEventListener('ended', screen.onEnded)
    for (const peer of this.peers()) peer.unshareScreen()
    for (const track of screen.stream.getTracks()) track.stop()
  }

  private applyCodec(pc: RTCPeerConnection, mimeType: VideoCodecMimeType): PeerlaneError | undefined {
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.receiver.track?.kind !== 'video') continue
      const error = preferVideoCodec(transceiver, mimeType)
      if (error) return error
    }
    return undefined
  }

  // Applies the preset in effect to camera senders: of peers that just connected, or of all
  // when the preset changed. Senders not negotiated yet are caught when their peer is ready.
  private async applyQuality(only?: readonly MediaPeer[]): Promise<void> {
    const peers = this.peers()
    const preset = this.quality === 'auto' ? presetForRoomSize(peers.length + 1) : this.quality
    if (!only && preset === this.appliedPreset) return
    if (preset !== this.appliedPreset) {
      this.appliedPreset = preset
      this.emit('quality', preset)
    }
    const senders = (only ?? peers).flatMap((peer) =>
      peer.rawConnection.getSenders().filter((sender) => sender.track?.kind === 'video' && sender !== peer.screenSender),
    )
    await Promise.all(
      senders.map((sender) =>
        applyEncodingLimits(sender, QUALITY_PRESETS[preset]).catch((cause: unknown) => this.log.warn('could not apply the video quality preset', cause)),
      ),
    )
  }
}
