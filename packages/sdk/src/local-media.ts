import type { PeerMediaState } from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'

/** A participant's microphone, camera and screen-share state, as they announce it. */
export interface MediaState {
  readonly audioMuted: boolean
  readonly videoOff: boolean
  readonly screenSharing: boolean
  /** They are recording the call (apps show everyone an indicator). */
  readonly recording: boolean
}

/** What `setMediaState` changes; screen sharing has its own calls. */
export type MediaStatePatch = Partial<Omit<MediaState, 'screenSharing'>>

/** What local media needs of a remote participant; `RemotePeer` provides it. */
export interface MediaPeer {
  readonly rawConnection: RTCPeerConnection
  /** True once the peer's data channels are open (media state reaches it, a screen share may start). */
  readonly channelOpen: boolean
  /** The sender carrying our screen to this peer, when sharing. */
  readonly screenSender: RTCRtpSender | undefined
  sendControl(frame: PeerMediaState): boolean
  shareScreen(track: MediaStreamTrack, carrier: MediaStream): Promise<void>
  unshareScreen(): Promise<void>
}

export interface LocalMediaEvents {
  /** Your own screen share started or stopped, including by the browser's "Stop sharing". */
  'local-screen-share': (stream: MediaStream | null) => void
}

interface ScreenShare {
  readonly stream: MediaStream
  readonly track: MediaStreamTrack
  readonly onEnded: () => void
}

/**
 * What this participant sends: the local tracks, mute, camera-off and recording, the screen
 * share and device switching, applied to every peer it is given. (The camera quality and codec
 * policy is a feature of its own: `@peerlane/sdk/video-quality`.)
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  #stream: MediaStream | undefined
  #local = { audioMuted: false, videoOff: false, recording: false }
  #screen: ScreenShare | undefined
  // Every share goes out under this one stream id, so the far side keeps mapping the reused
  // transceiver's track to our screen (`screenStreamId`) however many shares there are.
  #carrier: MediaStream | undefined

  readonly #peers: () => readonly MediaPeer[]
  readonly #log: Logger
  constructor(
    peers: () => readonly MediaPeer[],
    log: Logger,
  ) {
    super()
    this.#peers = peers
    this.#log = log
  }

  /** The tracks sent to every peer (from `join`). */
  get localStream(): MediaStream | undefined {
    return this.#stream
  }

  set localStream(stream: MediaStream | undefined) {
    this.#stream = stream
  }

  get mediaState(): MediaState {
    return { ...this.#local, screenSharing: this.#screen !== undefined }
  }

  /** The frame announcing our state; `screenStreamId` tells peers which stream is the screen. */
  stateFrame(): PeerMediaState {
    const { audioMuted, videoOff, recording } = this.#local
    // `recording` only when set: a peer on an SDK from before the field refuses unknown ones.
    return { type: 'media-state', audioMuted, videoOff, screenStreamId: this.#screen ? this.#screenCarrier().id : null, ...(recording ? { recording } : {}) }
  }

  /**
   * Adds our tracks to a new peer's connection: at once for the side that offers, or once the
   * peer's first offer is applied (then `addTrack` reuses its transceivers and the answer carries
   * our media without another round).
   */
  attach(peer: MediaPeer, offerer: boolean): void {
    const pc = peer.rawConnection
    const tracks = this.#stream?.getTracks() ?? []
    for (const track of tracks) pc.addTrack(track, this.#stream as MediaStream)
    if (offerer && tracks.length === 0) {
      pc.addTransceiver('audio', { direction: 'recvonly' })
      pc.addTransceiver('video', { direction: 'recvonly' })
    }
  }

  /** A peer's channels opened: tell it our state, share the screen. */
  peerReady(peer: MediaPeer): void {
    peer.sendControl(this.stateFrame())
    if (this.#screen) this.#share(peer, this.#screen.track)
  }

  /**
   * Mutes the microphone or turns the camera off (the tracks keep running, disabled, so turning
   * them back on is instant and needs no renegotiation), or announces that you record the call,
   * and tells everyone.
   */
  setMediaState(patch: MediaStatePatch): void {
    this.#local = { ...this.#local, ...patch }
    for (const track of this.#stream?.getAudioTracks() ?? []) track.enabled = !this.#local.audioMuted
    for (const track of this.#stream?.getVideoTracks() ?? []) track.enabled = !this.#local.videoOff
    this.#broadcastState()
  }

  /**
   * Swaps the camera or microphone being sent for `track` on every peer connection with
   * `RTCRtpSender.replaceTrack`: no renegotiation, the call keeps going. The old track is not
   * stopped (it is yours); new peers get the new track. Rejects with `invalid-state` when no
   * track of that kind is being sent.
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (track.kind !== kind) throw PeerlaneError.invalidArgument(`replaceTrack('${kind}') got a ${track.kind} track`)
    const stream = this.#stream
    const old = stream?.getTracks().find((each) => each.kind === kind)
    if (!stream || !old) throw PeerlaneError.invalidState(`No ${kind} track is being sent; join with one to switch it`)
    track.enabled = kind === 'audio' ? !this.#local.audioMuted : !this.#local.videoOff
    const senders = this.#peers().flatMap((peer) => peer.rawConnection.getSenders().filter((sender) => sender.track === old))
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
    if (this.#screen) this.#endScreen()
    // Text on a shared screen must stay sharp; the encoder then drops frames before resolution.
    if ('contentHint' in track) track.contentHint = 'detail'
    const onEnded = () => {
      if (this.#screen?.track === track) this.stopScreenShare()
    }
    track.addEventListener('ended', onEnded)
    this.#screen = { stream, track, onEnded }
    // Announce before adding the track, so the far side knows the stream is a screen when it lands.
    this.#broadcastState()
    for (const peer of this.#peers()) if (peer.channelOpen) this.#share(peer, track)
    this.emit('local-screen-share', stream)
  }

  stopScreenShare(): void {
    if (!this.#screen) return
    this.#endScreen()
    this.#broadcastState()
    this.emit('local-screen-share', null)
  }

  /** The call ended: a screen share stops, the next call starts from the defaults of quality. */
  reset(): void {
    if (this.#screen) this.#endScreen()
    this.#stream = undefined
  }

  #broadcastState(): void {
    const frame = this.stateFrame()
    for (const peer of this.#peers()) peer.sendControl(frame)
  }

  #screenCarrier(): MediaStream {
    this.#carrier ??= new MediaStream()
    return this.#carrier
  }

  #share(peer: MediaPeer, track: MediaStreamTrack): void {
    peer.shareScreen(track, this.#screenCarrier()).catch((cause: unknown) => this.#log.warn('could not share the screen with a peer', cause))
  }

  #endScreen(): void {
    const screen = this.#screen
    if (!screen) return
    this.#screen = undefined
    screen.track.removeEventListener('ended', screen.onEnded)
    for (const peer of this.#peers()) peer.unshareScreen().catch((cause: unknown) => this.#log.warn('could not stop sharing the screen with a peer', cause))
    for (const track of screen.stream.getTracks()) track.stop()
  }
}
