import { RTCPeerConnection as WeriftPeerConnection, type MediaStreamTrack as WeriftTrack } from 'werift'
import WebSocket from 'ws'
import { PeerlaneClient } from '../dist/index.js'
import { weriftPeerConnection } from '../dist/werift.js'
import { expect, test } from './test.js'

// The suite runs with only `lo`, where werift gathers no host candidate unless told to.
const LoopbackPeerConnection = weriftPeerConnection(WeriftPeerConnection, { loopback: true })

const RTP_PACKETS = 100

for (const order of ['page first', 'node first'] as const) {
  test(`a Node SDK peer (werift + ws) receives video RTP from a Chromium page (${order})`, async ({ signaling, participant, room }) => {
    const server = await signaling()
    const alice = await participant('alice')
    const node = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
    const tracks: string[] = []
    const errors: string[] = []
    let packets = 0
    node.on('track', ({ peer, track }) => {
      tracks.push(`${peer.id} ${track.kind}`)
      if (track.kind === 'video') (track as unknown as WeriftTrack).onReceiveRtp.subscribe(() => packets++)
    })
    node.on('error', (error) => errors.push(`${error.code}: ${error.message}`))
    try {
      // Page first: the Node peer joins last and offers receive-only. Node first: the page offers its camera.
      if (order === 'page first') await alice.join(server.url, room)
      const { peerId } = await node.join(room, { name: 'node' })
      if (order === 'node first') await alice.join(server.url, room)

      await expect.poll(() => tracks, { message: 'the Node peer gets the page’s video track' }).toContain(`${alice.peerId} video`)
      await expect.poll(() => packets, { message: 'video RTP packets from Chromium reach werift', timeout: 20_000 }).toBeGreaterThan(RTP_PACKETS)
      expect(await alice.peerIds()).toEqual([peerId])
      expect(node.peers.get(alice.peerId)?.rawConnection.connectionState).toBe('connected')
      expect(errors).toEqual([])
      expect(await alice.errors()).toEqual([])
    } finally {
      node.leave()
    }
  })
}
