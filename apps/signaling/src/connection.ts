import type { IncomingMessage } from 'node:http'
import {
  PROTOCOL_VERSION,
  RoomName,
  decode,
  encode,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type Join,
  type PeerJoined,
  type PeerLeft,
  type PeerLeftReason,
  type Pong,
  type RelayMessage,
  type Welcome,
} from '@peerlane/protocol'
import { Value } from '@sinclair/typebox/value'
import type { Logger } from 'pino'
import { WebSocket, type RawData } from 'ws'
import { errorFrame, type ErrorDetail } from './messages.js'
import { relay } from './router.js'
import { createPeerId, peerInfo, type Member, type Recipient, type RoomRegistry } from './rooms.js'

export interface ConnectionContext {
  readonly registry: RoomRegistry
  readonly iceServers: readonly IceServer[]
  readonly maxBufferedAmount: number
  readonly logger: Logger
}

/** The room of a client that relays before it joins: `?room=` of its connection URL when valid. */
export const IMPLICIT_ROOM = 'default'

interface Membership {
  readonly room: string
  readonly member: Member
  /** Joined by relaying without `join` (classic tutorial client): it gets no `welcome`. */
  readonly implicit: boolean
}

/** Wires one accepted socket to the room registry; owns the socket's membership until it closes. */
export function handleConnection(socket: WebSocket, request: IncomingMessage, context: ConnectionContext): void {
  const { registry } = context
  const baseLog = context.logger.child({ remote: request.socket.remoteAddress })
  let log = baseLog
  socket.on('error', (error) => log.debug({ err: error }, 'socket error'))

  const send = (frame: string): void => {
    if (socket.readyState !== WebSocket.OPEN) return
    // Signaling frames are small; a peer this far behind is not reading, and buffering for it
    // without bound would let one stuck client grow the server's memory.
    if (socket.bufferedAmount > context.maxBufferedAmount) {
      log.warn({ bufferedAmount: socket.bufferedAmount }, 'terminating a peer that stopped reading')
      socket.terminate()
      return
    }
    socket.send(frame)
  }
  const sendError = (code: ErrorCode, detail?: ErrorDetail): void => send(errorFrame(code, detail))

  const lobbyRoom = roomFromUrl(request.url)
  const listener: Recipient = { send }
  let lobbyOpen = true
  let membership: Membership | undefined

  // Until a connection joins, it hears its URL room's tutorial-style broadcasts (see RoomRegistry).
  registry.listen(lobbyRoom, listener)
  const closeLobby = (): void => {
    if (!lobbyOpen) return
    lobbyOpen = false
    registry.unlisten(lobbyRoom, listener)
  }

  const join = (room: string, name: string | undefined, implicit: boolean, ref: string): void => {
    const member: Member = { peerId: createPeerId(), name, send }
    const result = registry.join(room, member)
    if (!result.ok) {
      sendError(result.code, { ref })
      return
    }
    closeLobby()
    membership = { room, member, implicit }
    log = baseLog.child({ room, peerId: member.peerId })
    log.debug({ implicit }, 'joined')
    if (!implicit) {
      const welcome: Welcome = {
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        peerId: member.peerId,
        room,
        peers: result.others.map(peerInfo),
        iceServers: [...context.iceServers],
      }
      send(encode(welcome))
    }
    const joined: PeerJoined = { type: 'peer-joined', peer: peerInfo(member) }
    const frame = encode(joined)
    for (const other of result.others) other.send(frame)
  }

  const leave = (reason: PeerLeftReason): void => {
    if (!membership) return
    const { room, member } = membership
    membership = undefined
    const left: PeerLeft = { type: 'peer-left', peerId: member.peerId, reason }
    const frame = encode(left)
    for (const other of registry.leave(room, member)) other.send(frame)
    log.debug({ reason }, 'left')
    log = baseLog
  }

  const onJoin = (message: Join): void => {
    if (membership) return sendError('already-joined', { ref: 'join' })
    join(message.room, message.name, false, 'join')
  }

  const onRelay = (message: RelayMessage): void => {
    if (!membership) join(lobbyRoom, undefined, true, message.type)
    if (!membership) return
    const result = relay(registry, membership.room, membership.member, message, { toLobby: membership.implicit })
    if (!result.ok) sendError(result.code, { path: '/to', ref: message.type })
  }

  const dispatch = (message: ClientMessage): void => {
    switch (message.type) {
      case 'join':
        return onJoin(message)
      case 'leave':
        if (!membership) return sendError('not-in-room', { ref: 'leave' })
        return leave('left')
      case 'ping': {
        const pong: Pong = message.id === undefined ? { type: 'pong' } : { type: 'pong', id: message.id }
        return send(encode(pong))
      }
      case 'offer':
      case 'answer':
      case 'candidate':
        return onRelay(message)
    }
  }

  socket.on('message', (data, isBinary) => {
    // A handler bug must cost one error reply, never the process or the other peers.
    try {
      if (isBinary) return sendError('binary-frame')
      const decoded = decode(rawText(data), 'client')
      if (!decoded.ok) {
        const { code, message, path, ref } = decoded.error
        return sendError(code, { message, path, ref })
      }
      dispatch(decoded.message)
    } catch (error) {
      log.error({ err: error }, 'failed to handle a frame')
      sendError('internal')
    }
  })

  socket.once('close', (code) => {
    closeLobby()
    leave('disconnected')
    log.debug({ code }, 'closed')
  })
}

function roomFromUrl(url: string | undefined): string {
  const query = url?.split('?')[1]
  const room = query === undefined ? null : new URLSearchParams(query).get('room')
  return room !== null && Value.Check(RoomName, room) ? room : IMPLICIT_ROOM
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
