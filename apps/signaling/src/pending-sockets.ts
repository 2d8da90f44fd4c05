import type { Server, Socket } from 'node:net'
import { limitKey } from './client-address.js'
import { ConnectionBudget } from './connection-budget.js'

export interface PendingSocketLimits {
  /** Connections that have not sent a complete request yet, in all. */
  readonly maxPending: number
  /** The same per remote address (its /64 for IPv6). */
  readonly maxPendingPerIp: number
  /** How long a connection may take to send its first complete request head. */
  readonly timeoutMs: number
  /** Remote addresses exempt from the per-address cap (trusted proxies carry many clients). */
  readonly exempt: (address: string) => boolean
  /** Called for each connection dropped: over a cap at accept, or out of time. */
  readonly onShed: (reason: 'pending-limit' | 'upgrade-timeout') => void
}

/**
 * Sheds slowloris connections: a TCP connection counts as pending from accept until its first
 * request head (plain HTTP or WebSocket upgrade) is complete. Past the caps a new connection is
 * destroyed at once; a pending one is destroyed after `timeoutMs`. Node's own `headersTimeout`
 * covers later requests on a kept-alive connection.
 */
export function shedPendingSockets(server: Server, limits: PendingSocketLimits): void {
  const budget = new ConnectionBudget(limits.maxPendingPerIp, limits.maxPending)
  // Keyed by the remote endpoint, not the socket object: over TLS the request's socket is the
  // TLSSocket wrapping the one 'connection' saw, and both report the same remote address and port.
  const settlers = new Map<string, () => void>()

  server.on('connection', (socket: Socket) => {
    // Already gone (reset before accept completed): it has no endpoint to key its request by.
    if (socket.remoteAddress === undefined) {
      socket.destroy()
      return
    }
    const address = socket.remoteAddress
    const key = limits.exempt(address) ? undefined : limitKey(address)
    if (!budget.take(key)) {
      limits.onShed('pending-limit')
      socket.destroy()
      return
    }
    const timer = setTimeout(() => {
      limits.onShed('upgrade-timeout')
      socket.destroy()
    }, limits.timeoutMs)
    timer.unref()
    let pending = true
    const endpoint = endpointOf(socket)
    const settle = (): void => {
      if (!pending) return
      pending = false
      clearTimeout(timer)
      budget.release(key)
      settlers.delete(endpoint)
      // Nothing of the pending phase may stay with the socket for its life.
      socket.removeListener('close', settle)
    }
    settlers.set(endpoint, settle)
    socket.on('close', settle)
  })
  const complete = (request: { socket: Socket }): void => settlers.get(endpointOf(request.socket))?.()
  server.on('request', complete)
  server.on('upgrade', complete)
}

const endpointOf = (socket: Socket): string => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`
