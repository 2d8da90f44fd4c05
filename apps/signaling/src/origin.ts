/**
 * Decides whether a WebSocket upgrade's `Origin` may connect. Browsers always send `Origin`, so
 * this is what stops a page on another site from using the server from its visitors' browsers.
 * Non-browser clients (the CLI, servers, native apps) send none and are let through: `Origin`
 * is trivially forged outside a browser, so refusing its absence would protect nothing; room
 * tokens are the control for those.
 *
 * Always allowed: the server's own origin (the `Host` the request was sent to: the web app served
 * by this server) and loopback origins (`localhost`, `127.0.0.1`, `[::1]` on any port: dev servers).
 * `allowed` adds exact origins (`https://app.example.com`); `*` allows every origin.
 */
export function createOriginCheck(allowed: readonly string[]): (origin: string | undefined, host: string | undefined) => boolean {
  const anyOrigin = allowed.includes('*')
  const exact = new Set(allowed.map((origin) => origin.toLowerCase().replace(/\/$/, '')))
  return (origin, host) => {
    if (origin === undefined || anyOrigin) return true
    const normalized = origin.toLowerCase()
    if (exact.has(normalized)) return true
    let url: URL
    try {
      url = new URL(normalized)
    } catch {
      return false
    }
    if (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]') return true
    return host !== undefined && url.host === host.toLowerCase()
  }
}
