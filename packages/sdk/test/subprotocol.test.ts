import { createSignalingServer } from '@peerlane/signaling'
import { expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { PeerlaneClient } from '../src/client.js'
import { LoopbackPeerConnection } from './werift.js'

it('offers the protocol versions it speaks in the handshake, and a server speaking peerlane.v1 accepts them', async () => {
  const offered = new Promise<string[]>((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (resolve([...protocols]), false) })
    wss.once('listening', () => {
      const { port } = wss.address() as AddressInfo
      const client = new PeerlaneClient({ url: `ws://127.0.0.1:${port}`, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
      client.join('proto').catch(() => {})
      void offered.finally(() => {
        client.leave()
        wss.close()
      })
    })
  })
  expect(await offered).toEqual(['peerlane.v1'])

  const server = await createSignalingServer({ port: 0, host: '127.0.0.1' })
  const client = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
  try {
    await client.join('proto')
    expect(client.peerId).toMatch(/\S/)
  } finally {
    client.leave()
    await server.close()
  }
})
