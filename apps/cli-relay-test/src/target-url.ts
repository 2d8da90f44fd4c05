import { RelayTestError, err, ok, type Result } from './errors.js'

const SCHEMES: Readonly<Record<string, 'ws:' | 'wss:'>> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }

/**
 * The WebSocket URL to test. An http(s) URL is accepted too and mapped to ws(s), because
 * operators usually have the page's address at hand (`https://call.example.com`), not the socket's.
 */
export function parseTargetUrl(text: string): Result<URL> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return err(new RelayTestError('bad-url', `"${text}" is not a URL; expected e.g. ws://127.0.0.1:8080/ws`))
  }
  const scheme = SCHEMES[url.protocol]
  if (!scheme) {
    return err(new RelayTestError('bad-url', `"${text}" uses ${url.protocol}; expected ws:, wss:, http: or https:`))
  }
  url.protocol = scheme
  return ok(url)
}

/** The same URL with `?room=` set, the form tutorial-style clients and the baseline relay use for rooms. */
export function withRoom(url: URL, room: string): URL {
  const copy = new URL(url)
  copy.searchParams.set('room', room)
  return copy
}

/**
 * The URL a PeerJS client opens: `key` (the server's API key, `peerjs` unless the URL names one),
 * the peer's chosen `id` and a `token` that guards the id against takeover.
 */
export function withPeerjsIdentity(url: URL, id: string, token: string): URL {
  const copy = new URL(url)
  if (!copy.searchParams.has('key')) copy.searchParams.set('key', 'peerjs')
  copy.searchParams.set('id', id)
  copy.searchParams.set('token', token)
  return copy
}
