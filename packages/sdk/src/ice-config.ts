import type { Logger } from './logger.js'

export interface IceOptions {
  /** Fixed by the application: the server's servers (and renewals) are then ignored. */
  readonly iceServers?: RTCIceServer[] | undefined
  readonly iceTransportPolicy?: RTCIceTransportPolicy | undefined
}

/** What the ICE configuration needs of one remote peer. */
export interface IcePeer {
  readonly rawConnection: RTCPeerConnection
  restartIce(): void
}

/**
 * The RTCConfiguration of every peer connection. The server's ICE servers arrive in `welcome`
 * and, with TURN, again in `ice-servers` before their credentials expire (and in the welcome of a
 * resume); `update` applies them to the live connections without interrupting the calls.
 */
export class IceConfiguration {
  #servers: RTCIceServer[] = []

  readonly #options: IceOptions
  readonly #log: Logger
  constructor(
    options: IceOptions,
    log: Logger,
  ) {
    this.#options = options
    this.#log = log}

  get configuration(): RTCConfiguration {
    return {
      iceServers: this.#options.iceServers ?? this.#servers,
      ...(this.#options.iceTransportPolicy !== undefined ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
    }
  }

  /** Takes the server's latest ICE servers and applies them to every live connection. */
  update(servers: RTCIceServer[], peers: Iterable<IcePeer>): void {
    if (this.#options.iceServers) return
    const changed = JSON.stringify(servers) !== JSON.stringify(this.#servers)
    this.#servers = servers
    if (!changed) return
    for (const peer of peers) void this.#apply(peer)
  }

  async #apply(peer: IcePeer): Promise<void> {
    const pc = peer.rawConnection
    if (pc.connectionState === 'closed' || typeof pc.setConfiguration !== 'function') return
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), ...this.configuration })
      // A TURN allocation keeps the credentials it was made with, and coturn refuses its refreshes
      // once they expire: a call relayed through our own allocation moves onto a new one by an ICE
      // restart (media carries on over the old pair until the new one is chosen). Other paths
      // need nothing: the new servers serve the next gathering.
      if (await relayedLocally(pc)) peer.restartIce()
    } catch (error) {
      this.#log.warn('could not apply new ICE servers', error)
    }
  }
}

/** True when the connection's selected candidate pair uses a relay candidate of ours. */
async function relayedLocally(pc: RTCPeerConnection): Promise<boolean> {
  const reports = new Map<string, Record<string, unknown>>()
  ;(await pc.getStats()).forEach((report: Record<string, unknown>) => reports.set(report.id as string, report))
  let pair: Record<string, unknown> | undefined
  for (const report of reports.values()) {
    if (report.type === 'transport' && typeof report.selectedCandidatePairId === 'string') pair = reports.get(report.selectedCandidatePairId)
  }
  pair ??= [...reports.values()].find((report) => report.type === 'candidate-pair' && (report.selected === true || (report.nominated === true && report.state === 'succeeded')))
  const local = typeof pair?.localCandidateId === 'string' ? reports.get(pair.localCandidateId) : undefined
  return local?.candidateType === 'relay'
}
