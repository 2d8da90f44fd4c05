// Test-only helpers (never imported by the entries): a real `ws` client that buffers every frame
// and lets a test wait for the next matching one, so no test depends on timing.
import { decode, type ServerMessage } from '@peerlane/protocol'
import { afterEach } from 'vitest'
import { WebSocket, type ClientOptions } from 'ws'
import { createSignalingServer, type SignalingServer } from '../server.js'
import type { SignalingConfig } from '../config.js'

export type Received = ServerMessage & Record<string, unknown>

export interface TestClient {
  readonly ws: WebSocket
  /** Every frame received so far, in order (room-state included), to prove what never arrived. */
  readonly received: readonly Received[]
  /** Resolves with (and consumes) the first buffered or future message that matches. */
  next(match?: (message: Received) => boolean, timeoutMs?: number): Promise<Received>
  nextOfType<T extends Received['type']>(type: T, timeoutMs?: number): Promise<Extract<Received, { type: T }>>
  /** Sends an object as JSON, or a string as the exact frame text. */
  send(message: unknown): void
  /**
   * Round-trips a ping and returns (consuming) everything received before its pong. Frames the
   * server queued for this socket earlier are guaranteed to arrive first, so this proves absence.
   * `room-state` frames are kept apart (they follow every welcome and change of hosts): a test
   * reads them with `nextOfType('room-state')`, and `received` still lists them.
   */
  sync(): Promise<Received[]>
  /** Resolves when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>
}

const DEFAULT_TIMEOUT_MS = 3_000
const servers: SignalingServer[] = []
const sockets: WebSocket[] = []
let pingSequence = 0

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A server on a free loopback port, closed after the current test. */
export async function startServer(config: SignalingConfig = {}): Promise<SignalingServer> {
  const server = await createSignalingServer({ port: 0, ...config })
  servers.push(server)
  return server
}

export async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options)
  sockets.push(ws)
  const buffer: Received[] = []
  const roomStates: Received[] = []
  const received: Received[] = []
  const waiters: { match: (message: Received) => boolean; resolve: (message: Received) => void }[] = []
  let protocolViolation: Error | undefined

  ws.on('message', (data, isBinary) => {
    const text = data.toString()
    // Every frame the server sends must itself be a valid server message of the protocol.
    const decoded = isBinary ? undefined : decode(text, 'server')
    if (!decoded?.ok) {
      protocolViolation = new Error(`server sent an invalid frame: ${text.slice(0, 200)}`)
      return
    }
    const message = decoded.message as Received
    received.push(message)
    const index = waiters.findIndex((waiter) => waiter.match(message))
    if (index === -1) (message.type === 'room-state' ? roomStates : buffer).push(message)
    else waiters.splice(index, 1)[0]?.resolve(message)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  ws.on('error', () => {})

  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })

  const next = (match: (message: Received) => boolean = (message) => message.type !== 'room-state', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Received> => {
    if (protocolViolation) return Promise.reject(protocolViolation)
    for (const list of [buffer, roomStates]) {
      const index = list.findIndex(match)
      if (index !== -1) return Promise.resolve(list.splice(index, 1)[0] as Received)
    }
    return new Promise<Received>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (message: Received) => {
          clearTimeout(timer)
          resolve(message)
        },
      }
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1)
        const seen = buffer.map((message) => message.type).join(', ') || 'nothing'
        reject(protocolViolation ?? new Error(`no matching message within ${timeoutMs} ms (buffered: ${seen})`))
      }, timeoutMs)
      waiters.push(waiter)
    })
  }

  const send = (message: unknown): void => ws.send(typeof message === 'string' ? message : JSON.stringify(message))

  return {
    ws,
    received,
    next,
    nextOfType: <T extends Received['type']>(type: T, timeoutMs?: number) =>
      next((message) => message.type === type, timeoutMs) as Promise<Extract<Received, { type: T }>>,
    send,
    async sync() {
      const id = `sync-${++pingSequence}`
      send({ type: 'ping', id })
      await next((message) => message.type === 'pong' && message.id === id)
      return buffer.splice(0)
    },
    closed,
  }
}

/** Connects and joins `room`; returns the client and its welcome. */
export async function joined(url: string, room: string, name?: string): Promise<{ client: TestClient; peerId: string }> {
  const client = await connect(url)
  client.send(name === undefined ? { type: 'join', room } : { type: 'join', room, name })
  const welcome = await client.nextOfType('welcome')
  return { client, peerId: welcome.peerId }
}
