import type { AddressInfo } from 'node:net'
import type { SignalingConfig } from '@peerlane/signaling'
import { WebSocketServer } from 'ws'

/** A port nothing listens on: bound once, then released. */
export async function deadPort(): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  const { port } = wss.address() as AddressInfo
  await new Promise<void>((resolve) => wss.close(() => resolve()))
  return port
}

/** A bare WebSocket server that answers every frame with `reply(frame)`, for servers that misbehave on purpose. */
export async function scriptedServer(reply: (frame: string) => string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const answer = reply(data.toString())
      if (answer !== undefined) socket.send(answer)
    })
  })
  const { port } = wss.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
}

/**
 * Server limits raised out of the way, for tests that measure the tester rather than the
 * server's abuse protection (a closed loop exceeds any per-connection message rate).
 */
export const UNLIMITED: SignalingConfig = {
  maxMessagesPerSecond: 1_000_000,
  maxBytesPerSecond: 1_000_000_000,
  maxConnectionsPerIpPerSecond: 1_000_000,
  maxOpenConnectionsPerIp: 100_000,
  maxPendingUpgradesPerIp: 100_000,
  // Joins that create rooms spend it, so what it refuses depends on earlier runs, not on the seed.
  joinFailuresPerIpPerMinute: 1_000_000,
}
