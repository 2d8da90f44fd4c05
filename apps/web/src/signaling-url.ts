/**
 * The signaling WebSocket lives on the page's own origin at `/ws`: in production the signaling
 * server serves this app, and in development Vite proxies `/ws` to it.
 */
export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/ws`
}
