import { CLOSE_CODES } from '@peerlane/protocol'
import type { WebSocket } from 'ws'

export interface JoinTimer {
  /** The socket is in a room: no deadline while it stays there. */
  joined(): void
  /** The socket left its room: it has `timeoutMs` again to join another. */
  left(): void
}

/**
 * Closes a socket with 4003 once it has spent `timeoutMs` outside any room. Without it an idle,
 * never-joining socket holds a connection slot for as long as it answers heartbeats.
 */
export function startJoinTimer(socket: WebSocket, timeoutMs: number, onTimeout: () => void): JoinTimer {
  let timer: NodeJS.Timeout | undefined
  const stop = (): void => {
    clearTimeout(timer)
    timer = undefined
  }
  const arm = (): void => {
    stop()
    timer = setTimeout(() => {
      onTimeout()
      socket.close(CLOSE_CODES.joinTimeout, 'no join in time')
    }, timeoutMs)
    timer.unref()
  }
  arm()
  socket.once('close', stop)
  return { joined: stop, left: arm }
}
