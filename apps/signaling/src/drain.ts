import { encode, type Draining } from '@peerlane/protocol'
import { WebSocket } from 'ws'

export interface DrainOptions {
  /** Suggested delay before clients reconnect (`draining.reconnectAfterMs`). */
  readonly reconnectAfterMs: number
  /** Longest wait for clients to leave on their own. */
  readonly timeoutMs: number
}

/**
 * Tells every client the server is going away and waits, bounded, for them to leave: a client
 * that reconnects elsewhere on its own schedule moves its call without a gap, where a cut-off
 * socket would only notice later. Resolves with the sockets still open when the wait ended.
 */
export async function drainClients(clients: ReadonlySet<WebSocket>, options: DrainOptions): Promise<WebSocket[]> {
  const frame = encode({ type: 'draining', reconnectAfterMs: options.reconnectAfterMs } satisfies Draining)
  const open = [...clients].filter((ws) => ws.readyState === WebSocket.OPEN)
  for (const ws of open) ws.send(frame)
  await new Promise<void>((resolve) => {
    let remaining = open.filter((ws) => ws.readyState !== WebSocket.CLOSED).length
    if (remaining === 0) return resolve()
    const timer = setTimeout(resolve, options.timeoutMs)
    for (const ws of open) {
      ws.once('close', () => {
        if (--remaining > 0) return
        clearTimeout(timer)
        resolve()
      })
    }
  })
  return [...clients].filter((ws) => ws.readyState !== WebSocket.CLOSED)
}
