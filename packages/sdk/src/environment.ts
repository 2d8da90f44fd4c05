// Handlers are declared as methods so their parameters are checked bivariantly: `ws`'s own
// event types (richer than what the SDK reads) then fit without casts.
type Handler<E> = { bivariant(event: E): void }['bivariant'] | null

/** The subset of the WHATWG WebSocket the SDK uses; `ws`'s WebSocket satisfies it too. */
export interface WebSocketLike {
  readonly readyState: number
  onopen: Handler<unknown>
  onmessage: Handler<{ data: unknown }>
  onclose: Handler<{ code: number; reason: string }>
  onerror: Handler<unknown>
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** `protocols` are the subprotocols offered in the handshake (the protocol versions the SDK speaks). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike
export type PeerConnectionConstructor = new (config?: RTCConfiguration) => RTCPeerConnection

/** The platform's constructors, so a browser app passes nothing and a Node app injects its own. */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
}

export function platformPeerConnection(): PeerConnectionConstructor | undefined {
  return (globalThis as { RTCPeerConnection?: PeerConnectionConstructor }).RTCPeerConnection
}

export const WS_OPEN = 1
