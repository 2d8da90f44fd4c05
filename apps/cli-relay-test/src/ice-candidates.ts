import type { SignalingTrace } from './signaling-probe.js'

export interface CandidateSummary {
  /** Types of the nominated pair (`host`, `srflx`, `prflx`, `relay`), when the stack reports it. */
  readonly selected?: { readonly local: string; readonly remote: string }
  /** Types of the candidates the peer signalled, and received from the other side. */
  readonly sent: readonly string[]
  readonly received: readonly string[]
}

interface PairStats {
  type: string
  state?: string
  nominated?: boolean
  selected?: boolean
  localCandidateId?: string
  remoteCandidateId?: string
}

/** Which candidate types carried the call: from `getStats()` when it names a pair, and what crossed the signaling. */
export async function summarizeCandidates(connection: RTCPeerConnection, trace: SignalingTrace): Promise<CandidateSummary> {
  const signalled = { sent: [...trace.candidateTypesSent].sort(), received: [...trace.candidateTypesReceived].sort() }
  let stats: RTCStatsReport
  try {
    stats = await connection.getStats()
  } catch {
    return signalled
  }
  let pair: PairStats | undefined
  stats.forEach((entry: PairStats) => {
    if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && (entry.nominated || entry.selected)) pair = entry
  })
  const typeOf = (id: string | undefined): string | undefined =>
    id === undefined ? undefined : (stats.get(id) as { candidateType?: string } | undefined)?.candidateType
  const local = typeOf(pair?.localCandidateId)
  const remote = typeOf(pair?.remoteCandidateId)
  return local && remote ? { selected: { local, remote }, ...signalled } : signalled
}
