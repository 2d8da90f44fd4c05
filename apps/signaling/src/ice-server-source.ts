import { encode, type IceServer, type IceServersUpdate } from '@peerlane/protocol'
import { turnCredential } from './turn-credentials.js'

/** The TURN server(s) whose ephemeral credentials the signaling server hands out. */
export interface TurnSettings {
  /** coturn's `static-auth-secret`. */
  readonly secret: string
  /** `turn:` / `turns:` URLs of the TURN server(s) that share the secret. */
  readonly urls: readonly string[]
  /** Lifetime of one credential. */
  readonly ttlSeconds: number
}

/** Who the credentials are for: the room-token identity when there is one, else the peer id. */
export interface IcePeer {
  readonly peerId: string
  readonly identity?: string | undefined
}

/** Sends one frame to the client; false once the socket can no longer take it. */
export type SendFrame = (frame: string) => boolean

/** Only its close matters: renewals stop with the socket. */
export interface ClosableSocket {
  once(event: 'close', listener: () => void): unknown
}

/**
 * The ICE servers of one `welcome`. With TURN configured the list carries fresh credentials, and
 * this socket is sent `ice-servers` with renewed ones before they expire, until it closes (a
 * later welcome on the same socket replaces the schedule).
 */
export type IceServersFor = (peer: IcePeer, send: SendFrame, socket: ClosableSocket) => IceServer[]

// Renewed once this share of the lifetime has passed: the remaining fifth is the client's time
// to apply them and move its relay allocation onto them before coturn refuses the old ones.
const RENEW_AFTER = 0.8

/** The static `iceServers`, followed by TURN with ephemeral credentials when `turn` is set. */
export function createIceServerSource(staticServers: readonly IceServer[], turn: TurnSettings | undefined, now: () => number = Date.now): IceServersFor {
  // Without TURN nothing is scheduled: the default pays for no timer per socket.
  if (!turn) return () => [...staticServers]
  const timers = new WeakMap<ClosableSocket, ReturnType<typeof setTimeout>>()
  const current = (peer: IcePeer): IceServer[] => {
    const expiresAt = Math.floor(now() / 1000) + turn.ttlSeconds
    const { username, credential } = turnCredential(turn.secret, peer.identity ?? '', peer.peerId, expiresAt)
    return [...staticServers, { urls: [...turn.urls], username, credential }]
  }
  const schedule = (peer: IcePeer, send: SendFrame, socket: ClosableSocket): void => {
    clearTimeout(timers.get(socket))
    const timer = setTimeout(() => {
      const update: IceServersUpdate = { type: 'ice-servers', iceServers: current(peer) }
      // A socket that no longer takes frames is closing; its close listener cleans up.
      if (send(encode(update))) schedule(peer, send, socket)
    }, turn.ttlSeconds * 1000 * RENEW_AFTER)
    timer.unref?.()
    timers.set(socket, timer)
  }
  return (peer, send, socket) => {
    if (!timers.has(socket)) {
      socket.once('close', () => {
        clearTimeout(timers.get(socket))
        timers.delete(socket)
      })
    }
    schedule(peer, send, socket)
    return current(peer)
  }
}
