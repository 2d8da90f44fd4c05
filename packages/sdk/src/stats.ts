/** One video stream's picture, as the stats report it. */
export interface VideoStreamStats {
  readonly width?: number
  readonly height?: number
  readonly framesPerSecond?: number
  readonly codec?: string
  /** Outgoing only: why the encoder sends less than asked (`bandwidth`, `cpu`, `none`, …). */
  readonly qualityLimitation?: string
}

export interface DirectionStats {
  /** All media bytes since the connection started. */
  readonly bytes: number
  /** Kilobits per second since the previous `getStats` of this peer; absent on the first call. */
  readonly bitrateKbps?: number
  /** Incoming: packets we missed; outgoing: packets the peer reports missing. */
  readonly packetsLost: number
  /** Lost packets as a percentage of all packets sent that way, when known. */
  readonly lossPercent?: number
  readonly audioCodec?: string
  /** Largest picture first (a screen share beside a camera gives two). */
  readonly video: readonly VideoStreamStats[]
}

/** What a call-quality overlay needs about one peer connection, from `RTCPeerConnection.getStats()`. */
export interface PeerStats {
  readonly timestamp: number
  readonly rttMs?: number
  /** `host`, `srflx`, `prflx` or `relay` for the candidate pair in use. */
  readonly localCandidateType?: string
  readonly remoteCandidateType?: string
  readonly incoming: DirectionStats
  readonly outgoing: DirectionStats
}

/** What the next summary needs from this one to turn byte counters into bitrates. */
export interface StatsSample {
  readonly timestamp: number
  readonly bytesIn: number
  readonly bytesOut: number
}

type Report = Record<string, unknown> & { readonly id: string; readonly type: string }

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

function codecName(reports: Map<string, Report>, codecId: unknown): string | undefined {
  const codec = typeof codecId === 'string' ? reports.get(codecId) : undefined
  // `video/VP8` → `VP8`: the kind is already known from where it is shown.
  return str(codec?.mimeType)?.split('/')[1]
}

function videoOf(reports: Map<string, Report>, report: Report): VideoStreamStats {
  const entries: Array<[keyof VideoStreamStats, unknown]> = [
    ['width', num(report.frameWidth)],
    ['height', num(report.frameHeight)],
    ['framesPerSecond', num(report.framesPerSecond)],
    ['codec', codecName(reports, report.codecId)],
    ['qualityLimitation', str(report.qualityLimitationReason)],
  ]
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as VideoStreamStats
}

const byArea = (a: VideoStreamStats, b: VideoStreamStats) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0)

function rate(bytes: number, previousBytes: number | undefined, ms: number | undefined): number | undefined {
  if (previousBytes === undefined || ms === undefined || ms <= 0 || bytes < previousBytes) return undefined
  return Math.round(((bytes - previousBytes) * 8) / ms)
}

function lossPercent(lost: number, total: number): number | undefined {
  return total > 0 ? Math.round((lost / total) * 1000) / 10 : undefined
}

/**
 * Summarises a stats report. Pass the sample returned with the previous summary of the same
 * connection to get bitrates; the result's `sample` is the one to pass next time.
 */
export function summarizeStats(
  report: RTCStatsReport | ReadonlyMap<string, unknown>,
  previous?: StatsSample,
): { stats: PeerStats; sample: StatsSample } {
  const reports = new Map<string, Report>()
  report.forEach((value) => {
    const entry = value as Report
    reports.set(entry.id, entry)
  })
  let timestamp = 0
  let bytesIn = 0, bytesOut = 0, packetsIn = 0, lostIn = 0, packetsOut = 0, lostOut = 0
  let audioIn: string | undefined, audioOut: string | undefined
  const videoIn: VideoStreamStats[] = []
  const videoOut: VideoStreamStats[] = []
  let pair: Report | undefined
  for (const entry of reports.values()) {
    timestamp = Math.max(timestamp, num(entry.timestamp) ?? 0)
    switch (entry.type) {
      case 'inbound-rtp':
        bytesIn += num(entry.bytesReceived) ?? 0
        packetsIn += num(entry.packetsReceived) ?? 0
        lostIn += Math.max(0, num(entry.packetsLost) ?? 0)
        if (entry.kind === 'video') videoIn.push(videoOf(reports, entry))
        else audioIn ??= codecName(reports, entry.codecId)
        break
      case 'outbound-rtp':
        bytesOut += num(entry.bytesSent) ?? 0
        packetsOut += num(entry.packetsSent) ?? 0
        if (entry.kind === 'video') videoOut.push(videoOf(reports, entry))
        else audioOut ??= codecName(reports, entry.codecId)
        break
      case 'remote-inbound-rtp':
        lostOut += Math.max(0, num(entry.packetsLost) ?? 0)
        break
      case 'transport': {
        const selected = str(entry.selectedCandidatePairId)
        if (selected) pair = reports.get(selected) ?? pair
        break
      }
      case 'candidate-pair':
        // Without a transport report (some stacks), the nominated, working pair is the one in use.
        if (!pair && entry.nominated === true && entry.state === 'succeeded') pair = entry
        break
    }
  }
  const ms = previous && timestamp > previous.timestamp ? timestamp - previous.timestamp : undefined
  const rtt = num(pair?.currentRoundTripTime)
  const local = typeof pair?.localCandidateId === 'string' ? reports.get(pair.localCandidateId) : undefined
  const remote = typeof pair?.remoteCandidateId === 'string' ? reports.get(pair.remoteCandidateId) : undefined
  const direction = (
    bytes: number,
    before: number | undefined,
    lost: number,
    total: number,
    audioCodec: string | undefined,
    video: VideoStreamStats[],
  ): DirectionStats => ({
    bytes,
    ...optional('bitrateKbps', rate(bytes, before, ms)),
    packetsLost: lost,
    ...optional('lossPercent', lossPercent(lost, total)),
    ...optional('audioCodec', audioCodec),
    video: video.sort(byArea),
  })
  const stats: PeerStats = {
    timestamp,
    ...optional('rttMs', rtt === undefined ? undefined : Math.round(rtt * 1000)),
    ...optional('localCandidateType', str(local?.candidateType)),
    ...optional('remoteCandidateType', str(remote?.candidateType)),
    incoming: direction(bytesIn, previous?.bytesIn, lostIn, packetsIn + lostIn, audioIn, videoIn),
    outgoing: direction(bytesOut, previous?.bytesOut, lostOut, packetsOut, audioOut, videoOut),
  }
  return { stats, sample: { timestamp, bytesIn, bytesOut } }
}

// Leaves a key out rather than setting it to undefined, so summaries compare and print cleanly.
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
