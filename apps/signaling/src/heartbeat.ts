import type { WebSocket } from 'ws'

export interface Heartbeat {
  /** Starts watching a socket; call once per connection. */
  track(socket: WebSocket): void
  stop(): void
}

/**
 * Pings every tracked socket each interval and terminates the ones that did not answer the
 * previous ping: a peer whose network vanished never sends a close frame, and without this its
 * room would keep a ghost member until TCP gives up (minutes to hours).
 */
export function startHeartbeat(intervalMs: number, onDead: (socket: WebSocket) => void): Heartbeat {
  const alive = new Map<WebSocket, boolean>()
  const timer = setInterval(() => {
    for (const [socket, answered] of alive) {
      if (!answered) {
        alive.delete(socket)
        onDead(socket)
        socket.terminate()
        continue
      }
      alive.set(socket, false)
      socket.ping()
    }
  }, intervalMs)
  // The heartbeat alone should never keep a process alive.
  timer.unref()
  return {
    track(socket) {
      alive.set(socket, true)
      socket.on('pong', () => {
        if (alive.has(socket)) alive.set(socket, true)
      })
      socket.once('close', () => alive.delete(socket))
    },
    stop() {
      clearInterval(timer)
      alive.clear()
    },
  }
}
