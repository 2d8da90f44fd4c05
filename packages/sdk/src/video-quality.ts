import type { PeerlaneClient } from './client.js'
import { Emitter } from './emitter.js'
import { applyEncodingLimits, preferVideoCodec, presetForRoomSize, QUALITY_PRESETS, type QualityPreset, type VideoCodecMimeType } from './quality.js'
import type { RemotePeer } from './remote-peer.js'

// The camera's quality and codec policy, a feature an app adds (`useVideoQuality(client)`):
// caps each camera sender's bitrate, resolution and frame rate, by room size (`'auto'`) or a
// fixed preset, and prefers a video codec. Without it the browser's congestion control alone
// decides. Screen shares are never capped.

export interface VideoQualityEvents {
  /** The camera preset in effect changed (by `set` or, in `auto`, by the room size). */
  quality: (preset: QualityPreset) => void
}

export function useVideoQuality(client: PeerlaneClient, preset: QualityPreset | 'auto' = 'auto'): VideoQuality {
  return new VideoQuality(client, preset)
}

export class VideoQuality extends Emitter<VideoQualityEvents> {
  #applied: QualityPreset | undefined
  #codec: VideoCodecMimeType | undefined
  readonly #disposers: Array<() => void>

  readonly #client: PeerlaneClient
  #chosen: QualityPreset | 'auto'
  constructor(
    client: PeerlaneClient,
    chosen: QualityPreset | 'auto',
  ) {
    super()
    this.#client = client
    this.#chosen = chosen
    this.#disposers = [
      client.on('peer-joined', (peer) => {
        if (this.#codec) this.#applyCodec(peer, this.#codec)
        void this.#apply()
      }),
      client.on('peer-left', () => void this.#apply()),
      // Senders are negotiated by the time the channels open: cap the newcomer's now.
      client.on('channel-open', (peer) => {
        if (this.#codec) this.#applyCodec(peer, this.#codec)
        void this.#apply([peer])
      }),
    ]
    void this.#apply()
  }

  /** What was chosen: a preset or `'auto'` (follows the room size). */
  get preset(): QualityPreset | 'auto' {
    return this.#chosen
  }

  /** The preset in effect now. */
  get effective(): QualityPreset {
    return this.#chosen === 'auto' ? presetForRoomSize(this.#client.peers.size + 1) : this.#chosen
  }

  /** Caps the camera's bitrate, resolution and frame rate; `'auto'` (the default) follows the room size. */
  async set(preset: QualityPreset | 'auto'): Promise<void> {
    this.#chosen = preset
    this.#applied = undefined
    await this.#apply()
  }

  /**
   * Prefers a video codec (e.g. `'video/VP9'`) on every peer connection, now and later. It takes
   * effect at the next offer/answer: at once for new peers, for current ones at their next
   * renegotiation (a screen share, an ICE restart). Throws `unsupported` or `invalid-argument`.
   */
  preferCodec(mimeType: VideoCodecMimeType): void {
    for (const peer of this.#client.peers.values()) this.#applyCodec(peer, mimeType, true)
    this.#codec = mimeType
  }

  close(): void {
    for (const dispose of this.#disposers.splice(0)) dispose()
  }

  #applyCodec(peer: RemotePeer, mimeType: VideoCodecMimeType, strict = false): void {
    for (const transceiver of peer.rawConnection.getTransceivers()) {
      if (transceiver.receiver.track?.kind !== 'video') continue
      const error = preferVideoCodec(transceiver, mimeType)
      if (error && strict) throw error
      if (error) return this.#client.log.warn('could not prefer the video codec', error)
    }
  }

  // Applies the preset in effect to camera senders: of peers that just connected, or of all
  // when the preset changed. Senders not negotiated yet are caught when their peer's channels open.
  async #apply(only?: readonly RemotePeer[]): Promise<void> {
    const preset = this.effective
    if (!only && preset === this.#applied) return
    if (preset !== this.#applied) {
      this.#applied = preset
      this.emit('quality', preset)
    }
    const peers = only ?? [...this.#client.peers.values()]
    const senders = peers.flatMap((peer) =>
      peer.rawConnection.getSenders().filter((sender) => sender.track?.kind === 'video' && sender !== peer.screenSender),
    )
    await Promise.all(
      senders.map((sender) =>
        applyEncodingLimits(sender, QUALITY_PRESETS[preset]).catch((cause: unknown) => this.#client.log.warn('could not apply the video quality preset', cause)),
      ),
    )
  }
}
