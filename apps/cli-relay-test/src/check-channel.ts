import type { PeerlaneClient } from '@peerlane/sdk'
import { openDataChannel, type PeerlaneDataChannel } from '@peerlane/sdk/data'

/** The check's data channel: the SDK's data API, on the connections the SDK negotiated. */
export function openCheckChannel(client: PeerlaneClient): PeerlaneDataChannel {
  return openDataChannel(client, 'peerlane-relay-test')
}

/** Echoes every message back to its sender (the far side of the round trip). */
export function echo(channel: PeerlaneDataChannel): void {
  channel.on('message', ({ peer, data }) => {
    channel.send(data, peer.id).catch(() => undefined)
  })
}

/** Sends one message to `peerId` and resolves with the milliseconds until its echo returns. */
export function roundTrip(channel: PeerlaneDataChannel, peerId: string, payload: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const off = channel.on('message', ({ data }) => {
      if (data !== payload) return
      off()
      resolve(performance.now() - start)
    })
    channel.send(payload, peerId).catch((error: unknown) => {
      off()
      reject(error)
    })
  })
}
