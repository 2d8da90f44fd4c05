import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { PeerlaneClient } from '../src/client.js'
import type { PeerlaneError } from '../src/errors.js'
import { nextEvent } from './helpers.js'

// `ws` delivers every frame of one TCP chunk synchronously. A server that resumes a session
// sends `welcome` and the frames it queued while the client was away back to back, so those
// frames must find the room listening the moment the welcome is handled, not some awaits later.
const servers: WebSocketServer[] = []
afterEach(async () => {
  for (const wss of servers.splice(0)) await new Promise((resolve) => wss.close(resolve))
})

const QUEUED = 5
const queued = (connection: number) =>
  Array.from({ length: QUEUED }, (_, i) => JSON.stringify({ type: 'error', code: 'rate-limited', message: `queued ${connection}.${i}` }))

it('resumes a live session and receives every frame the server queued right behind the welcome', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(wss)
  await new Promise((resolve) => wss.once('listening', resolve))
  let connections = 0
  const joins: Array<{ resumeToken?: string }> = []
  wss.on('connection', (socket) => {
    const connection = ++connections
    socket.once('message', (data) => {
      joins.push(JSON.parse(String(data)))
      const welcome = {
        type: 'welcome',
        protocol: 1,
        peerId: 'p_self',
        room: 'race',
        peers: [],
        iceServers: [],
        resumeToken: 'r'.repeat(32),
        ...(connection > 1 ? { resumed: true } : {}),
      }
      // One write: the welcome and the queued frames arrive in a single chunk.
      const raw = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket
      raw.cork()
      for (const frame of [JSON.stringify(welcome), ...queued(connection)]) socket.send(frame)
      raw.uncork()
      // The first session's socket drops abruptly once it is in; the client resumes.
      if (connection === 1) setTimeout(() => socket.terminate(), 50)
    })
  })
  const { port } = wss.address() as AddressInfo
  const client = new PeerlaneClient({ url: `ws://127.0.0.1:${port}`, WebSocket, logLevel: 'silent', reconnect: { initialDelayMs: 10, maxDelayMs: 20 } })
  const received: string[] = []
  client.on('error', (error: PeerlaneError) => received.push(error.message))
  const resumed = nextEvent(client, 'resumed')
  await client.join('race')
  const [{ sameSession }] = await resumed
  expect(sameSession).toBe(true)
  expect(joins[1]?.resumeToken).toBe('r'.repeat(32))
  await expect.poll(() => received.length).toBe(2 * QUEUED)
  expect(received).toEqual([...queued(1), ...queued(2)].map((frame) => JSON.parse(frame).message))
  client.leave()
})
