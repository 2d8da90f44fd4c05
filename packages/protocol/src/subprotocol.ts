import { PROTOCOL_VERSION } from './version.js'

// Version negotiation happens in the WebSocket handshake: an SDK offers the subprotocols of the
// versions it speaks (`Sec-WebSocket-Protocol: peerlane.v1`), the server picks one it speaks
// too. A client that offers no `peerlane.*` subprotocol (the classic tutorial client) gets v1.

const PREFIX = 'peerlane.v'

/** The subprotocol of a protocol version: `peerlane.v1`. */
export function subprotocolOf(version: number): string {
  return `${PREFIX}${version}`
}

/** The subprotocols this package speaks, newest first: what an SDK offers. */
export const SUBPROTOCOLS: readonly string[] = [subprotocolOf(PROTOCOL_VERSION)]

export type SubprotocolChoice =
  /** Speak `protocol`; `undefined` means the client offered no Peerlane subprotocol (legacy). */
  | { readonly ok: true; readonly protocol: string | undefined }
  | { readonly ok: false; readonly reason: string }

/** The server's pick among the subprotocols a client offered. */
export function chooseSubprotocol(offered: Iterable<string>, supported: readonly string[] = SUBPROTOCOLS): SubprotocolChoice {
  const peerlane = [...offered].filter((protocol) => protocol.startsWith(PREFIX))
  if (peerlane.length === 0) return { ok: true, protocol: undefined }
  const match = supported.find((protocol) => peerlane.includes(protocol))
  if (match) return { ok: true, protocol: match }
  const shown = peerlane.slice(0, 4).map((p) => p.slice(0, 32)).join(', ')
  return { ok: false, reason: `Unsupported Peerlane protocol version (offered ${shown}; this server speaks ${supported.join(', ')})` }
}
