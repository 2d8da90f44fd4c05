import { randomUUID } from 'node:crypto'
import type WebSocket from 'ws'
import { Counter } from './counter.js'
import type { FrameDialect } from './load-frames.js'
import { openSocket, closeSocket } from './open-socket.js'
import { withPeerjsIdentity, withRoom } from './target-url.js'

/**
 * How synthetic peers enter rooms: `join` speaks the Peerlane protocol (join → welcome, then
 * address each message with `to`); `url-room` is the tutorial way (`?room=` in the URL, broadcast
 * to the room), which is what a minimal baseline relay understands; `peerjs` is a PeerJS server's
 * (`?key=&id=&token=` in the URL, wait for `OPEN`, address each message with `dst`; PeerJS has no
 * rooms, so a room is only which peers address each other).
 */
export type Handshake = 'join' | 'url-room' | 'peerjs'

/** The message format each handshake's server understands. */
export function dialectOf(handshake: Handshake): FrameDialect {
  return handshake === 'peerjs' ? 'peerjs' : 'peerlane'
}

export interface FleetConfig {
  readonly url: URL
  readonly peers: number
  readonly rooms: number
  readonly roomPrefix: string
  readonly handshake: Handshake
  readonly token?: string
  readonly connectTimeoutMs: number
  /** Sockets being opened at once; bounds the connect storm a big fleet puts on the server. */
  readonly concurrency: number
}

export interface FleetPeer {
  readonly socket: WebSocket
  readonly room: string
  /** The server-assigned id (`join`), or the id the peer registered with (`peerjs`). */
  readonly peerId: string | undefined
  /** Whom this peer sends to: the next peer of its room (`join`, `peerjs`), or the whole room (`url-room`). */
  target: string | undefined
  /** Deliveries one message of this peer makes: 1 when addressed, the room's other members when broadcast. */
  fanout: number
}

export interface Fleet {
  readonly peers: readonly FleetPeer[]
  /** Peers that did not get in, by error code (`unreachable`, `timeout`, or the server's `room-full`…). */
  readonly failures: Counter
  close(): Promise<void>
}

/** Connects `peers` sockets spread evenly over `rooms` rooms and (with `join`) joins each. */
export async function connectFleet(config: FleetConfig, onConnected?: (connected: number) => void): Promise<Fleet> {
  const failures = new Counter()
  const slots: (FleetPeer | undefined)[] = new Array(config.peers)
  let next = 0
  let connected = 0
  const worker = async (): Promise<void> => {
    while (next < config.peers) {
      const index = next++
      const room = `${config.roomPrefix}-${index % config.rooms}`
      const peer = await connectPeer(config, room)
      if ('code' in peer) failures.add(peer.code)
      else {
        slots[index] = peer
        onConnected?.(++connected)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.peers) }, worker))
  const peers = slots.filter((peer): peer is FleetPeer => peer !== undefined)
  assignTargets(peers, config.handshake)
  return {
    peers,
    failures,
    close: async () => {
      await Promise.all(peers.map((peer) => closeSocket(peer.socket)))
    },
  }
}

async function connectPeer(config: FleetConfig, room: string): Promise<FleetPeer | { code: string }> {
  const peerjsId = randomUUID()
  const url =
    config.handshake === 'url-room' ? withRoom(config.url, room)
    : config.handshake === 'peerjs' ? withPeerjsIdentity(config.url, peerjsId, config.token ?? randomUUID())
    : config.url
  // A PeerJS server speaks first (`OPEN` right after the upgrade): listen before the socket opens.
  let serverOpen: Promise<{ peerId: string } | { code: string }> | undefined
  const opened = await openSocket(url, {
    timeoutMs: config.connectTimeoutMs,
    zeroMask: true,
    skipUTF8Validation: true,
    ...(config.handshake === 'peerjs' ? { onSocket: (socket: WebSocket) => (serverOpen = awaitOpen(socket, config, peerjsId)) } : {}),
  })
  if (!opened.ok) return { code: opened.error.code }
  const socket = opened.value
  if (config.handshake === 'url-room') return { socket, room, peerId: undefined, target: undefined, fanout: 0 }
  const welcome = serverOpen ? await serverOpen : await awaitWelcome(socket, config, room)
  if ('code' in welcome) {
    await closeSocket(socket)
    return welcome
  }
  return { socket, room, peerId: welcome.peerId, target: undefined, fanout: 0 }
}

// Setup is not the measured path, so parsing JSON here costs the measurement nothing.
function awaitWelcome(socket: WebSocket, config: FleetConfig, room: string): Promise<{ peerId: string } | { code: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ code: 'timeout' }), config.connectTimeoutMs)
    const finish = (result: { peerId: string } | { code: string }): void => {
      clearTimeout(timer)
      socket.off('message', onMessage)
      socket.off('close', onClose)
      resolve(result)
    }
    const onMessage = (data: Buffer): void => {
      let message: { type?: unknown; peerId?: unknown; code?: unknown }
      try {
        message = JSON.parse(data.toString()) as typeof message
      } catch {
        return finish({ code: 'bad-welcome' })
      }
      if (message.type === 'welcome' && typeof message.peerId === 'string') finish({ peerId: message.peerId })
      else if (message.type === 'error') finish({ code: `server:${String(message.code)}` })
    }
    const onClose = (code: number): void => finish({ code: `closed:${code}` })
    socket.on('message', onMessage)
    socket.once('close', onClose)
    socket.send(JSON.stringify({ type: 'join', room, ...(config.token === undefined ? {} : { token: config.token }) }))
  })
}

// A PeerJS server registers the id from the URL and answers `OPEN` (or `ERROR` / `ID-TAKEN`).
function awaitOpen(socket: WebSocket, config: FleetConfig, peerId: string): Promise<{ peerId: string } | { code: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ code: 'timeout' }), config.connectTimeoutMs)
    const finish = (result: { peerId: string } | { code: string }): void => {
      clearTimeout(timer)
      socket.off('message', onMessage)
      socket.off('close', onClose)
      resolve(result)
    }
    const onMessage = (data: Buffer): void => {
      let message: { type?: unknown }
      try {
        message = JSON.parse(data.toString()) as typeof message
      } catch {
        return finish({ code: 'bad-open' })
      }
      if (message.type === 'OPEN') finish({ peerId })
      else if (message.type === 'ERROR' || message.type === 'ID-TAKEN') finish({ code: `server:${String(message.type)}` })
    }
    const onClose = (code: number): void => finish({ code: `closed:${code}` })
    socket.on('message', onMessage)
    socket.once('close', onClose)
  })
}

// Each peer sends to the next one of its room, so every message has exactly one recipient and
// every peer receives as much as it sends, however many share a room.
function assignTargets(peers: readonly FleetPeer[], handshake: Handshake): void {
  const byRoom = new Map<string, FleetPeer[]>()
  for (const peer of peers) {
    const members = byRoom.get(peer.room)
    if (members) members.push(peer)
    else byRoom.set(peer.room, [peer])
  }
  for (const members of byRoom.values()) {
    members.forEach((peer, i) => {
      if (members.length < 2) return
      if (handshake === 'url-room') {
        peer.fanout = members.length - 1
        return
      }
      peer.target = members[(i + 1) % members.length]?.peerId
      peer.fanout = peer.target === undefined ? 0 : 1
    })
  }
}
