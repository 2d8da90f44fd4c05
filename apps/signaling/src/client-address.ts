import type { IncomingMessage } from 'node:http'

/**
 * The address per-client budgets are keyed on: the TCP peer. The one place that decides it, so
 * a proxy-aware rule (`X-Forwarded-For` from a trusted proxy) replaces only this function.
 */
export function clientAddress(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? ''
}
