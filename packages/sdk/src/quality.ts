import { PeerlaneError } from './errors.js'

export type QualityPreset = 'high' | 'medium' | 'low'

/** What a preset sets on each camera sender's encoding (`RTCRtpSender.setParameters`). */
export interface EncodingLimits {
  /** Bits per second. */
  readonly maxBitrate: number
  /** 1 sends the camera's resolution; 2 halves width and height. */
  readonly scaleResolutionDownBy: number
  readonly maxFramerate: number
}

export const QUALITY_PRESETS: Readonly<Record<QualityPreset, EncodingLimits>> = {
  high: { maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 },
  medium: { maxBitrate: 500_000, scaleResolutionDownBy: 1.5, maxFramerate: 24 },
  low: { maxBitrate: 150_000, scaleResolutionDownBy: 2, maxFramerate: 15 },
}

/**
 * The preset `'auto'` picks for a room of `participants` (you included). In a mesh every
 * participant uploads one copy per other participant, so uplink and encoder load grow with the
 * room: beyond two people each copy gets less.
 */
export function presetForRoomSize(participants: number): QualityPreset {
  if (participants <= 2) return 'high'
  if (participants <= 4) return 'medium'
  return 'low'
}

/**
 * Applies `limits` to the sender's first encoding. Resolves false when the sender has no
 * encodings yet (before its first negotiation); the caller applies again once connected.
 */
export async function applyEncodingLimits(sender: RTCRtpSender, limits: EncodingLimits): Promise<boolean> {
  if (typeof sender.getParameters !== 'function' || typeof sender.setParameters !== 'function') return false
  const parameters = sender.getParameters()
  const first = parameters.encodings?.[0]
  if (!first) return false
  first.maxBitrate = limits.maxBitrate
  first.scaleResolutionDownBy = limits.scaleResolutionDownBy
  first.maxFramerate = limits.maxFramerate
  await sender.setParameters(parameters)
  return true
}

/** `'video/VP8'`, `'video/VP9'`, `'video/H264'`, `'video/AV1'`, … as in `RTCRtpCodec.mimeType`. */
export type VideoCodecMimeType = `video/${string}`

/**
 * Orders a transceiver's video codecs with `mimeType` first. The order takes effect at the next
 * offer or answer, so it is set before negotiating; the rest stay as fallbacks (and for
 * retransmission/FEC). Returns an error value when the platform or the codec is missing.
 */
export function preferVideoCodec(transceiver: RTCRtpTransceiver, mimeType: VideoCodecMimeType): PeerlaneError | undefined {
  const Receiver = (globalThis as { RTCRtpReceiver?: { getCapabilities?: (kind: string) => RTCRtpCapabilities | null } }).RTCRtpReceiver
  const codecs = Receiver?.getCapabilities?.('video')?.codecs
  if (!codecs || typeof transceiver.setCodecPreferences !== 'function') return PeerlaneError.unsupported('setCodecPreferences')
  const wanted = mimeType.toLowerCase()
  const preferred = codecs.filter((codec) => codec.mimeType.toLowerCase() === wanted)
  if (preferred.length === 0) return PeerlaneError.invalidArgument(`This browser cannot send ${mimeType}`)
  transceiver.setCodecPreferences([...preferred, ...codecs.filter((codec) => codec.mimeType.toLowerCase() !== wanted)])
  return undefined
}
