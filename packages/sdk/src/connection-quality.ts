import type { PeerlaneClient } from './client.js'
import { Emitter } from './emitter.js'
import type { RemotePeer } from './remote-peer.js'

// A traffic light per remote peer ('good' | 'fair' | 'poor') for a call screen, from the
// connection's round-trip time, packet loss since the last sample, and the bitrate the sender's
// congestion control thinks it has. A feature an app adds (`useConnectionQuality(client)`): it
// samples `getStats()` only while someone listens.

export type ConnectionQualityLevel = 'good' | 'fair' | 'poor'

/** The numbers a level is judged from; each may be missing when the platform does not report it. */
export interface ConnectionSample {
  /** Round-trip time of the candidate pair in use. */
  readonly rttMs?: number
  /** Packets lost since the previous sample, both directions, as a percentage of those sent. */
  readonly lossPercent?: number
  /** What the congestion controller estimates it may send (`availableOutgoingBitrate`). */
  readonly availableOutgoingKbps?: number
}

export interface ConnectionQualityEvent extends ConnectionSample {
  readonly peer: RemotePeer
  readonly quality: ConnectionQualityLevel
}

/** Beyond any of these a connection is at least `fair`, or `poor` (bitrates: below). */
export const CONNECTION_QUALITY_THRESHOLDS = {
  fair: { rttMs: 250, lossPercent: 2, availableOutgoingKbps: 500 },
  poor: { rttMs: 500, lossPercent: 8, availableOutgoingKbps: 150 },
} as const

/** To move up a level the numbers must clear the thresholds by this factor… */
const UPGRADE_MARGIN = 0.8
/** …in this many samples in a row; moving down takes one sample. */
const UPGRADE_SAMPLES = 2
const RANK: Record<ConnectionQualityLevel, number> = { good: 0, fair: 1, poor: 2 }

function beyond(sample: ConnectionSample, limits: (typeof CONNECTION_QUALITY_THRESHOLDS)['fair' | 'poor'], margin: number): boolean {
  const { rttMs, lossPercent, availableOutgoingKbps } = sample
  return (
    (rttMs !== undefined && rttMs > limits.rttMs * margin) ||
    (lossPercent !== undefined && lossPercent > limits.lossPercent * margin) ||
    (availableOutgoingKbps !== undefined && availableOutgoingKbps < limits.availableOutgoingKbps / margin)
  )
}

function levelOf(sample: ConnectionSample, margin: number): ConnectionQualityLevel {
  if (beyond(sample, CONNECTION_QUALITY_THRESHOLDS.poor, margin)) return 'poor'
  return beyond(sample, CONNECTION_QUALITY_THRESHOLDS.fair, margin) ? 'fair' : 'good'
}

/**
 * Turns samples into a level that does not flicker: it drops as soon as one sample is worse, and
 * rises only when `UPGRADE_SAMPLES` samples in a row clear the better level's thresholds with margin.
 */
export class ConnectionQualityClassifier {
  #current: ConnectionQualityLevel = 'good'
  #better = 0

  get level(): ConnectionQualityLevel {
    return this.#current
  }

  next(sample: ConnectionSample): ConnectionQualityLevel {
    const now = levelOf(sample, 1)
    if (RANK[now] > RANK[this.#current]) {
      this.#current = now
      this.#better = 0
      return now
    }
    const clear = levelOf(sample, UPGRADE_MARGIN)
    if (RANK[clear] < RANK[this.#current]) {
      this.#better += 1
      if (this.#better >= UPGRADE_SAMPLES) {
        this.#current = clear
        this.#better = 0
      }
    } else this.#better = 0
    return this.#current
  }
}

/** Counters one sample keeps for the next, to turn totals into loss over the interval. */
interface Counters {
  readonly sent: number
  readonly lost: number
}

type Report = Record<string, unknown>

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Reads one sample from a stats report; pass the counters returned last time for the loss. */
export function readConnectionSample(report: RTCStatsReport | ReadonlyMap<string, unknown>, previous?: Counters): { sample: ConnectionSample; counters: Counters } {
  const reports = new Map<string, Report>()
  report.forEach((value) => reports.set((value as { id: string }).id, value as Report))
  let pair: Report | undefined
  let sent = 0
  let lost = 0
  for (const entry of reports.values()) {
    if (entry.type === 'inbound-rtp') {
      const missed = Math.max(0, num(entry.packetsLost) ?? 0)
      sent += (num(entry.packetsReceived) ?? 0) + missed
      lost += missed
    } else if (entry.type === 'outbound-rtp') sent += num(entry.packetsSent) ?? 0
    else if (entry.type === 'remote-inbound-rtp') lost += Math.max(0, num(entry.packetsLost) ?? 0)
    else if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') pair = reports.get(entry.selectedCandidatePairId) ?? pair
    else if (entry.type === 'candidate-pair' && !pair && entry.nominated === true && entry.state === 'succeeded') pair = entry
  }
  const rtt = num(pair?.currentRoundTripTime)
  const available = num(pair?.availableOutgoingBitrate)
  const interval = previous && sent > previous.sent ? { sent: sent - previous.sent, lost: Math.max(0, lost - previous.lost) } : undefined
  const sample: ConnectionSample = {
    ...(rtt === undefined ? {} : { rttMs: Math.round(rtt * 1000) }),
    ...(interval ? { lossPercent: Math.round((interval.lost / interval.sent) * 1000) / 10 } : {}),
    ...(available === undefined ? {} : { availableOutgoingKbps: Math.round(available / 1000) }),
  }
  return { sample, counters: { sent, lost } }
}

export interface ConnectionQualityOptions {
  /** How often each peer is sampled while someone listens. Default 2000 ms. */
  readonly intervalMs?: number
}

export interface ConnectionQualityEvents {
  /** A fresh sample of one peer's connection (every `intervalMs` while connected). */
  'connection-quality': (event: ConnectionQualityEvent) => void
}

/** Watches every remote peer's connection quality; sampling runs only while someone listens. */
export function useConnectionQuality(client: PeerlaneClient, options: ConnectionQualityOptions = {}): ConnectionQuality {
  return new ConnectionQuality(client, options.intervalMs ?? 2000)
}

export class ConnectionQuality extends Emitter<ConnectionQualityEvents> {
  readonly #peers = new WeakMap<RemotePeer, { readonly classifier: ConnectionQualityClassifier; counters?: Counters }>()
  readonly #latest = new Map<string, ConnectionQualityEvent>()
  #timer: ReturnType<typeof setInterval> | undefined
  #offLeft: (() => void) | undefined

  readonly #client: PeerlaneClient
  readonly #intervalMs: number
  constructor(
    client: PeerlaneClient,
    intervalMs: number,
  ) {
    super()
    this.#client = client
    this.#intervalMs = intervalMs
  }

  /** The last event for `peerId`, if it was sampled. */
  qualityOf(peerId: string): ConnectionQualityEvent | undefined {
    return this.#latest.get(peerId)
  }

  override on<K extends keyof ConnectionQualityEvents>(event: K, handler: ConnectionQualityEvents[K]): () => void {
    this.#timer ??= setInterval(() => void this.#sample(), this.#intervalMs)
    this.#offLeft ??= this.#client.on('peer-left', (peer) => this.#latest.delete(peer.id))
    return super.on(event, handler)
  }

  override off<K extends keyof ConnectionQualityEvents>(event: K, handler: ConnectionQualityEvents[K]): void {
    super.off(event, handler)
    if (this.listens('connection-quality')) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#offLeft?.()
    this.#offLeft = undefined
  }

  async #sample(): Promise<void> {
    await Promise.all([...this.#client.peers.values()].filter((peer) => peer.connectionState === 'connected').map((peer) => this.#samplePeer(peer)))
  }

  async #samplePeer(peer: RemotePeer): Promise<void> {
    let report: RTCStatsReport
    try {
      report = await peer.rawConnection.getStats()
    } catch {
      return // closed meanwhile
    }
    const state = this.#peers.get(peer) ?? { classifier: new ConnectionQualityClassifier() }
    this.#peers.set(peer, state)
    const { sample, counters } = readConnectionSample(report, state.counters)
    state.counters = counters
    if (!this.#timer || !this.#client.peers.has(peer.id)) return
    const event: ConnectionQualityEvent = { peer, quality: state.classifier.next(sample), ...sample }
    this.#latest.set(peer.id, event)
    this.emit('connection-quality', event)
  }
}
