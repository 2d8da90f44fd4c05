import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { useConnectionQuality, type ConnectionQualityEvent } from '../src/connection-quality.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

// The connection-quality feature over a real werift connection: it samples only while someone
// listens, and each sample names the peer, a level and the numbers it came from.
let server: SignalingServer
beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' })
})
afterAll(() => server.close())

it('emits a connection-quality level per remote peer while someone listens, and stops when they leave', async () => {
  const make = () => new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
  const a = make()
  const b = make()
  try {
    const room = `quality-${process.pid}`
    await a.join(room)
    const connected = nextEvent(a, 'connection-state', (e) => e.state === 'connected', 20_000)
    const { peerId: bId } = await b.join(room)
    await connected
    const quality = useConnectionQuality(a, { intervalMs: 200 })
    expect(quality.qualityOf(bId)).toBeUndefined()
    const events: ConnectionQualityEvent[] = []
    const off = quality.on('connection-quality', (event) => events.push(event))
    await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    const [first] = events
    expect(first?.peer.id).toBe(bId)
    expect(['good', 'fair', 'poor']).toContain(first?.quality)
    expect(quality.qualityOf(bId)?.peer.id).toBe(bId)
    off()
    const seen = events.length
    await new Promise((resolve) => setTimeout(resolve, 700))
    // One sample may have been in flight when the listener left; none start after.
    expect(events.length).toBeLessThanOrEqual(seen + 1)
  } finally {
    a.leave()
    b.leave()
  }
}, 40_000)
