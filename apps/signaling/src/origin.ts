import { isIP } from 'node:net'

export interface OriginPolicy {
  /** Exact origins allowed besides the server's own; `*` allows every origin. */
  readonly allowedOrigins: readonly string[]
  /** The URL users open; its origin is the server's own. */
  readonly publicUrl: string | undefined
  /** The interface the server is bound to. */
  readonly host: string
}

/**
 * Decides whether a WebSocket upgrade's `Origin` may connect. Browsers always send `Origin`, so
 * this is what stops a page on another site from using the server from its visitors' browsers.
 * Non-browser clients (the CLI, servers, native apps) send none and are let through: `Origin`
 * is trivially forged outside a browser, so refusing its absence would protect nothing; room
 * tokens are the control for those.
 *
 * The server's own origin comes from configuration (`publicUrl`, `allowedOrigins`), never from the
 * request's `Host` alone: with DNS rebinding an attacker's name points at this server, and the
 * page then sends `Host: evil.example` with `Origin: http://evil.example`, which match. Allowed:
 * - `allowedOrigins` and the origin of `publicUrl`;
 * - loopback origins (`localhost`, `127.0.0.0/8`, `[::1]`, any port: dev servers), only when the
 *   server is bound to a loopback interface, so that only this machine can reach it;
 * - an origin whose host is an IP address literal equal to the request's `Host` (the app opened
 *   as `http://192.0.2.10:8080`): no DNS name is involved, so rebinding cannot produce it.
 */
export function createOriginCheck(policy: OriginPolicy): (origin: string | undefined, requestHost: string | undefined) => boolean {
  const anyOrigin = policy.allowedOrigins.includes('*')
  const exact = new Set(policy.allowedOrigins.flatMap((origin) => originOf(origin) ?? []))
  const own = policy.publicUrl === undefined ? undefined : originOf(policy.publicUrl)
  if (own !== undefined) exact.add(own)
  const loopbackBound = isLoopbackHost(policy.host)
  return (origin, requestHost) => {
    if (origin === undefined || anyOrigin) return true
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return false
    }
    if (exact.has(url.origin)) return true
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
    if (loopbackBound && isLoopbackHost(url.hostname)) return true
    return isIP(unbracket(url.hostname)) !== 0 && requestHost !== undefined && url.host === requestHost.toLowerCase()
  }
}

/** `localhost`, `127.0.0.0/8` and `::1`, with or without brackets. */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracket(host.toLowerCase())
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'))
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

function originOf(text: string): string | undefined {
  try {
    return new URL(text).origin
  } catch {
    return undefined
  }
}
