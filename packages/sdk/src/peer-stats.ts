import type { PeerlaneClient } from './client.js'
import { PeerlaneError } from './errors.js'
import type { RemotePeer } from './remote-peer.js'
import { summarizeStats, type PeerStats, type StatsSample } from './stats.js'

// Call-quality numbers per peer, a feature an app adds (`useStats(client)`): each read turns the
// connection's counters into bitrates since the previous read of the same peer.

export class PeerStatsReader {
  readonly #samples = new WeakMap<RemotePeer, StatsSample>()

  readonly #client: PeerlaneClient
  constructor(client: PeerlaneClient) {
    this.#client = client}

  /** RTT, bitrates, loss, resolution, frame rate, codecs and candidate types of one peer. */
  async get(peerId: string): Promise<PeerStats> {
    const peer = this.#client.peers.get(peerId)
    if (!peer) throw PeerlaneError.invalidArgument(`No peer ${peerId} in the room`)
    const { stats, sample } = summarizeStats(await peer.rawConnection.getStats(), this.#samples.get(peer))
    this.#samples.set(peer, sample)
    return stats
  }
}

export function useStats(client: PeerlaneClient): PeerStatsReader {
  return new PeerStatsReader(client)
}
