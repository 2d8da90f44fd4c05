import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { createLogger } from '../src/logger.js'
import { OUTBOX_LIMITS, SignalingSession, type WelcomeInfo } from '../src/signaling-session.js'

// Signaling produced while the socket is down waits in an outbox bounded by count AND bytes:
// a call renegotiating through a long outage must not grow without limit.
const servers: WebSocketServer[] = []
afterEach(async () => {
  for (const wss of servers.splice(0)) await new Promise((resolve) => wss.close(resolve))
})

async function resumingServer(): Promise<{ url: string; received: string[]; drop: () => void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(wss)
  await new Promise((resolve) => wss.once('listening', resolve))
  const received: string[] = []
  let first: WebSocket | undefined
  let connections = 0
  wss.on('connection', (socket) => {
    const connection = ++connections
    if (connection === 1) first = socket
    socket.on('message', (data) => {
      const text = String(data)
      if (JSON.parse(text).type !== 'join') return void received.push(text)
      socket.send(JSON.stringify({ type: 'welcome', protocol: 1, peerId: 'p_self', room: 'outbox', peers: [], iceServers: [], resumeToken: 't'.repeat(32), ...(connection > 1 ? { resumed: true } : {}) }))
    })
  })
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, received, drop: () => first?.terminate() }
}

async function outage(sdpLength: number, frames: number): Promise<{ received: string[]; info: WelcomeInfo }> {
  const server = await resumingServer()
  const session = new SignalingSession({
    url: server.url,
    WebSocket,
    log: createLogger('test', 'silent'),
    keepaliveTimeoutMs: 30_000,
    backoff: { initialDelayMs: 300, maxDelayMs: 300 },
    maxFrameBytes: 64 * 1024,
  })
  await session.start({ room: 'outbox' })
  const reconnecting = new Promise<void>((resolve) => session.on('state', (state) => state === 'reconnecting' && resolve()))
  server.drop()
  await reconnecting
  for (let i = 0; i < frames; i++) session.send({ type: 'offer', to: 'p_peer', sdp: { type: 'offer', sdp: `${i} `.padEnd(sdpLength, 'x') } })
  const info = await new Promise<WelcomeInfo>((resolve) => session.on('welcome', (_, info) => resolve(info)))
  // A marker behind the held frames: once it is in, everything before it is too.
  session.send({ type: 'ping', id: 'end' })
  await expect.poll(() => server.received.some((text) => JSON.parse(text).type === 'ping'), { timeout: 10_000 }).toBe(true)
  session.leave()
  return { received: server.received.filter((text) => JSON.parse(text).type === 'offer'), info }
}

it('keeps at most OUTBOX_LIMITS.bytes of the newest frames, and asks for renegotiation when it dropped any', async () => {
  const { received, info } = await outage(8000, 400)
  const bytes = received.reduce((sum, text) => sum + Buffer.byteLength(text), 0)
  expect(bytes).toBeLessThanOrEqual(OUTBOX_LIMITS.bytes)
  expect(received.length).toBeGreaterThan(100)
  expect(JSON.parse(received.at(-1) ?? '{}').sdp.sdp.startsWith('399 ')).toBe(true)
  expect(info).toEqual({ reconnected: true, sameSession: true, signalingLost: true })
})

it('keeps at most OUTBOX_LIMITS.frames small frames', async () => {
  const { received, info } = await outage(10, OUTBOX_LIMITS.frames + 100)
  expect(received.length).toBe(OUTBOX_LIMITS.frames)
  expect(info.signalingLost).toBe(true)
})

it('sends everything held and asks for nothing more when the outbox did not overflow', async () => {
  const { received, info } = await outage(10, 20)
  expect(received.length).toBe(20)
  expect(info.signalingLost).toBe(false)
})
